package gitlab

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"gitlab-token-wizard/internal/safe"
	"gitlab-token-wizard/internal/scrub"
	"gitlab-token-wizard/token"
)

// Code classifies a failure so that callers can react without parsing text.
type Code string

// The failure codes.
const (
	CodeUnauthorized      Code = "unauthorized"
	CodeExpired           Code = "credential-expired"
	CodeRevoked           Code = "credential-revoked"
	CodeInsufficientScope Code = "insufficient-scope"
	CodeNoPermission      Code = "no-permission"
	CodeRoleTooHigh       Code = "role-too-high"
	CodeExpiryTooFar      Code = "expiry-too-far"
	CodeLimitReached      Code = "limit-reached"
	CodeInvalid           Code = "invalid"
	CodeNotFound          Code = "not-found"
	CodeRateLimited       Code = "rate-limited"
	CodeServer            Code = "server-error"
	CodeNetwork           Code = "network"
	CodeTLS               Code = "tls"
	CodeCanceled          Code = "canceled"
	CodeRedirect          Code = "redirect"
	CodeTooLarge          Code = "too-large"
)

// Error is a GitLab or network failure explained for a person: what happened
// and what to do next. ServerMessage is sanitized and safe to draw.
type Error struct {
	Code          Code
	Status        int
	ServerMessage string
	Explanation   string
	Next          string
	// Field names the wizard step that can fix the problem, if any.
	Field token.Field
	// RetryAfter is how long GitLab asked us to wait (rate limits).
	RetryAfter time.Duration
	// LastDate is the last expiry the instance accepts, when GitLab's
	// refusal named it.
	LastDate time.Time
	cause    error
}

// Error returns the explanation and the next step.
func (e *Error) Error() string {
	s := e.Explanation
	if e.Next != "" {
		s += ": " + e.Next
	}
	return s
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.cause }

type errorBody struct {
	Message          any    `json:"message"`
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	Scope            string `json:"scope"`
}

// classify turns any error from client-go into *Error. what names the action
// for the message ("create the project token"). Every text in it passes the
// run's scrubber: a server that echoes the credential cannot make us print it.
func (c *Client) classify(err error, what string) error {
	return c.classifyFor(err, what, "")
}

// classifyFor is classify for a request made with a token other than the
// sign-in credential — the new token, or one pasted to be checked — named by
// subject ("the new token"). Its refusals blame that token, never the
// credential the user signed in with (DESIGN invariant 11).
func (c *Client) classifyFor(err error, what, subject string) error {
	if err == nil {
		return nil
	}
	var ge *Error
	if errors.As(err, &ge) {
		return ge
	}
	e := c.explain(err, what, subject)
	sc := c.opts.Scrub
	e.Explanation, e.Next, e.ServerMessage = sc.String(e.Explanation), sc.String(e.Next), sc.String(e.ServerMessage)
	return e
}

func (c *Client) explain(err error, what, subject string) *Error {
	host := HostName(c.base)
	if errors.Is(err, context.Canceled) {
		return &Error{Code: CodeCanceled, Explanation: "cancelled", cause: err}
	}
	if errors.Is(err, gl.ErrNotFound) && subject != "" {
		// client-go turns every 404 into ErrNotFound, so fromTestedResponse
		// never sees one: the token under test is the one that cannot see it.
		return &Error{Code: CodeNotFound, Status: 404, Explanation: fmt.Sprintf("%s cannot %s: not found, or you cannot see it with that token", subject, what),
			Next: "check the path, and that the token's user (or bot) is a member there", cause: err}
	}
	if errors.Is(err, gl.ErrNotFound) {
		return &Error{Code: CodeNotFound, Status: 404, Explanation: fmt.Sprintf("could not %s: not found, or you cannot see it", what),
			Next: "check the path (group/project) and that your account is a member", Field: token.FieldTarget, cause: err}
	}
	var er *gl.ErrorResponse
	if errors.As(err, &er) {
		if subject != "" {
			return c.fromTestedResponse(er, what, subject)
		}
		return c.fromResponse(er, what)
	}
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	var redirect *RedirectError
	switch {
	case errors.As(err, &redirect):
		return &Error{Code: CodeRedirect, Explanation: redirect.Error() + " while trying to " + what,
			Next: "check --host: give the address GitLab's API answers on; a proxy or single sign-on page in front of it may be redirecting", cause: err}
	case isBodyTooLarge(err):
		return &Error{Code: CodeTooLarge, Explanation: fmt.Sprintf("%s sent an answer larger than %d MiB while trying to %s; it was not read", host, MaxBodyBytes>>20, what),
			Next: "check that the address is GitLab's (not a proxy or file server)", cause: err}
	case errors.As(err, &syntaxErr) || errors.As(err, &typeErr) || isNullAnswer(err):
		return &Error{Code: CodeServer, Explanation: fmt.Sprintf("%s answered, but not with the JSON GitLab sends, while trying to %s", host, what),
			Next: "check that the address is GitLab's (not a proxy or login page) and try again", cause: err}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &Error{Code: CodeNetwork, Explanation: fmt.Sprintf("the answer from %s was cut short while trying to %s", host, what),
			Next: "check your network or proxy, then try again", cause: err}
	}
	return networkError(err, host, what)
}

