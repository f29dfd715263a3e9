package gitlab

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"gitlab-token-wizard/internal/scrub"
)

// debugLogBody is how much of each body the --debug log keeps. The log is
// truncated, never the run: the program still reads the whole body.
const debugLogBody = 64 << 10

// debugTransport writes every request and response to a log with the
// secrets taken out: the PRIVATE-TOKEN, Authorization and Cookie headers,
// every body or query field whose name mentions a token (and OAuth's codes
// and secrets) whatever the body's shape — valid JSON, JSON with trailing
// data, cut short, a form, or anything else — and any value that looks like
// a GitLab token. Values seen in redacted fields are remembered and scrubbed
// from everything logged after, as is everything the run's scrubber knows.
type debugTransport struct {
	next http.RoundTripper
	mu   sync.Mutex
	w    io.Writer
	// seen are the values of redacted fields and headers (each kept once:
	// the credential comes with every request); scrub is the run's.
	seen  *scrub.Scrubber
	scrub *scrub.Scrubber
}

func newDebugLog(rt http.RoundTripper, w io.Writer, sc *scrub.Scrubber) *debugTransport {
	return &debugTransport{next: rt, w: w, seen: scrub.New(), scrub: sc}
}

var (
	secretHeaders = map[string]bool{"Private-Token": true, "Authorization": true, "Cookie": true, "Set-Cookie": true, "Job-Token": true}
	// tokenShaped matches GitLab token formats (glpat-, gloas-, glrt-, ...) anywhere in text.
	tokenShaped = regexp.MustCompile(`\bgl[a-z]{2,8}-[A-Za-z0-9_.\-]{8,}`)
	// jsonStringField matches "name": "value" pairs in any text, even when the
	// JSON around them is broken or cut short (the value then runs to the end).
	jsonStringField = regexp.MustCompile(`"((?:[^"\\]|\\.){0,100})"\s*:\s*"((?:[^"\\]|\\.)*)("|$)`)
	// formField matches name=value pairs of a form or query in any text.
	formField = regexp.MustCompile(`(^|[?&\s])([A-Za-z0-9_.\-\[\]]{1,100})=([^&\s]*)`)
)

// secretField reports whether a JSON or form field name holds a secret.
func secretField(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "token") || n == "device_code" || n == "user_code" || n == "client_secret" ||
		n == "password" || n == "code" || n == "secret"
}

func (d *debugTransport) remember(v string) { d.seen.Add(v) }

func (d *debugTransport) scrubText(s string) string {
	return tokenShaped.ReplaceAllString(d.scrub.String(d.seen.String(s)), "[REDACTED]")
}

func (d *debugTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	var reqBody []byte
	if req.Body != nil && req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			reqBody, _ = io.ReadAll(io.LimitReader(rc, debugLogBody))
			rc.Close()
		}
	}
	resp, err := d.next.RoundTrip(req)
	var b strings.Builder
	d.mu.Lock()
	defer d.mu.Unlock()
	fmt.Fprintf(&b, "%s %s %s\n", start.UTC().Format(time.RFC3339Nano), req.Method, d.redactURL(req.URL))
	d.headers(&b, "> ", req.Header)
	if len(reqBody) > 0 {
		fmt.Fprintf(&b, "> body: %s\n", d.redactBody(reqBody, req.Header.Get("Content-Type")))
	}
	if err != nil {
		fmt.Fprintf(&b, "< error after %s: %v\n\n", time.Since(start).Round(time.Millisecond), err)
		_, _ = io.WriteString(d.w, d.scrubText(b.String()))
		return resp, err
	}
	head, rest, rerr := peek(resp.Body, debugLogBody)
	resp.Body = rest
	fmt.Fprintf(&b, "< %s in %s\n", resp.Status, time.Since(start).Round(time.Millisecond))
	d.headers(&b, "< ", resp.Header)
	if len(head) > 0 {
		more := ""
		if rerr == nil {
			more = fmt.Sprintf(" … (log cut after %d KiB; the program reads on)", debugLogBody>>10)
		}
		fmt.Fprintf(&b, "< body: %s%s\n", d.redactBody(head, resp.Header.Get("Content-Type")), more)
	}
	if rerr != nil && !errors.Is(rerr, io.EOF) {
		fmt.Fprintf(&b, "< body read error: %v\n", rerr)
	}
	b.WriteString("\n")
	_, _ = io.WriteString(d.w, d.scrubText(b.String()))
	return resp, nil
}

// peek reads up to n bytes of body and returns them with a body that yields
// the same bytes and then the rest of the original (or its read error).
// rerr is nil when there may be more to read.
func peek(body io.ReadCloser, n int) (head []byte, rest io.ReadCloser, rerr error) {
	head, rerr = io.ReadAll(io.LimitReader(body, int64(n)))
	if rerr == nil && len(head) < n {
		rerr = io.EOF
	}
	tail := io.Reader(body)
	if rerr != nil && !errors.Is(rerr, io.EOF) {
		tail = errReader{rerr}
	}
	return head, struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), tail), body}, rerr
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

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

// redactBody hides secret fields of a body of any shape. A body that is one
// JSON value is redacted by structure; anything else — JSON with trailing
// data, cut short, a form, text — by the field patterns, so a secret field
// is hidden wherever it appears.
func (d *debugTransport) redactBody(body []byte, ctype string) string {
	var v any
	if json.Unmarshal(body, &v) == nil {
		out, _ := json.Marshal(d.redactJSON(v))
		return string(out)
	}
	s := strings.ToValidUTF8(string(body), "?")
	s = jsonStringField.ReplaceAllStringFunc(s, func(m string) string {
		g := jsonStringField.FindStringSubmatch(m)
		if !secretField(g[1]) {
			return m
		}
		d.remember(g[2])
		return `"` + g[1] + `":"[REDACTED]` + g[3]
	})
	s = formField.ReplaceAllStringFunc(s, func(m string) string {
		g := formField.FindStringSubmatch(m)
		if !secretField(g[2]) {
			return m
		}
		if v, err := url.QueryUnescape(g[3]); err == nil {
			d.remember(v)
		}
		d.remember(g[3])
		return g[1] + g[2] + "=%5BREDACTED%5D"
	})
	return s
}

// rememberAll remembers every string and number inside a secret field's
// value, however deeply nested, so none of them is logged anywhere else.
func (d *debugTransport) rememberAll(v any) {
	switch x := v.(type) {
	case string:
		d.remember(x)
	case float64:
		d.remember(fmt.Sprint(x))
	case map[string]any:
		for _, val := range x {
			d.rememberAll(val)
		}
	case []any:
		for _, val := range x {
			d.rememberAll(val)
		}
	}
}

func (d *debugTransport) redactJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if secretField(k) && val != nil {
				d.rememberAll(val)
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
