package fake

import (
	"compress/gzip"
	"encoding/json"
	"io"
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
	// FaultTimeoutThenCommit answers Status (default 504) at once, as a proxy
	// that gave up waiting does, while GitLab goes on and does the work
	// Delay later: the token appears after the client was told of a failure.
	FaultTimeoutThenCommit FaultKind = "timeout-then-commit"
	// FaultRedirect answers Status (default 307) with Location: a proxy, an
	// SSO front or a hostile server sending the client to another origin.
	FaultRedirect FaultKind = "redirect"
	// FaultHugeBody answers 200 with a body of Size bytes (JSON-looking),
	// streamed without Content-Length unless DeclareLength is set.
	FaultHugeBody FaultKind = "huge-body"
	// FaultGzipBomb answers 200 with Content-Encoding gzip: a small body
	// that decompresses to Size bytes.
	FaultGzipBomb FaultKind = "gzip-bomb"
	// FaultEchoCredential answers Status (default 400) with a GitLab-shaped
	// message that quotes the caller's credential back.
	FaultEchoCredential FaultKind = "echo-credential"
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
	// ResetAfter, when set, puts RateLimit-Reset that many seconds ahead
	// instead of RetryAfter's; OmitRetryAfter leaves Retry-After out, so
	// only the (possibly far-future) reset time says how long to wait.
	ResetAfter     int
	OmitRetryAfter bool
	// Location is where FaultRedirect points.
	Location string
	// Delay is how long after its answer FaultTimeoutThenCommit does the work.
	Delay time.Duration
	// Size is the decoded body size of FaultHugeBody and FaultGzipBomb
	// (0: DefaultFaultSize).
	Size          int64
	DeclareLength bool
	// Body replaces the HTML page of FaultStatus with a JSON body, as GitLab
	// itself (rather than a proxy) would send.
	Body  string
	Times int
	hits  int
}

// DefaultFaultSize is the body of FaultHugeBody and FaultGzipBomb without
// a Size: large enough that a client reading it whole shows it.
const DefaultFaultSize = 64 << 20

// AddFault installs a fault; faults are tried in the order added.
func (s *Server) AddFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Size == 0 && (f.Kind == FaultHugeBody || f.Kind == FaultGzipBomb) {
		f.Size = DefaultFaultSize
	}
	if f.Status == 0 {
		switch f.Kind {
		case FaultTimeoutThenCommit:
			f.Status = http.StatusGatewayTimeout
		case FaultRedirect:
			f.Status = http.StatusTemporaryRedirect
		case FaultEchoCredential:
			f.Status = http.StatusBadRequest
		default:
			f.Status = http.StatusBadGateway
		}
	}
	s.faults = append(s.faults, &f)
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() { s.mu.Lock(); s.faults = nil; s.mu.Unlock() }

// takeFault returns the first fault that matches and still has hits, and
// uses one of them up: call it only when the fault is about to act; s.mu is held.
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
		reset := ra
		if f.ResetAfter > 0 {
			reset = f.ResetAfter
		}
		h.Set("RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Duration(reset)*time.Second).Unix(), 10))
		if !f.OmitRetryAfter {
			h.Set("Retry-After", strconv.Itoa(ra))
		}
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
	case FaultRedirect:
		w.Header().Set("Location", f.Location)
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.Status)
		rec.Status = f.Status
		_, _ = w.Write([]byte("<html><body>You are being <a href=\"" + f.Location + "\">redirected</a>.</body></html>"))
	case FaultHugeBody:
		rec.Status = http.StatusOK
		w.Header().Set("Content-Type", "application/json")
		if f.DeclareLength {
			w.Header().Set("Content-Length", strconv.FormatInt(f.Size, 10))
		}
		w.WriteHeader(http.StatusOK)
		writeFiller(w, f.Size)
	case FaultGzipBomb:
		rec.Status = http.StatusOK
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		w.WriteHeader(http.StatusOK)
		zw := gzip.NewWriter(w)
		writeFiller(zw, f.Size)
		_ = zw.Close()
	case FaultEchoCredential:
		cred := r.Header.Get("PRIVATE-TOKEN")
		if cred == "" {
			cred = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		}
		b, _ := json.Marshal(map[string]string{"message": strconv.Itoa(f.Status) + " Bad request - token " + cred + " may not do this"})
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.Status)
		rec.Status = f.Status
		_, _ = w.Write(b)
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

// writeFiller writes n bytes that look like the start of a JSON list of
// objects, in chunks, stopping when the client goes away.
func writeFiller(w io.Writer, n int64) {
	const unit = `{"id":1,"name":"filler","description":"` + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" + `"},`
	chunk := []byte("[" + strings.Repeat(unit, 32<<10/len(unit)))
	for n > 0 {
		c := chunk
		if int64(len(c)) > n {
			c = c[:n]
		}
		if _, err := w.Write(c); err != nil {
			return
		}
		n -= int64(len(c))
		chunk[0] = ' '
	}
}

type discardWriter struct{ header http.Header }

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}