// notSent reports failures that happen before a request leaves this machine —
// name resolution, connecting, the TLS handshake — so GitLab cannot have acted on it.
func notSent(err error) bool {
	var dns *net.DNSError
	var op *net.OpError
	return errors.As(err, &dns) || (errors.As(err, &op) && op.Op == "dial") || isTLS(err)
}

func isTLS(err error) bool {
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var certErr x509.CertificateInvalidError
	var verifyErr *tls.CertificateVerificationError
	var recordErr tls.RecordHeaderError
	return errors.As(err, &unknownCA) || errors.As(err, &hostErr) || errors.As(err, &certErr) ||
		errors.As(err, &verifyErr) || errors.As(err, &recordErr)
}

// clean makes server text safe to show: the run's secrets scrubbed from the
// whole text first (a secret cut in two by the length limit would slip
// through), then sanitized and cut to n characters.
func (c *Client) clean(s string, n int) string { return safe.Line(c.opts.Scrub.String(s), n) }

// clean is Client.clean where no client is at hand: URL user info only.
func clean(s string, n int) string { return safe.Line((*scrub.Scrubber)(nil).String(s), n) }

func networkError(err error, host, what string) *Error {
	e := &Error{Code: CodeNetwork, cause: err}
	var dns *net.DNSError
	var unknownCA x509.UnknownAuthorityError
	switch {
	case errors.As(err, &dns):
		e.Explanation = fmt.Sprintf("cannot find the host %s", host)
		e.Next = "check the spelling of the address and your network or VPN"
	case errors.As(err, &unknownCA):
		e.Code = CodeTLS
		e.Explanation = fmt.Sprintf("%s presented a certificate from an authority this machine does not trust", host)
		e.Next = "if your company uses its own CA, pass its certificate with --ca-file ca.pem (TLS is never skipped)"
	case isTLS(err):
		e.Code = CodeTLS
		e.Explanation = fmt.Sprintf("the TLS certificate of %s could not be verified", host)
		e.Next = "check the address; for a private CA pass --ca-file ca.pem (TLS is never skipped)"
	case errors.Is(err, syscall.ECONNREFUSED):
		e.Explanation = fmt.Sprintf("nothing answered at %s (connection refused)", host)
		e.Next = "check the address and port, and that GitLab is running"
	case isTimeout(err):
		e.Explanation = fmt.Sprintf("%s did not answer in time while trying to %s", host, what)
		e.Next = "check your network or proxy (HTTPS_PROXY), then try again; --timeout allows longer"
	default:
		e.Explanation = fmt.Sprintf("the connection to %s failed while trying to %s (%s)", host, what, clean(rootCause(err), 200))
		e.Next = "check your network or proxy, then try again"
	}
	return e
}

