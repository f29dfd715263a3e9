package gitlab

// When a request is tried again on its own, and how long the client waits:
// only reads, only after failures that prove nothing was done or that a read
// may repeat, and never longer than MaxRateLimitWait per wait, said aloud
// (DESIGN invariants 1 and 8). Creates and rotations pass noRetry instead.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// noLimiter replaces client-go's client-side limiter, which it would build
// from the first RateLimit-Limit header and wait on silently.
type noLimiter struct{}

func (noLimiter) Wait(ctx context.Context) error { return ctx.Err() }

// checkRetry decides whether a read is sent again. A 429 is retried only when
// the wait GitLab asks for is within MaxRateLimitWait; otherwise the caller
// hears how long to wait. A 5xx or a failure before the request left is
// retried for idempotent methods. A refused redirect or an oversized answer
// never is: the same answer would come back.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		var dns *net.DNSError
		if errors.As(err, &dns) && dns.IsNotFound {
			return false, nil
		}
		var re *RedirectError
		if errors.As(err, &re) || isBodyTooLarge(err) {
			return false, nil
		}
		return notSent(err), nil
	}
	if resp.Request != nil && !idempotent(resp.Request.Method) {
		return false, nil
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return retryAfter(resp, c.now()) <= c.opts.MaxRateLimitWait, nil
	case resp.StatusCode == 0 || resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented:
		return true, nil
	}
	return false, nil
}

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// backoff is how long to wait before a retry: what a 429 asks for (bounded,
// and said aloud when it is long enough to notice), else a short pause.
func (c *Client) backoff(_, _ time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
		wait := retryAfter(resp, c.now())
		if wait <= 0 {
			wait = time.Duration(1<<min(attempt, 5)) * 250 * time.Millisecond
		}
		wait = min(wait, c.opts.MaxRateLimitWait)
		c.notifyWait(wait)
		return wait
	}
	return retryablehttp.LinearJitterBackoff(700*time.Millisecond, 900*time.Millisecond, attempt, resp)
}

// notifyWait tells the user about a rate-limit wait of a second or more.
func (c *Client) notifyWait(d time.Duration) {
	if c.opts.Notify != nil && d >= time.Second {
		c.opts.Notify(fmt.Sprintf("GitLab is rate limiting requests: waiting %s as it asks (never more than %s)…",
			d.Round(time.Second), c.opts.MaxRateLimitWait.Round(time.Second)))
	}
}
