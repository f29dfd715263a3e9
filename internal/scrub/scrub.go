// Package scrub takes secrets out of text on its way to a person or a file:
// the credential the user signed in with, every token the run created, and
// the user name and password of any URL. One Scrubber serves a whole run, and
// every message, error and log line passes through it (DESIGN invariant 6):
// a server that echoes the credential in an error, or a --host typed with
// "user:token@", cannot make the tool print it.
package scrub

import (
	"io"
	"regexp"
	"strings"
	"sync"

	"gitlab-token-wizard/internal/safe"
)

// Mask replaces a secret in scrubbed text.
const Mask = "[REDACTED]"

// minLen is the shortest value registered: shorter strings are too likely to
// occur by chance in ordinary text, and no GitLab credential is that short.
const minLen = 6

// userinfo matches the user name and password of a URL ("https://u:p@host").
var userinfo = regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.\-]*://)[^/\s@?#]+@`)

// Scrubber remembers secrets and removes them from text. The zero value and
// a nil *Scrubber are usable: they remove URL userinfo only. It is safe for
// concurrent use.
type Scrubber struct {
	mu      sync.RWMutex
	secrets []string
}

// New returns an empty Scrubber.
func New() *Scrubber { return &Scrubber{} }

// Add registers secrets to remove from now on. Values shorter than six
// characters, and values already known, are ignored.
func (s *Scrubber) Add(secrets ...string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range secrets {
		v = strings.TrimSpace(v)
		if len(v) < minLen || contains(s.secrets, v) {
			continue
		}
		// Longest first, so a secret that contains another is removed whole.
		i := 0
		for i < len(s.secrets) && len(s.secrets[i]) >= len(v) {
			i++
		}
		s.secrets = append(s.secrets, "")
		copy(s.secrets[i+1:], s.secrets[i:])
		s.secrets[i] = v
	}
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// String returns in with every registered secret and URL userinfo replaced
// by Mask. A secret is found too when invisible characters were put inside
// it (the text is then returned without them), and so is any run of at
// least partialLen of its characters (a secret cut short, or echoed in part).
func (s *Scrubber) String(in string) string {
	if s != nil {
		s.mu.RLock()
		secrets := s.secrets
		s.mu.RUnlock()
		if stripped := safe.StripInvisible(in); stripped != in && s.holdsSecret(secrets, stripped) {
			in = stripped
		}
		for _, v := range secrets {
			if strings.Contains(in, v) {
				in = strings.ReplaceAll(in, v, Mask)
			}
			in = maskPartial(in, v)
		}
	}
	if strings.Contains(in, "@") {
		in = userinfo.ReplaceAllString(in, "${1}"+Mask+"@")
	}
	return in
}

// partialLen is the shortest run of a secret's characters masked on its
// own: long enough not to hit ordinary words, short enough that what is
// left of a 26-character token cannot be guessed.
const partialLen = 12

// holdsSecret reports whether in holds a secret, or part of one.
func (s *Scrubber) holdsSecret(secrets []string, in string) bool {
	for _, v := range secrets {
		if strings.Contains(in, v) || maskPartial(in, v) != in {
			return true
		}
	}
	return false
}

// maskPartial replaces every run of at least partialLen characters of
// secret v found in in, extended as far as it matches v, with Mask.
func maskPartial(in, v string) string {
	if len(v) < partialLen {
		return in
	}
	for i := 0; i+partialLen <= len(v); i++ {
		for {
			at := strings.Index(in, v[i:i+partialLen])
			if at < 0 {
				break
			}
			start, end := at, at+partialLen
			for j := i; start > 0 && j > 0 && in[start-1] == v[j-1]; j-- {
				start--
			}
			for j := i + partialLen; end < len(in) && j < len(v) && in[end] == v[j]; j++ {
				end++
			}
			in = in[:start] + Mask + in[end:]
		}
	}
	return in
}

// Writer returns a writer that scrubs every Write before passing it on. A
// secret split across two writes would slip through, so write whole messages
// (fmt.Fprint* writes each call in one piece).
func (s *Scrubber) Writer(w io.Writer) io.Writer { return &writer{s: s, w: w} }

type writer struct {
	s *Scrubber
	w io.Writer
}

func (w *writer) Write(p []byte) (int, error) {
	out := w.s.String(string(p))
	if _, err := io.WriteString(w.w, out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Unwrap returns the underlying writer, so that a terminal check can look
// through the scrubber to the file descriptor.
func (w *writer) Unwrap() io.Writer { return w.w }

// Underlying returns the innermost writer of a chain of Unwrap methods.
func Underlying(w io.Writer) io.Writer {
	for {
		u, ok := w.(interface{ Unwrap() io.Writer })
		if !ok {
			return w
		}
		w = u.Unwrap()
	}
}
