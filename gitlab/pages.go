package gitlab

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go/v2"
)

// limiter bounds the requests in flight to one GitLab and paces them by
// what GitLab says of its rate limit, so that walking thousands of
// resources neither floods the instance nor dies on the first 429. One
// limiter serves every request of a run: list pages and per-resource reads
// share its slots.
type limiter struct {
	slots   chan struct{}
	maxWait time.Duration
	now     func() time.Time
	sleep   func(context.Context, time.Duration) error
	// onWait hears of each pause before it starts (said aloud: DESIGN invariant 8).
	onWait func(d time.Duration, why string)

	mu       sync.Mutex
	resumeAt time.Time
	// backoff is the pause after a 429 that named no wait; it doubles while they last.
	backoff time.Duration
	stats   limiterStats
}

// limiterStats counts what a limiter did.
type limiterStats struct {
	Requests    int
	RateLimited int
	Paused      time.Duration
}

// maxRateLimitTries bounds the 429s one request may meet before it fails:
// with waits of up to a minute each, five minutes of refusals.
const maxRateLimitTries = 6

func (c *Client) newLimiter(n int, onWait func(time.Duration, string)) *limiter {
	if n < 1 {
		n = 1
	}
	if onWait == nil {
		onWait = func(time.Duration, string) {}
	}
	return &limiter{slots: make(chan struct{}, n), maxWait: c.opts.MaxRateLimitWait, now: c.now, sleep: c.sleep,
		onWait: onWait, backoff: time.Second}
}

// do sends one request: it waits out any pause, takes a slot, sends, and
// gives the slot back. A 429 pauses every request of the limiter for as long
// as GitLab asks (at most maxWait) and sends this one again.
func (l *limiter) do(ctx context.Context, send func(context.Context) (*gl.Response, error)) (*gl.Response, error) {
	for try := 1; ; try++ {
		if err := l.waitPause(ctx); err != nil {
			return nil, err
		}
		select {
		case l.slots <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		resp, err := send(ctx)
		<-l.slots
		var er *gl.ErrorResponse
		limited := errors.As(err, &er) && er.StatusCode == 429
		waits := l.observe(resp, limited)
		if limited && waits && try < maxRateLimitTries && ctx.Err() == nil {
			continue
		}
		return resp, err
	}
}

func (l *limiter) waitPause(ctx context.Context) error {
	for {
		l.mu.Lock()
		d := l.resumeAt.Sub(l.now())
		l.mu.Unlock()
		if d <= 0 {
			return ctx.Err()
		}
		if err := l.sleep(ctx, d); err != nil {
			return err
		}
	}
}

// observe counts a response and reads its rate-limit headers: after a 429
// everyone pauses for Retry-After (or until RateLimit-Reset); when
// RateLimit-Remaining falls below the requests that may be in flight,
// everyone pauses until the reset instead of running into the 429s. It
// reports whether a 429 is worth waiting for: a wait GitLab names beyond
// maxWait is not waited for at all (the request fails at once with the
// wait named, as a single request does), never cut to maxWait and tried
// again and again.
func (l *limiter) observe(resp *gl.Response, limited bool) (waits bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stats.Requests++
	if resp == nil {
		return false
	}
	now := l.now()
	if limited {
		l.stats.RateLimited++
		wait := retryAfter(resp.Response, now)
		if wait > l.maxWait {
			return false
		}
		if wait <= 0 {
			wait, l.backoff = l.backoff, min(2*l.backoff, l.maxWait)
		}
		l.pauseLocked(now, wait, "GitLab answered 429 (rate limited)")
		return true
	}
	l.backoff = time.Second
	left, err := strconv.Atoi(resp.Header.Get("RateLimit-Remaining"))
	if err != nil || left >= cap(l.slots) {
		return
	}
	reset, err := strconv.ParseInt(resp.Header.Get("RateLimit-Reset"), 10, 64)
	if err != nil {
		return
	}
	// A reset further off than maxWait is not waited for ahead of time:
	// GitLab's own 429, if it comes, says what to do.
	if wait := time.Unix(reset, 0).Sub(now); wait > 0 && wait <= l.maxWait {
		l.pauseLocked(now, wait, fmt.Sprintf("GitLab's rate limit is nearly spent (%d left)", left))
	}
	return false
}

// pauseLocked holds every request back for d from now, at most maxWait;
// l.mu is held. Only a pause that ends later than the current one is told.
func (l *limiter) pauseLocked(now time.Time, d time.Duration, why string) {
	d = min(d, l.maxWait)
	until := now.Add(d)
	if !until.After(l.resumeAt) {
		return
	}
	from := now
	if l.resumeAt.After(now) {
		from = l.resumeAt
	}
	l.resumeAt = until
	l.stats.Paused += until.Sub(from)
	l.onWait(d, why)
}

func (l *limiter) snapshot() limiterStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.stats
}

