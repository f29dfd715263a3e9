package fake

import (
	"crypto/sha256"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// rateLimit is a per-caller budget of API requests per period, answered
// the way GitLab's Rack::Attack throttles answer (lib/gitlab/rack_attack.rb):
// 429 "Retry later" with Retry-After and the RateLimit-* headers once spent.
// The headers come on every response here, as GitLab.com's edge sends them,
// so that a client can slow down before the first 429.
type rateLimit struct {
	mu      sync.Mutex
	limit   int
	period  time.Duration
	callers map[[32]byte]*budget
}

type budget struct {
	start time.Time
	used  int
}

// SetRateLimit gives every caller (each credential, or anonymous callers
// together) n API requests per period, counted by the server's clock
// (Server.Now). n <= 0 turns the limit off. RateLimit-Limit is reported per
// minute, as GitLab reports it, whatever the period.
func (s *Server) SetRateLimit(n int, period time.Duration) {
	r := &s.audit.rate
	r.mu.Lock()
	defer r.mu.Unlock()
	if period <= 0 {
		period = time.Minute
	}
	r.limit, r.period, r.callers = n, period, map[[32]byte]*budget{}
}

// limited charges an API request to its caller's budget and writes the
// RateLimit headers; it answers 429 and returns true once the budget is spent.
func (r *rateLimit) limited(w http.ResponseWriter, req *http.Request, rec *Recorded, now time.Time) bool {
	if !strings.HasPrefix(req.URL.Path, "/api/v4/") {
		return false
	}
	r.mu.Lock()
	if r.limit <= 0 {
		r.mu.Unlock()
		return false
	}
	// The key is a hash: the stand-in keeps no credential it does not need.
	key := sha256.Sum256([]byte(req.Header.Get("PRIVATE-TOKEN") + "\x00" + req.Header.Get("Authorization")))
	b := r.callers[key]
	if b == nil || !now.Before(b.start.Add(r.period)) {
		b = &budget{start: now}
		r.callers[key] = b
	}
	b.used++
	used, limit, reset := b.used, r.limit, b.start.Add(r.period)
	perMinute := max(1, int(math.Ceil(float64(limit)*float64(time.Minute)/float64(r.period))))
	r.mu.Unlock()

	h := w.Header()
	h.Set("RateLimit-Name", "throttle_authenticated_api")
	h.Set("RateLimit-Limit", strconv.Itoa(perMinute))
	h.Set("RateLimit-Observed", strconv.Itoa(used))
	h.Set("RateLimit-Remaining", strconv.Itoa(max(0, limit-used)))
	h.Set("RateLimit-Reset", strconv.FormatInt(int64(math.Ceil(float64(reset.UnixNano())/1e9)), 10))
	h.Set("RateLimit-ResetTime", reset.UTC().Format(http.TimeFormat))
	if used <= limit {
		return false
	}
	h.Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(reset.Sub(now).Seconds())))))
	h.Set("Content-Type", "text/plain")
	w.WriteHeader(http.StatusTooManyRequests)
	rec.Status = http.StatusTooManyRequests
	_, _ = w.Write([]byte("Retry later\n"))
	return true
}
