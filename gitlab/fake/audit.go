package fake

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// auditState is what the stand-in keeps for audits of many resources: the
// count of requests in flight, a per-caller rate limit, the switch of the
// group credentials inventory endpoint, and indexes that keep a 20 000-token
// seed fast (a scan of every token on every request would make benchmarks
// measure the stand-in instead of the client).
type auditState struct {
	inFlight, peak atomic.Int64

	// manage answers GET /groups/:id/manage/resource_access_tokens; guarded by Server.mu.
	manage bool

	rate rateLimit

	// Guarded by Server.mu. indexed is the highest token id in the indexes.
	indexed    int
	byValue    map[string]*Token
	byResource map[string][]*Token
	ips        map[int][]string
}

// SetManageEndpoint switches GET /groups/:id/manage/resource_access_tokens
// on. GitLab serves it on GitLab.com only (18.7+, Owner, Premium and up);
// elsewhere it answers 404, as the stand-in does by default.
func (s *Server) SetManageEndpoint(on bool) { s.mu.Lock(); s.audit.manage = on; s.mu.Unlock() }

// PeakInFlight returns the largest number of requests the server was
// handling at once since it started or since ResetPeakInFlight. A request
// counts from its arrival until its answer starts, so the count can never
// exceed what the client had in flight.
func (s *Server) PeakInFlight() int { return int(s.audit.peak.Load()) }

// ResetPeakInFlight starts a new peak count.
func (s *Server) ResetPeakInFlight() { s.audit.peak.Store(s.audit.inFlight.Load()) }

// enter counts a request in flight until its answer starts (or the
// connection is taken over); done ends the count if nothing was written.
func (a *auditState) enter(w http.ResponseWriter) (http.ResponseWriter, func()) {
	n := a.inFlight.Add(1)
	for {
		p := a.peak.Load()
		if n <= p || a.peak.CompareAndSwap(p, n) {
			break
		}
	}
	cw := &countingWriter{ResponseWriter: w}
	cw.leave = func() { cw.once.Do(func() { a.inFlight.Add(-1) }) }
	return cw, cw.leave
}

// countingWriter ends the in-flight count at the first byte of the answer:
// before the client can see it, so before it can send its next request.
type countingWriter struct {
	http.ResponseWriter
	once  sync.Once
	leave func()
}

func (w *countingWriter) WriteHeader(code int) { w.leave(); w.ResponseWriter.WriteHeader(code) }
func (w *countingWriter) Write(b []byte) (int, error) {
	w.leave()
	return w.ResponseWriter.Write(b)
}

// Hijack hands the connection over (the reset faults need it).
func (w *countingWriter) Hijack() (c net.Conn, rw *bufio.ReadWriter, err error) {
	w.leave()
	h, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, http.ErrNotSupported
	}
	return h.Hijack()
}

// indexTokens brings the token indexes up to date; s.mu is held. Tokens are
// only ever added (with growing ids) and changed in place, so the indexes
// grow from where they stopped; a replaced entry is caught by the checks in
// tokenByValue and resourceTokens, which rebuild from scratch.
func (s *Server) indexTokens() {
	a := &s.audit
	if a.byValue == nil {
		a.byValue, a.byResource, a.indexed = map[string]*Token{}, map[string][]*Token{}, 0
	}
	for id := a.indexed + 1; id < s.nextToken; id++ {
		t := s.tokens[id]
		if t == nil {
			continue
		}
		if t.Value != "" {
			a.byValue[t.Value] = t
		}
		if t.Resource != "" {
			a.byResource[t.Resource] = append(a.byResource[t.Resource], t)
		}
	}
	if s.nextToken-1 > a.indexed {
		a.indexed = s.nextToken - 1
	}
}

func (s *Server) rebuildTokenIndex() { s.audit.byValue = nil; s.indexTokens() }

// tokenByValue finds the token with this value; s.mu is held.
func (s *Server) tokenByValue(v string) *Token {
	s.indexTokens()
	t := s.audit.byValue[v]
	if t != nil && (s.tokens[t.ID] != t || t.Value != v) {
		s.rebuildTokenIndex()
		t = s.audit.byValue[v]
	}
	return t
}

// resourceTokens lists the tokens of a resource ("project:100") by id; s.mu is held.
func (s *Server) resourceTokens(key string) []*Token {
	s.indexTokens()
	ts := s.audit.byResource[key]
	for _, t := range ts {
		if s.tokens[t.ID] != t {
			s.rebuildTokenIndex()
			return s.audit.byResource[key]
		}
	}
	return ts
}

// auditFields adds what GitLab's ResourceAccessToken entity carries beyond
// the personal token's: resource_type, resource_id and last_used_ips.
func (s *Server) auditFields(m map[string]any, t *Token) {
	ips := s.audit.ips[t.ID]
	if ips == nil {
		ips = []string{}
	}
	m["last_used_ips"] = ips
	if kind, id, ok := strings.Cut(t.Resource, ":"); ok {
		var n int
		fmt.Sscan(id, &n)
		m["resource_type"], m["resource_id"] = kind, n
	}
}

// AddResourceToken adds a project or group token (resource "project:100" or
// "group:10") with its bot user, a member of the resource with the token's
// role, as seeds and tests need tokens of any shape (expired, unused,
// without expiry) that the API would refuse to create. It returns the
// token's id.
func (s *Server) AddResourceToken(resource string, t Token, lastUsedIPs ...string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addResourceToken(resource, t, lastUsedIPs)
}

func (s *Server) addResourceToken(resource string, t Token, ips []string) int {
	kind, id, _ := strings.Cut(resource, ":")
	bot := s.addUser(User{ID: s.nextUser, Username: fmt.Sprintf("%s_%s_bot_%d", kind, id, s.nextUser), Name: t.Name, Bot: true})
	t.ID, t.UserID, t.Resource = s.nextToken, bot.ID, resource
	if t.AccessLevel == 0 {
		t.AccessLevel = 40
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = s.now()
	}
	// create_service.rb create_membership: the bot is always a member of
	// its resource, which is how it reads it and how rotate learns its role.
	if r := s.resourceByKey(resource); r != nil {
		s.addMember(r, bot.ID, t.AccessLevel)
	}
	s.addToken(t)
	if len(ips) > 0 {
		if s.audit.ips == nil {
			s.audit.ips = map[int][]string{}
		}
		s.audit.ips[t.ID] = ips
	}
	return t.ID
}

// atoiOrZero is the number id spells, or 0: a numeric id finds its project
// or group with one map look-up instead of a scan of every path.
func atoiOrZero(id string) int {
	n, err := strconv.Atoi(id)
	if err != nil {
		return 0
	}
	return n
}

// ResourcePath is the full path of a token's resource ("project:100" is
// "acme/web"), or "" when there is none; for tests that check where an
// audit says a token lives.
func (s *Server) ResourcePath(resource string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	kind, id, _ := strings.Cut(resource, ":")
	if kind == "group" {
		return s.groupFullPath(atoiOrZero(id))
	}
	if p := s.projects[atoiOrZero(id)]; p != nil {
		return s.projectPath(p)
	}
	return ""
}
