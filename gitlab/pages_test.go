package gitlab

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go/v2"
)

// fakeClock is a clock whose sleeps pass at once and are recorded.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func (f *fakeClock) now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.t }
func (f *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
	f.sleeps = append(f.sleeps, d)
	return ctx.Err()
}

func testLimiter(n int, maxWait time.Duration) (*limiter, *fakeClock, *[]time.Duration) {
	clock := &fakeClock{t: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	var told []time.Duration
	l := &limiter{slots: make(chan struct{}, n), maxWait: maxWait, now: clock.now, sleep: clock.sleep, backoff: time.Second,
		onWait: func(d time.Duration, _ string) { told = append(told, d) }}
	return l, clock, &told
}

// list is an in-memory GitLab list of n items, paged as GitLab pages.
type list struct {
	n, per  int
	counted bool
	failAt  int64
	grow    int // items added after the first page was read
	inUse   atomic.Int64
	peak    atomic.Int64
	fetched atomic.Int64
	latency time.Duration
}

func (l *list) fetch(_ context.Context, p int64) ([]int, *gl.Response, error) {
	n := l.inUse.Add(1)
	defer l.inUse.Add(-1)
	for {
		if old := l.peak.Load(); n <= old || l.peak.CompareAndSwap(old, n) {
			break
		}
	}
	l.fetched.Add(1)
	time.Sleep(l.latency) // the network's time, so that fetches overlap
	if p == l.failAt {
		return nil, nil, errors.New("page failed")
	}
	total := l.n
	if p > 1 {
		total += l.grow
	}
	h := http.Header{}
	pages := max((total+l.per-1)/l.per, 1)
	if l.counted {
		h.Set("X-Total", strconv.Itoa(l.n))
		h.Set("X-Total-Pages", strconv.Itoa(max((l.n+l.per-1)/l.per, 1)))
	}
	resp := &gl.Response{Response: &http.Response{StatusCode: 200, Header: h}, CurrentPage: p}
	if int(p) < pages {
		resp.NextPage = p + 1
	}
	var items []int
	for i := (int(p) - 1) * l.per; i < min(int(p)*l.per, total); i++ {
		items = append(items, i)
	}
	return items, resp, nil
}

func TestEachPageReadsEveryPageInOrder(t *testing.T) {
	tests := []struct {
		name     string
		l        *list
		ahead    int
		requests int64
		// past: how many requests may go past the end of an uncounted list.
		past int64
	}{
		{"empty", &list{n: 0, per: 100, counted: true}, 4, 1, 0},
		{"one page", &list{n: 40, per: 100, counted: true}, 4, 1, 0},
		{"one uncounted page", &list{n: 40, per: 100}, 4, 1, 0},
		{"counted pages, fetched ahead", &list{n: 1050, per: 100, counted: true}, 4, 11, 0},
		{"uncounted (over 10 000): ahead until the last page", &list{n: 1050, per: 100}, 4, 11, 4},
		{"uncounted, one at a time", &list{n: 1050, per: 100}, 1, 11, 1},
		{"the list grew while read: the pages past the count too", &list{n: 250, per: 100, counted: true, grow: 120}, 2, 4, 0},
		{"no window given: one ahead", &list{n: 500, per: 100, counted: true}, 0, 5, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, _, _ := testLimiter(8, time.Minute)
			var got []int
			total := int64(-2)
			err := eachPage(context.Background(), l, tt.ahead, tt.l.fetch, func(items []int, info pageInfo) error {
				got, total = append(got, items...), info.Total
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			want := tt.l.n + tt.l.grow
			if tt.l.n == 0 {
				want = 0
			}
			for i, v := range got {
				if v != i {
					t.Fatalf("item %d is %d: out of order or missing", i, v)
				}
			}
			if n := tt.l.fetched.Load(); len(got) != want || n < tt.requests || n > tt.requests+tt.past {
				t.Fatalf("%d items in %d requests, want %d in %d (+%d)", len(got), n, want, tt.requests, tt.past)
			}
			if wantTotal := map[bool]int64{true: int64(tt.l.n), false: -1}[tt.l.counted]; total != wantTotal {
				t.Fatalf("total %d, want %d", total, wantTotal)
			}
		})
	}
}

func TestEachPageHoldsAWindowOnly(t *testing.T) {
	for _, tt := range []struct {
		ahead   int
		counted bool
	}{{1, true}, {3, true}, {3, false}} {
		ahead := tt.ahead
		t.Run(fmt.Sprint(tt), func(t *testing.T) {
			l, _, _ := testLimiter(64, time.Minute)
			ls := &list{n: 3000, per: 100, counted: tt.counted, latency: time.Millisecond}
			if err := eachPage(context.Background(), l, ahead, ls.fetch, func([]int, pageInfo) error { return nil }); err != nil {
				t.Fatal(err)
			}
			// The page waited for plus those queued behind it.
			if p := ls.peak.Load(); p > int64(ahead+1) {
				t.Fatalf("%d pages fetched at once, window %d", p, ahead)
			}
		})
	}
}

func TestEachPageStops(t *testing.T) {
	stop := errors.New("enough")
	tests := []struct {
		name    string
		l       *list
		each    func(seen int) error
		wantErr string
	}{
		{"a page fails", &list{n: 2000, per: 100, counted: true, failAt: 7}, func(int) error { return nil }, "page failed"},
		{"an uncounted page fails", &list{n: 2000, per: 100, failAt: 7}, func(int) error { return nil }, "page failed"},
		{"the reader stops", &list{n: 2000, per: 100, counted: true}, func(seen int) error {
			if seen >= 300 {
				return stop
			}
			return nil
		}, "enough"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, _, _ := testLimiter(8, time.Minute)
			seen := 0
			err := eachPage(context.Background(), l, 4, tt.l.fetch, func(items []int, _ pageInfo) error {
				seen += len(items)
				return tt.each(seen)
			})
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("err %v, want %s", err, tt.wantErr)
			}
			// Nothing is fetched after eachPage returned.
			n := tt.l.fetched.Load()
			if tt.l.inUse.Load() != 0 || n >= 20 {
				t.Fatalf("%d fetches, %d still running", n, tt.l.inUse.Load())
			}
		})
	}
}