func rootCause(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// fromTestedResponse explains GitLab's refusal of a token under test:
// whatever the status, the blame is that token's.
func (c *Client) fromTestedResponse(er *gl.ErrorResponse, what, subject string) *Error {
	body, msg := parseBody(er)
	e := &Error{Status: er.StatusCode, ServerMessage: c.clean(msg, 300), cause: er}
	switch {
	case er.StatusCode == 401 && strings.Contains(body.ErrorDescription, "expired"):
		e.Code, e.Explanation, e.Next = CodeExpired, subject+" has expired", "create a new token"
	case er.StatusCode == 401 && strings.Contains(body.ErrorDescription, "revoked"):
		e.Code, e.Explanation, e.Next = CodeRevoked, subject+" was revoked", "create a new token"
	case er.StatusCode == 401:
		e.Code, e.Explanation = CodeUnauthorized, "GitLab did not accept "+subject
		e.Next = "check that it was copied whole and belongs to " + HostName(c.base)
	case er.StatusCode == 403 && body.Error == "insufficient_scope":
		e.Code, e.Explanation = CodeInsufficientScope, fmt.Sprintf("%s lacks the scope needed to %s (it needs %s)", subject, what, scopeList(body.Scope))
		e.Next = "create a token with " + scopeList(body.Scope)
	case er.StatusCode == 403:
		e.Code, e.Explanation = CodeNoPermission, fmt.Sprintf("GitLab refused to let %s %s: its role does not allow it", subject, what)
		e.Next = "give the token (or its user) a higher role there"
	default:
		return c.fromResponse(er, what)
	}
	return e
}

// parseBody reads GitLab's two error shapes, {"message": ...} and
// {"error": ..., "error_description": ...}, into one message.
func parseBody(er *gl.ErrorResponse) (errorBody, string) {
	var body errorBody
	_ = json.Unmarshal(er.Body, &body)
	msg := ""
	switch m := body.Message.(type) {
	case string:
		msg = m
	case nil:
	default:
		b, _ := json.Marshal(m)
		msg = string(b)
	}
	if msg == "" {
		msg = body.Error
		if body.ErrorDescription != "" {
			msg = strings.TrimSpace(msg + " " + body.ErrorDescription)
		}
	}
	if msg == "" && len(er.Body) > 0 && !strings.HasPrefix(strings.TrimSpace(string(er.Body)), "<") {
		msg = string(er.Body)
	}
	return body, msg
}

func (c *Client) fromResponse(er *gl.ErrorResponse, what string) *Error {
	body, msg := parseBody(er)
	e := &Error{Status: er.StatusCode, ServerMessage: c.clean(msg, 300), cause: er}
	lower := strings.ToLower(msg)
	switch {
	case er.StatusCode == 401 && strings.Contains(body.ErrorDescription, "expired"):
		e.Code, e.Explanation = CodeExpired, "your GitLab credential has expired"+c.credentialNamed()
		e.Next = "create a new personal access token with the api scope and " + c.credentialReplace()
	case er.StatusCode == 401 && strings.Contains(body.ErrorDescription, "revoked"):
		e.Code, e.Explanation = CodeRevoked, "your GitLab credential was revoked"+c.credentialNamed()
		e.Next = "create a new personal access token with the api scope and " + c.credentialReplace()
	case er.StatusCode == 401 && c.credentialOK.Load():
		// The credential worked a moment ago (the pre-flight): GitLab answers
		// 401 on a resource to callers without rights there
		// (resource_access_tokens.rb: unauthorized! unless can?(...)).
		e.Code, e.Explanation = CodeNoPermission, fmt.Sprintf("GitLab refused to %s: your credential works, so you lack the rights there", what)
		e.Next = "tokens of a project need Maintainer or Owner on it, a group's need Owner; ask someone with that role"
		e.Field = token.FieldTarget
	case er.StatusCode == 401 && c.opts.OAuth:
		e.Code, e.Explanation = CodeUnauthorized, "GitLab did not accept your credential"+c.credentialNamed()
		e.Next = "sign in again"
	case er.StatusCode == 401:
		e.Code, e.Explanation = CodeUnauthorized, "GitLab did not accept your credential"+c.credentialNamed()
		e.Next = "check that " + cmp.Or(c.opts.CredentialSource, "your credential") + " is a personal access token for " + HostName(c.base) + " (not another instance's), copied whole"
	case er.StatusCode == 403 && body.Error == "insufficient_scope":
		e.Code, e.Explanation = CodeInsufficientScope, fmt.Sprintf("your credential%s lacks the scope needed to %s (it needs %s)", c.credentialNamed(), what, scopeList(body.Scope))
		e.Next = "create a personal access token with the api scope and " + c.credentialReplace()
	case er.StatusCode == 403:
		e.Code, e.Explanation = CodeNoPermission, fmt.Sprintf("GitLab refused to %s: your role does not allow it", what)
		e.Next = "you need Maintainer or Owner on the project (Owner on a group); ask an Owner"
	case strings.Contains(lower, "does not have permission to create"):
		e.Code, e.Explanation = CodeNoPermission, "GitLab refused: you may not create access tokens here"
		e.Next = "you need Maintainer or Owner on the project (Owner on a group) and must sign in with a personal token, not a project token; " +
			"with that role, a setting forbids it: the top-level group's \"Users can create project access tokens and group access tokens in this group\" " +
			"(Settings > General > Permissions), or personal access tokens disabled on the instance; on GitLab.com they also need Premium or Ultimate — a personal token is the alternative"
		e.Field = token.FieldTarget
	case strings.Contains(lower, "access level of the token contains permissions not held"):
		e.Code, e.Explanation = CodeRoleTooHigh, "the role you chose is above your own role here"
		e.Next = "choose your own role or a lower one"
		e.Field = token.FieldRole
	case strings.Contains(lower, "must be before"):
		// "Expiration date must be before YYYY-MM-DD" (older: "Expires at
		// ..."). GitLab refuses only dates after that one: it is the last
		// this instance allows, in its own time zone.
		e.Code, e.Field = CodeExpiryTooFar, token.FieldExpiry
		e.Explanation = "the expiry is beyond this instance's maximum token lifetime"
		e.Next = "choose an earlier date"
		// Two rules may refuse at once (GitLab's 365 days and an Ultimate
		// instance's own limit, joined with "and"): the earliest binds.
		for _, m := range lastDate.FindAllStringSubmatch(msg, -1) {
			if d, err := time.Parse(token.DateLayout, m[1]); err == nil && (e.LastDate.IsZero() || d.Before(e.LastDate)) {
				e.LastDate = d
			}
		}
		if !e.LastDate.IsZero() {
			last := e.LastDate.Format(token.DateLayout)
			e.Explanation = fmt.Sprintf("this instance allows token expiry dates up to %s (its maximum lifetime)", last)
			e.Next = fmt.Sprintf("choose %s or earlier (--expires-at %s)", last, last)
		}
	case strings.Contains(lower, "token limit reached"):
		e.Code, e.Explanation = CodeLimitReached, "GitLab's limit of access tokens was reached (trial namespaces allow one project token)"
		e.Next = "revoke an unused token, upgrade the namespace, or use a personal token"
	case er.StatusCode == 429:
		e.Code, e.Explanation = CodeRateLimited, "GitLab is rate limiting requests"
		e.RetryAfter = retryAfter(er.Response, time.Now())
		e.Next = "wait a minute, then try again"
		if e.RetryAfter > 0 {
			e.Next = fmt.Sprintf("wait %s, then try again", e.RetryAfter.Round(time.Second))
		}
	case er.StatusCode >= 500:
		e.Code, e.Explanation = CodeServer, fmt.Sprintf("GitLab answered %d %s", er.StatusCode, http.StatusText(er.StatusCode))
		e.Next = "GitLab or a proxy in front of it failed; try again shortly"
	case er.StatusCode < 400:
		// GitLab's API never answers with a 1xx, or a 3xx that is not a
		// redirect (those are refused before this): not a refusal, an
		// answer from something that is not GitLab, or not only GitLab.
		e.Code, e.Explanation = CodeServer, fmt.Sprintf("%s answered %d %s while trying to %s, which GitLab's API never sends", HostName(c.base), er.StatusCode, http.StatusText(er.StatusCode), what)
		e.Next = "check that the address is GitLab's API (not a proxy or login page)"
	default:
		e.Code, e.Explanation = CodeInvalid, fmt.Sprintf("GitLab refused to %s", what)
		if e.ServerMessage != "" {
			e.Explanation += ": " + e.ServerMessage
		}
		e.Next = "change the request and try again"
		switch {
		case strings.Contains(lower, "scope"):
			e.Field = token.FieldScopes
		case strings.Contains(lower, "access_level"):
			e.Field = token.FieldRole
		case strings.Contains(lower, "name"):
			e.Field = token.FieldName
		case strings.Contains(lower, "description"):
			e.Field = token.FieldDescription
		case strings.Contains(lower, "expires"):
			e.Field = token.FieldExpiry
		}
	}
	return e
}

// credentialNamed is " (SOURCE)", where the sign-in credential came from,
// for a message that blames it; "" when the source is not known.
func (c *Client) credentialNamed() string {
	if c.opts.CredentialSource == "" {
		return ""
	}
	return " (" + c.opts.CredentialSource + ")"
}

// credentialReplace says how to put a new credential where this one came
// from.
func (c *Client) credentialReplace() string {
	if c.opts.CredentialSource == "" {
		return "sign in with it"
	}
	return "use it in place of " + c.opts.CredentialSource
}

// lastDate finds the dates in "must be before YYYY-MM-DD".
var lastDate = regexp.MustCompile(`before (\d{4}-\d{2}-\d{2})`)

// scopeList writes GitLab's space-separated list of accepted scopes.
func scopeList(s string) string {
	if s == "" {
		return "api"
	}
	return strings.Join(strings.Fields(s), " or ")
}

// retryAfter reads Retry-After (seconds or an HTTP date), else RateLimit-Reset (epoch seconds).
func retryAfter(resp *http.Response, now time.Time) time.Duration {
	if resp == nil {
		return 0
	}
	if v := strings.TrimSpace(resp.Header.Get("Retry-After")); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			return time.Duration(n) * time.Second
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0)
		}
	}
	if v := strings.TrimSpace(resp.Header.Get("RateLimit-Reset")); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return max(time.Unix(n, 0).Sub(now), 0)
		}
	}
	return 0
}
