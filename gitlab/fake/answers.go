package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// paginate writes GitLab's pagination headers and returns the page of items.
func paginate[T any](c *ctx, items []T) []T {
	q := c.r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	per, _ := strconv.Atoi(q.Get("per_page"))
	if page < 1 {
		page = 1
	}
	if per < 1 {
		per = 20
	}
	if per > 100 {
		per = 100
	}
	total := len(items)
	pages := (total + per - 1) / per
	if pages == 0 {
		pages = 1
	}
	h := c.w.Header()
	h.Set("X-Total", strconv.Itoa(total))
	h.Set("X-Total-Pages", strconv.Itoa(pages))
	h.Set("X-Per-Page", strconv.Itoa(per))
	h.Set("X-Page", strconv.Itoa(page))
	h.Set("X-Next-Page", "")
	h.Set("X-Prev-Page", "")
	link := func(p int, rel string) string {
		u := *c.r.URL
		u.Scheme, u.Host = "http", c.r.Host
		if c.r.TLS != nil {
			u.Scheme = "https"
		}
		qq := u.Query()
		qq.Set("page", strconv.Itoa(p))
		qq.Set("per_page", strconv.Itoa(per))
		u.RawQuery = qq.Encode()
		return fmt.Sprintf("<%s>; rel=\"%s\"", u.String(), rel)
	}
	links := []string{}
	if page < pages {
		h.Set("X-Next-Page", strconv.Itoa(page+1))
		links = append(links, link(page+1, "next"))
	}
	if page > 1 {
		h.Set("X-Prev-Page", strconv.Itoa(page-1))
		links = append(links, link(page-1, "prev"))
	}
	links = append(links, link(1, "first"), link(pages, "last"))
	h.Set("Link", strings.Join(links, ", "))
	start := (page - 1) * per
	if start >= total {
		return []T{}
	}
	end := start + per
	if end > total {
		end = total
	}
	return items[start:end]
}

// redactBody hides any token value a request body carries.
func redactBody(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	var m map[string]any
	if json.Unmarshal(b, &m) == nil {
		changed := false
		for k := range m {
			if k == "token" || k == "private_token" || k == "access_token" {
				m[k] = "[REDACTED]"
				changed = true
			}
		}
		if changed {
			out, _ := json.Marshal(m)
			return string(out)
		}
	}
	return string(bytes.TrimSpace(b))
}

// SetNullElements makes every JSON list answer carry null elements (first
// and last), as a broken proxy or a hostile server might.
func (s *Server) SetNullElements(on bool) { s.mu.Lock(); s.nullElements = on; s.mu.Unlock() }

// SetNextTokenValues makes the next created or rotated tokens get these
// values, in order, instead of fresh glpat- ones: hostile values (escape
// sequences, newlines, spaces) for the client's defences.
func (s *Server) SetNextTokenValues(v ...string) {
	s.mu.Lock()
	s.nextValues = append(s.nextValues, v...)
	s.mu.Unlock()
}

// tokenValue is the value of a token being made; s.mu is held.
func (s *Server) tokenValue() string {
	if len(s.nextValues) > 0 {
		v := s.nextValues[0]
		s.nextValues = s.nextValues[1:]
		return v
	}
	return newTokenValue()
}

func withNulls(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice {
		return v
	}
	out := []any{nil}
	for i := 0; i < rv.Len(); i++ {
		out = append(out, rv.Index(i).Interface())
	}
	return append(out, nil)
}

// SetHostileJSON makes every JSON answer odd, as a broken or hostile server
// might: optional text fields become null, and unknown fields appear.
func (s *Server) SetHostileJSON(on bool) { s.mu.Lock(); s.hostileJSON = on; s.mu.Unlock() }

// nullable are the fields the hostile mode sets to null.
var nullable = map[string]bool{"description": true, "web_url": true, "name_with_namespace": true, "author_name": true,
	"last_activity_at": true, "title": true, "name": true, "full_name": true, "version": true}

func hostileJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{"unexpected_field": map[string]any{"nested": []any{1, "\x1b[31mx", nil, true}}, "\u202eodd key": nil}
		for k, val := range x {
			if nullable[k] {
				out[k] = nil
				continue
			}
			out[k] = hostileJSON(val)
		}
		return out
	case []map[string]any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = hostileJSON(x[i])
		}
		return out
	case []any:
		for i := range x {
			x[i] = hostileJSON(x[i])
		}
	}
	return v
}