func tooMany(h http.Header) error {
	req, _ := http.NewRequest(http.MethodGet, "https://gitlab.example.com/api/v4/groups", nil)
	return &gl.ErrorResponse{StatusCode: 429, Response: &http.Response{StatusCode: 429, Header: h, Request: req}, Message: "Retry later"}
}

func TestLimiterWaitsOutRateLimits(t *testing.T) {
	reset := func(c *fakeClock, d time.Duration) string { return strconv.FormatInt(c.now().Add(d).Unix(), 10) }
	tests := []struct {
		name      string
		answers   func(c *fakeClock) []http.Header // nil: 200
		wantErr   bool
		wantWaits []time.Duration
	}{
		{"Retry-After is waited", func(*fakeClock) []http.Header {
			return []http.Header{{"Retry-After": {"7"}}}
		}, false, []time.Duration{7 * time.Second}},
		// A wait beyond the maximum is not waited for at all: cut to a
		// minute and asked again six times, it held a list for five
		// minutes and then failed anyway.
		{"a far Retry-After fails at once", func(*fakeClock) []http.Header {
			return []http.Header{{"Retry-After": {"3600"}}}
		}, true, nil},
		{"a far RateLimit-Reset without Retry-After fails at once", func(c *fakeClock) []http.Header {
			return []http.Header{{"Ratelimit-Reset": {reset(c, 30*24*time.Hour)}}}
		}, true, nil},
		{"RateLimit-Reset when no Retry-After", func(c *fakeClock) []http.Header {
			return []http.Header{{"Ratelimit-Reset": {reset(c, 20*time.Second)}}}
		}, false, []time.Duration{20 * time.Second}},
		{"no header: a doubling pause", func(*fakeClock) []http.Header {
			return []http.Header{{}, {}, {}}
		}, false, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
		{"gives up after six 429s", func(*fakeClock) []http.Header {
			return []http.Header{{}, {}, {}, {}, {}, {}, {}}
		}, true, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 32 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, clock, told := testLimiter(4, time.Minute)
			answers := tt.answers(clock)
			sent := 0
			_, err := l.do(context.Background(), func(context.Context) (*gl.Response, error) {
				sent++
				if sent <= len(answers) {
					err := tooMany(answers[sent-1])
					return &gl.Response{Response: err.(*gl.ErrorResponse).Response}, err
				}
				return &gl.Response{Response: &http.Response{StatusCode: 200, Header: http.Header{}}}, nil
			})
			if (err != nil) != tt.wantErr {
				t.Fatalf("err %v", err)
			}
			// The pause after the last 429 still holds other requests back;
			// this one has given up and does not sleep it.
			slept := tt.wantWaits
			if tt.wantErr && len(slept) > 0 {
				slept = slept[:len(slept)-1]
			}
			if fmt.Sprint(*told) != fmt.Sprint(tt.wantWaits) || fmt.Sprint(clock.sleeps) != fmt.Sprint(slept) {
				t.Fatalf("waits said %v, slept %v, want %v", *told, clock.sleeps, tt.wantWaits)
			}
			if st := l.snapshot(); st.RateLimited != min(len(answers), maxRateLimitTries) || st.Requests != sent {
				t.Fatalf("stats %+v after %d sent", st, sent)
			}
		})
	}
}

