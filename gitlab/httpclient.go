package gitlab

// The one HTTP client every request of the program goes through — API calls,
// the OAuth device sign-in, and the verification reads made with a new token:
// redirects refused, TLS verified, every response body bounded.

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"time"

	"gitlab-token-wizard/internal/safe"
	"gitlab-token-wizard/internal/scrub"
)

// MaxBodyBytes bounds every response body read from the server: ample for a
// page of 100 projects, small enough that a hostile or broken server cannot
// exhaust memory (DESIGN invariant 8). Compressed bodies are bounded after
// decompression.
const MaxBodyBytes = 4 << 20

// maxCAFileBytes bounds --ca-file: a bundle of every public CA is ~250 KB.
const maxCAFileBytes = 1 << 20

// RedirectError is a redirect the client refused. GitLab's API never
// redirects; a proxy, an SSO front or a wrong --host does, and following it
// would send the credential (PRIVATE-TOKEN survives cross-host redirects in
// net/http) or a create's body to another origin (DESIGN invariant 5).
type RedirectError struct {
	// From is the origin the user named; To is where the answer pointed,
	// without query or user info.
	From, To string
	Status   int
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("GitLab at %s answered with a redirect (%d) to %s; nothing was sent there", e.From, e.Status, e.To)
}

// BodyTooLargeError is an answer larger than MaxBodyBytes.
type BodyTooLargeError struct {
	Limit int64
}

func (e *BodyTooLargeError) Error() string {
	return fmt.Sprintf("the answer is larger than %d MiB", e.Limit>>20)
}

type httpConfig struct {
	caFile    string
	proxy     func(*http.Request) (*url.URL, error)
	transport http.RoundTripper // replaces the network transport (tests)
	debug     io.Writer
	scrub     *scrub.Scrubber
	timeout   time.Duration
}

// newHTTPClient builds the client: network transport (or the test's), the
// body limit, the --debug log outside it (so the log sees what the program
// reads), and the redirect refusal.
func newHTTPClient(cfg httpConfig) (*http.Client, error) {
	rt := cfg.transport
	if rt == nil {
		var err error
		if rt, err = netTransport(cfg.caFile, cfg.proxy); err != nil {
			return nil, err
		}
	}
	rt = &limitBody{next: rt, max: MaxBodyBytes}
	if cfg.debug != nil {
		rt = newDebugLog(rt, cfg.debug, cfg.scrub)
	}
	return &http.Client{Transport: rt, Timeout: cfg.timeout, CheckRedirect: refuseRedirect}, nil
}

// refuseRedirect stops at the first redirect, whatever its target: even a
// same-host one may change the scheme (https to http) or the port.
func refuseRedirect(req *http.Request, via []*http.Request) error {
	e := &RedirectError{From: origin(via[0].URL), To: safe.Line(redactURL(req.URL), 300)}
	if req.Response != nil {
		e.Status = req.Response.StatusCode
	}
	return e
}

func origin(u *url.URL) string { return u.Scheme + "://" + u.Host }

// redactURL is u without user info, query or fragment, for messages.
func redactURL(u *url.URL) string {
	c := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	return c.String()
}

// netTransport is http.DefaultTransport's timeouts with the given proxy
// choice, TLS 1.2+ and, when given, an extra CA bundle. TLS is always verified.
func netTransport(caFile string, proxy func(*http.Request) (*url.URL, error)) (http.RoundTripper, error) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = proxy
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pem, err := readCAFile(caFile)
		if err != nil {
			return nil, err
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--ca-file %s holds no PEM certificate: pass the CA's certificate in PEM form", caFile)
		}
		cfg.RootCAs = pool
	}
	t.TLSClientConfig = cfg
	return t, nil
}

// readCAFile reads a regular file of at most maxCAFileBytes: a FIFO or a
// device would block or never end.
func readCAFile(path string) ([]byte, error) {
	// Stat before opening: opening a FIFO blocks until someone writes to it.
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return nil, fmt.Errorf("--ca-file %s is not a regular file: pass the CA's certificate file (PEM)", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read --ca-file: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read --ca-file: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("--ca-file %s is not a regular file: pass the CA's certificate file (PEM)", path)
	}
	if st.Size() > maxCAFileBytes {
		return nil, fmt.Errorf("--ca-file %s is %d bytes, more than a certificate bundle (%d KiB at most): pass the CA's certificate alone", path, st.Size(), maxCAFileBytes>>10)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxCAFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read --ca-file: %w", err)
	}
	if len(b) > maxCAFileBytes {
		return nil, fmt.Errorf("--ca-file %s grew past %d KiB while being read", path, maxCAFileBytes>>10)
	}
	return b, nil
}

// limitBody bounds every response body: a declared length over the limit
// fails at once, and a body that runs past it fails when it does.
type limitBody struct {
	next http.RoundTripper
	max  int64
}

func (l *limitBody) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := l.next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	// Content-Length describes the compressed body when the transport
	// decompresses on the fly (ContentLength is then -1), so this check is
	// about what will be read either way.
	if resp.ContentLength > l.max {
		resp.Body.Close()
		return nil, &BodyTooLargeError{Limit: l.max}
	}
	resp.Body = &cappedBody{rc: resp.Body, left: l.max, limit: l.max}
	return resp, nil
}

type cappedBody struct {
	rc    io.ReadCloser
	left  int64
	limit int64
}

func (c *cappedBody) Read(p []byte) (int, error) {
	if c.left <= 0 {
		// Past the limit: is there more? One byte tells.
		var one [1]byte
		n, err := c.rc.Read(one[:])
		if n > 0 {
			return 0, &BodyTooLargeError{Limit: c.limit}
		}
		if err == nil {
			err = io.EOF // a reader may return 0, nil; don't spin
		}
		return 0, err
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.rc.Read(p)
	c.left -= int64(n)
	return n, err
}

func (c *cappedBody) Close() error { return c.rc.Close() }

// isBodyTooLarge reports whether err comes from the body limit.
func isBodyTooLarge(err error) bool {
	var b *BodyTooLargeError
	return errors.As(err, &b)
}
