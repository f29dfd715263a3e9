package fake

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// FaultKind is what a Fault does to a matching request.
type FaultKind string

// The faults the stand-in can inject.
const (
	// FaultStatus answers Status without doing anything (a proxy error before GitLab acted).
	FaultStatus FaultKind = "status"
	// FaultCommitThenStatus does the work (creates the token), then answers Status: the response is lost.
	FaultCommitThenStatus FaultKind = "commit-then-status"
	// FaultRateLimit answers 429 with RateLimit headers and Retry-After; nothing is done.
	FaultRateLimit FaultKind = "ratelimit"
	// FaultReset closes the connection before anything is done.
	FaultReset FaultKind = "reset"
	// FaultCommitThenReset does the work, then closes the connection mid-response.
	FaultCommitThenReset FaultKind = "commit-then-reset"
	// FaultCommitThenHang does the work, then holds the response until the client gives up.
	FaultCommitThenHang FaultKind = "commit-then-hang"
)

func (k FaultKind) commitsFirst() bool {
	return k == FaultCommitThenStatus || k == FaultCommitThenReset || k == FaultCommitThenHang
}

// Fault makes matching requests fail. Times counts how many requests it hits (0 = every one).
type Fault struct {
	Method string
	// PathSuffix matches the end of the escaped path, e.g. "/access_tokens".
	PathSuffix string
	Kind       FaultKind
	Status     int
	// RetryAfter is the Retry-After of FaultRateLimit, in seconds.
	RetryAfter int
	// Body replaces the HTML page of FaultStatus with a JSON body, as GitLab
	// itself (rather than a proxy) would send.
	Body  string
	Times int
	hits  int
}

// AddFault installs a fault; faults are tried in the order added.
func (s *Server) AddFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Status == 0 {
		f.Status = http.StatusBadGateway
	}
	s.faults = append(s.faults, &f)
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() { s.mu.Lock(); s.faults = nil; s.mu.Unlock() }

// takeFault returns the first fault that matches and still has hits; s.mu is held.
func (s *Server) takeFault(method, path string) *Fault {
	for _, f := range s.faults {
		if (f.Method == "" || f.Method == method) && strings.HasSuffix(path, f.PathSuffix) && (f.Times == 0 || f.hits < f.Times) {
			f.hits++
			cp := *f
			return &cp
		}
	}
	return nil
}

func (f *Fault) apply(w http.ResponseWriter, r *http.Request, rec *Recorded) {
	switch f.Kind {
	case FaultRateLimit:
		ra := f.RetryAfter
		if ra <= 0 {
			ra = 1
		}
		h := w.Header()
		h.Set("RateLimit-Limit", "600")
		h.Set("RateLimit-Observed", "601")
		h.Set("RateLimit-Remaining", "0")
		h.Set("RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Duration(ra)*time.Second).Unix(), 10))
		h.Set("Retry-After", strconv.Itoa(ra))
		h.Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusTooManyRequests)
		rec.Status = http.StatusTooManyRequests
		_, _ = w.Write([]byte("Retry later\n"))
	case FaultReset, FaultCommitThenReset:
		rec.Status = -1
		hj, ok := w.(http.Hijacker)
		if !ok {
			panic(http.ErrAbortHandler)
		}
		conn, buf, err := hj.Hijack()
		if err != nil {
			return
		}
		if f.Kind == FaultCommitThenReset {
			_, _ = buf.WriteString("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{\"id\":")
			_ = buf.Flush()
		}
		_ = conn.Close()
	case FaultCommitThenHang:
		rec.Status = -2
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Minute):
		}
	default:
		if f.Body != "" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(f.Status)
			rec.Status = f.Status
			_, _ = w.Write([]byte(f.Body))
			return
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.Status)
		rec.Status = f.Status
		_, _ = w.Write([]byte("<html><body><h1>" + strconv.Itoa(f.Status) + " " + http.StatusText(f.Status) + "</h1></body></html>\n"))
	}
}

type discardWriter struct{ header http.Header }

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}