func TestLimiterPausesBeforeTheBudgetIsSpent(t *testing.T) {
	l, clock, told := testLimiter(8, time.Minute)
	h := http.Header{"Ratelimit-Remaining": {"3"}, "Ratelimit-Reset": {strconv.FormatInt(clock.now().Add(30*time.Second).Unix(), 10)}}
	ok := func(context.Context) (*gl.Response, error) {
		return &gl.Response{Response: &http.Response{StatusCode: 200, Header: h}}, nil
	}
	if _, err := l.do(context.Background(), ok); err != nil {
		t.Fatal(err)
	}
	h = http.Header{"Ratelimit-Remaining": {"500"}}
	if _, err := l.do(context.Background(), ok); err != nil {
		t.Fatal(err)
	}
	if len(*told) != 1 || (*told)[0] != 30*time.Second || len(clock.sleeps) != 1 {
		t.Fatalf("told %v, slept %v: want one pause of 30s before the second request", *told, clock.sleeps)
	}
	// A reset a month away is not paused for ahead of time.
	h = http.Header{"Ratelimit-Remaining": {"3"}, "Ratelimit-Reset": {strconv.FormatInt(clock.now().Add(30*24*time.Hour).Unix(), 10)}}
	if _, err := l.do(context.Background(), ok); err != nil {
		t.Fatal(err)
	}
	h = http.Header{}
	if _, err := l.do(context.Background(), ok); err != nil || len(*told) != 1 || len(clock.sleeps) != 1 {
		t.Fatalf("a far reset: err %v, told %v, slept %v", err, *told, clock.sleeps)
	}
}

func TestLimiterNeverExceedsItsSlots(t *testing.T) {
	l, _, _ := testLimiter(3, time.Minute)
	var in, peak atomic.Int64
	var wg sync.WaitGroup
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = l.do(context.Background(), func(context.Context) (*gl.Response, error) {
				n := in.Add(1)
				for {
					if old := peak.Load(); n <= old || peak.CompareAndSwap(old, n) {
						break
					}
				}
				time.Sleep(time.Millisecond) // the network's time
				in.Add(-1)
				return &gl.Response{Response: &http.Response{StatusCode: 200, Header: http.Header{}}}, nil
			})
		}()
	}
	wg.Wait()
	if p := peak.Load(); p > 3 || p < 2 {
		t.Fatalf("peak %d in flight with 3 slots", p)
	}
}