// maxPages bounds one list: 5 000 pages of 100 are half a million records,
// more than any list this tool reads; maxExtraPages bounds the pages read
// past the count GitLab gave (a list that grew while it was read).
const (
	maxPages      = 5000
	maxExtraPages = 10
)

// pagesError is a list whose pages do not end.
type pagesError struct {
	pages int64
	empty bool
}

func (e *pagesError) Error() string {
	if e.empty {
		return fmt.Sprintf("GitLab's page %d of a list was empty but claimed a next one: the list was read no further", e.pages)
	}
	return fmt.Sprintf("GitLab's list claims %d pages or more, past the %d this tool reads: the list was read no further", e.pages, maxPages)
}

// pageInfo is what GitLab said about a list with one of its pages.
type pageInfo struct {
	// Total is the number of items in the list, or -1 when GitLab did not
	// count them (it stops above 10 000).
	Total int64
}

// pageFunc fetches page p (from 1) of a list.
type pageFunc[T any] func(ctx context.Context, p int64) ([]T, *gl.Response, error)

// eachPage fetches every page of a list through l and hands each page's
// items to each, in page order. After the first page, up to ahead pages are
// fetched at once: up to the count GitLab gave (X-Total-Pages), or, for
// lists of more than 10 000 records, which GitLab does not count, until a
// page says it is the last (no X-Next-Page) — then at most ahead requests
// went past the end, a few percent of such a list. Pages wait for each, so
// at most ahead+1 pages are held at a time whatever the list's length. A
// failed fetch or an error from each stops the walk; eachPage returns after
// every fetch it started.
func eachPage[T any](ctx context.Context, l *limiter, ahead int, fetch pageFunc[T], each func([]T, pageInfo) error) error {
	items, resp, err := fetchPage(ctx, l, fetch, 1)
	if err != nil {
		return err
	}
	// A broken or hostile server could claim pages without end: bound the
	// walk by what it counted, and by maxPages whatever it says.
	if n, perr := strconv.ParseInt(resp.Header.Get("X-Total-Pages"), 10, 64); perr == nil && n > maxPages {
		return &pagesError{pages: n}
	}
	info := pageInfo{Total: -1}
	if n, err := strconv.ParseInt(resp.Header.Get("X-Total"), 10, 64); err == nil {
		info.Total = n
	}
	if err := each(items, info); err != nil {
		return err
	}
	last := int64(1)
	pages, err := strconv.ParseInt(resp.Header.Get("X-Total-Pages"), 10, 64)
	switch {
	case err == nil && pages > 1:
		if resp, err = pagesAhead(ctx, l, max(ahead, 1), fetch, pages, info, each); err != nil {
			return err
		}
		last = pages
	case err != nil && resp.NextPage == 2:
		if resp, err = pagesAhead(ctx, l, max(ahead, 1), fetch, 0, info, each); err != nil {
			return err
		}
		last = resp.CurrentPage
	}
	// Follow X-Next-Page past the counted pages when the list grew while it
	// was read (and where a server counts pages oddly), a few pages at most.
	for next, extra := resp.NextPage, 0; next > 0; next, extra = resp.NextPage, extra+1 {
		if next <= last {
			return fmt.Errorf("GitLab's pagination went back from page %d to %d", last, next)
		}
		if next > maxPages || pages > 0 && extra >= maxExtraPages {
			return &pagesError{pages: next}
		}
		if items, resp, err = fetchPage(ctx, l, fetch, next); err != nil {
			return err
		}
		if err := each(items, info); err != nil {
			return err
		}
		last = next
	}
	return nil
}

