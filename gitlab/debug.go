package gitlab

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// debugTransport writes every request and response to a log with the
// secrets taken out: the PRIVATE-TOKEN, Authorization and Cookie headers,
// every body or query field whose name mentions a token (and OAuth's codes
// and secrets), and any value that looks like a GitLab token. Values seen in
// redacted fields are remembered and scrubbed from everything logged after.
type debugTransport struct {
	next http.RoundTripper
	mu   sync.Mutex
	w    io.Writer
	seen []string
}

// NewDebugLog wraps rt so that it logs to w; secrets (such as the caller's
// credential) are scrubbed wherever they appear.
func NewDebugLog(rt http.RoundTripper, w io.Writer, secrets ...string) http.RoundTripper {
	d := &debugTransport{next: rt, w: w}
	for _, s := range secrets {
		d.remember(s)
	}
	return d
}

var (
	secretHeaders = map[string]bool{"Private-Token": true, "Authorization": true, "Cookie": true, "Set-Cookie": true, "Job-Token": true}
	// tokenShaped matches GitLab token formats (glpat-, gloas-, glrt-, ...) anywhere in text.
	tokenShaped = regexp.MustCompile(`\bgl[a-z]{2,8}-[A-Za-z0-9_.\-]{8,}`)
)

// secretField reports whether a JSON or form field name holds a secret.
func secretField(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "token") || n == "device_code" || n == "user_code" || n == "client_secret" ||
		n == "password" || n == "code" || n == "secret"
}

func (d *debugTransport) remember(v string) {
	if len(v) >= 6 {
		d.seen = append(d.seen, v)
	}
}

func (d *debugTransport) scrub(s string) string {
	for _, v := range d.seen {
		s = strings.ReplaceAll(s, v, "[REDACTED]")
	}
	return tokenShaped.ReplaceAllString(s, "[REDACTED]")
}

func (d *debugTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	var reqBody []byte
	if req.Body != nil && req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			reqBody, _ = io.ReadAll(io.LimitReader(rc, 1<<20))
			rc.Close()
		}
	}
	resp, err := d.next.RoundTrip(req)
	d.mu.Lock()
	defer d.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s\n", start.UTC().Format(time.RFC3339Nano), req.Method, d.redactURL(req.URL))
	d.headers(&b, "> ", req.Header)
	if len(reqBody) > 0 {
		fmt.Fprintf(&b, "> body: %s\n", d.redactBody(reqBody, req.Header.Get("Content-Type")))
	}
	if err != nil {
		fmt.Fprintf(&b, "< error after %s: %v\n\n", time.Since(start).Round(time.Millisecond), err)
		_, _ = io.WriteString(d.w, d.scrub(b.String()))
		return resp, err
	}
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	fmt.Fprintf(&b, "< %s in %s\n", resp.Status, time.Since(start).Round(time.Millisecond))
	d.headers(&b, "< ", resp.Header)
	if len(body) > 0 {
		fmt.Fprintf(&b, "< body: %s\n", d.redactBody(body, resp.Header.Get("Content-Type")))
	}
	if rerr != nil {
		fmt.Fprintf(&b, "< body read error: %v\n", rerr)
	}
	b.WriteString("\n")
	_, _ = io.WriteString(d.w, d.scrub(b.String()))
	return resp, nil
}

func (d *debugTransport) redactURL(u *url.URL) string {
	c := *u
	c.User = nil
	q := c.Query()
	for k, vs := range q {
		if secretField(k) {
			for _, v := range vs {
				d.remember(v)
			}
			q[k] = []string{"[REDACTED]"}
		}
	}
	c.RawQuery = q.Encode()
	return c.String()
}

func (d *debugTransport) headers(b *strings.Builder, prefix string, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := strings.Join(h[k], ", ")
		if secretHeaders[http.CanonicalHeaderKey(k)] {
			for _, x := range h[k] {
				d.remember(strings.TrimSpace(strings.TrimPrefix(x, "Bearer ")))
			}
			v = "[REDACTED]"
		}
		fmt.Fprintf(b, "%s%s: %s\n", prefix, k, v)
	}
}

// redactBody hides secret fields of a JSON or form body; other bodies are
// logged as they are (then scrubbed of remembered and token-shaped values).
func (d *debugTransport) redactBody(body []byte, ctype string) string {
	var v any
	if json.Unmarshal(body, &v) == nil {
		out, _ := json.Marshal(d.redactJSON(v))
		return string(out)
	}
	if strings.Contains(ctype, "x-www-form-urlencoded") {
		if q, err := url.ParseQuery(string(body)); err == nil {
			for k, vs := range q {
				if secretField(k) {
					for _, x := range vs {
						d.remember(x)
					}
					q[k] = []string{"[REDACTED]"}
				}
			}
			return q.Encode()
		}
	}
	s := string(body)
	if len(s) > 2000 {
		s = s[:2000] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}

func (d *debugTransport) redactJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if s, ok := val.(string); ok && secretField(k) {
				d.remember(s)
				x[k] = "[REDACTED]"
				continue
			}
			x[k] = d.redactJSON(val)
		}
	case []any:
		for i := range x {
			x[i] = d.redactJSON(x[i])
		}
	}
	return v
}