// pagesAhead fetches pages from 2 with up to ahead in flight and hands them
// to each in order, up to page pages, or when pages is 0 up to the first
// page without a next one; it returns the last page's response.
func pagesAhead[T any](ctx context.Context, l *limiter, ahead int, fetch pageFunc[T], pages int64, info pageInfo, each func([]T, pageInfo) error) (*gl.Response, error) {
	type result struct {
		items []T
		resp  *gl.Response
		err   error
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	// pending holds the pages in order; its capacity is the window ahead.
	pending := make(chan chan result, ahead)
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(pending)
		for p := int64(2); (pages == 0 || p <= pages) && p <= maxPages; p++ {
			ch := make(chan result, 1)
			select {
			case pending <- ch:
			case <-ctx.Done():
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				items, resp, err := fetchPage(ctx, l, fetch, p)
				if err == nil && resp.CurrentPage == 0 {
					resp.CurrentPage = p
				}
				ch <- result{items, resp, err}
			}()
		}
	}()
	var last *gl.Response
	for ch := range pending {
		r := <-ch
		if r.err != nil {
			return nil, r.err
		}
		if err := each(r.items, info); err != nil {
			return nil, err
		}
		last = r.resp
		if pages == 0 && last.NextPage == 0 {
			return last, nil // the end of an uncounted list; the fetches past it are cancelled
		}
		if pages == 0 && len(r.items) == 0 {
			return nil, &pagesError{pages: last.CurrentPage, empty: true} // an empty page that claims a next one
		}
	}
	if pages == 0 && last != nil && last.NextPage != 0 {
		return nil, &pagesError{pages: maxPages}
	}
	if last == nil {
		return nil, ctx.Err()
	}
	return last, nil
}

func fetchPage[T, K any](ctx context.Context, l *limiter, fetch func(context.Context, K) ([]T, *gl.Response, error), k K) ([]T, *gl.Response, error) {
	var items []T
	resp, err := l.do(ctx, func(ctx context.Context) (*gl.Response, error) {
		var (
			r   *gl.Response
			err error
		)
		items, r, err = fetch(ctx, k)
		return r, err
	})
	if err == nil && resp == nil {
		err = errors.New("no response")
	}
	return items, resp, err
}

// linkFunc fetches the page a rel="next" link points at ("" for the first).
type linkFunc[T any] func(ctx context.Context, next string) ([]T, *gl.Response, error)

// eachLinkedPage follows a keyset-paginated list page by page by its
// rel="next" links: the only way through GET /projects past the 50 000
// records offset pagination allows. A server that ignores keyset
// pagination answers with offset pages whose links work the same.
func eachLinkedPage[T any](ctx context.Context, l *limiter, fetch linkFunc[T], each func([]T) error) error {
	next := ""
	for n := 1; ; n++ {
		if n > maxPages {
			return &pagesError{pages: maxPages}
		}
		items, resp, err := fetchPage(ctx, l, fetch, next)
		if err != nil {
			return err
		}
		if err := each(items); err != nil {
			return err
		}
		if resp.NextLink == "" {
			return nil
		}
		if resp.NextLink == next {
			return fmt.Errorf("GitLab's pagination links back to the same page")
		}
		next = resp.NextLink
	}
}
