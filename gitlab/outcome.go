package gitlab

// What happened to a create or rotation whose answer never arrived — a
// timeout, a reset, a 5xx from GitLab or a proxy in front of it (a 504 often
// arrives while GitLab is still finishing the request). Nothing short of
// finding the token settles it, so the outcome stays unknown until the
// orphan check finds it, and no message ever says "nothing was created"
// (DESIGN invariant 1).

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"gitlab-token-wizard/token"
)

// OutcomeUnknownError reports a create or rotation whose result never
// arrived, or arrived unusable: a token may exist whose value nobody has.
// The orphan check's findings are included.
type OutcomeUnknownError struct {
	Cause error
	// Checked is true when the orphan check ran to completion.
	Checked bool
	// Waited is how long the check kept looking.
	Waited time.Duration
	// Candidates are the active tokens with the request's name that appeared
	// since just before it was sent. Another run creating the same name at
	// the same time adds its own, so more than one means none can be called ours.
	Candidates []TokenInfo
	// Orphan is the token this request made: named by GitLab's own answer
	// (Certain), or the only candidate. Nil when none or several appeared.
	Orphan *TokenInfo
	// Certain is true when GitLab's answer itself named the token (it was
	// created, but its value was missing or not a plausible token).
	Certain  bool
	CheckErr error
	// Rotated marks a rotation rather than a create: Orphan is then the
	// replacement, and the old token is revoked.
	Rotated bool

	// What the check needs to run again (RetryCreate).
	req       token.Request
	start     time.Time
	before    map[int64]bool
	beforeErr error
}

// NothingFound reports whether the check ran and no token appeared. It is
// not proof that nothing was created: GitLab may still finish the request.
func (e *OutcomeUnknownError) NothingFound() bool {
	return e.Checked && e.Orphan == nil && len(e.Candidates) == 0
}

// Unwrap returns the cause.
func (e *OutcomeUnknownError) Unwrap() error { return e.Cause }

// Error says what is known, and no more.
func (e *OutcomeUnknownError) Error() string {
	if e.Rotated && e.Orphan != nil && e.Certain {
		return fmt.Sprintf("%s: the old token is revoked and the new one, %d %q, cannot be used, so it was not printed, copied or saved: rotate token %d once more for a fresh value",
			causeText(e.Cause), e.Orphan.ID, e.Orphan.Name, e.Orphan.ID)
	}
	if e.Rotated {
		return e.rotateError()
	}
	if e.Orphan != nil && e.Certain {
		return fmt.Sprintf("%s: GitLab did create token %d %q, but its value cannot be used, so it was not printed, copied or saved: revoke it and create a new one",
			causeText(e.Cause), e.Orphan.ID, e.Orphan.Name)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "the create request failed (%s)", causeText(e.Cause))
	switch {
	case e.Orphan != nil:
		fmt.Fprintf(&b, "; GitLab did create token %d %q (created %s), but its value was lost: revoke it and create a new one",
			e.Orphan.ID, e.Orphan.Name, e.Orphan.CreatedAt.UTC().Format(time.RFC3339))
	case len(e.Candidates) > 1:
		fmt.Fprintf(&b, "; %d tokens named %q appeared meanwhile (%s): one may be this request's, the others another run's, so none was touched: look at them with `list` and revoke the one nobody uses",
			len(e.Candidates), e.Candidates[0].Name, candidateIDs(e.Candidates))
	case e.Checked:
		fmt.Fprintf(&b, "; no new token has appeared in %s of checking, but GitLab may still finish the request: check again with `list` before trying again",
			e.Waited.Round(time.Second))
	default:
		fmt.Fprintf(&b, "; the check for a half-created token failed too (%v): look at the tokens with `list` before trying again", e.CheckErr)
	}
	return b.String() + redirectHint(e.Cause)
}

func (e *OutcomeUnknownError) rotateError() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the rotate request failed (%s)", causeText(e.Cause))
	switch {
	case e.Orphan != nil:
		fmt.Fprintf(&b, "; GitLab did rotate: the old token is revoked and the new one, %d %q, has a value nobody saw: rotate token %d once to get a fresh value",
			e.Orphan.ID, e.Orphan.Name, e.Orphan.ID)
	case len(e.Candidates) > 1:
		fmt.Fprintf(&b, "; GitLab did rotate (the old token is revoked), and %d tokens with its name appeared (%s): look at them with `list` before rotating any",
			len(e.Candidates), candidateIDs(e.Candidates))
	case e.Checked:
		fmt.Fprintf(&b, "; the old token was still active after %s of checking, but GitLab may still finish the request: check with `list` before trying again",
			e.Waited.Round(time.Second))
	default:
		fmt.Fprintf(&b, "; the check failed too (%v): look at the token list before trying again", e.CheckErr)
	}
	return b.String() + redirectHint(e.Cause)
}

// causeText is what went wrong, without the cause's own advice ("try again
// shortly"), which the outcome's words replace.
func causeText(err error) string {
	var ge *Error
	if errors.As(err, &ge) && ge.Explanation != "" {
		return ge.Explanation
	}
	return fmt.Sprint(err)
}

func candidateIDs(ts []TokenInfo) string {
	ids := make([]string, len(ts))
	for i, t := range ts {
		ids[i] = fmt.Sprintf("id %d created %s", t.ID, t.CreatedAt.UTC().Format("15:04:05"))
	}
	return strings.Join(ids, ", ")
}

// checkContext gives the orphan check a context of its own that outlives a
// cancelled ctx (ctrl+c, a signal) for a bounded time: finding the token is
// what tells the user whether one exists.
func (c *Client) checkContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), c.opts.OrphanWindow+20*time.Second)
}

// lookAgain runs find at once and then every 1.5 s until it reports done
// or the orphan window has passed; it returns how long it looked.
func (c *Client) lookAgain(ctx context.Context, what string, find func(context.Context) (done bool, err error)) (time.Duration, error) {
	if c.opts.Notify != nil {
		c.opts.Notify(fmt.Sprintf("GitLab's answer was lost: checking for up to %s whether it %s…", c.opts.OrphanWindow.Round(time.Second), what))
	}
	step := min(1500*time.Millisecond, c.opts.OrphanWindow)
	looks := int(c.opts.OrphanWindow/step) + 1
	for i := 0; ; i++ {
		done, err := find(ctx)
		if err != nil || done || i+1 >= looks {
			return time.Duration(i) * step, err
		}
		if err := c.sleep(ctx, step); err != nil {
			return time.Duration(i) * step, err
		}
	}
}

// orphanCheck looks for the token an ambiguous create may have made: same
// name, active, not there before (or, when the list before failed, created
// since just before the request, allowing for clock skew).
func (c *Client) orphanCheck(ctx context.Context, out *OutcomeUnknownError) error {
	cctx, cancel := c.checkContext(ctx)
	defer cancel()
	r := out.req
	out.Checked, out.CheckErr, out.Candidates, out.Orphan = false, nil, nil, nil
	// The check looks for the whole window even once a token has
	// appeared: another run creating the same name at the same time may be
	// the one that appeared first, with ours landing a moment later, and a
	// token claimed too early could be someone else's live one (which `x`
	// in the wizard would revoke). Only a token with the request's
	// attributes — scopes, expiry, role — counts.
	waited, err := c.lookAgain(cctx, "created the token", func(ctx context.Context) (bool, error) {
		ts, err := c.ListTokens(ctx, r, r.Name)
		if err != nil {
			return false, err
		}
		out.Candidates = out.Candidates[:0]
		for _, t := range ts {
			if t.Name != r.Name || t.Revoked || !madeBy(t, r) {
				continue
			}
			if out.beforeErr == nil && out.before[t.ID] {
				continue
			}
			if out.beforeErr != nil && t.CreatedAt.Before(out.start.Add(-2*time.Minute)) {
				continue
			}
			out.Candidates = append(out.Candidates, t)
		}
		return false, nil
	})
	out.Waited, out.CheckErr, out.Checked = waited, err, err == nil
	if len(out.Candidates) == 1 {
		out.Orphan = &out.Candidates[0]
	}
	return out
}

// madeBy reports whether token t could be what request r created: GitLab
// keeps the scopes, the expiry date and the role it was asked for, so a
// token that differs in any of them is not r's, whatever its name.
func madeBy(t TokenInfo, r token.Request) bool {
	if len(t.Scopes) != len(r.Scopes) {
		return false
	}
	for _, sc := range r.Scopes {
		if !slices.Contains(t.Scopes, string(sc)) {
			return false
		}
	}
	if !r.ExpiresAt.IsZero() && !t.ExpiresAt.IsZero() && t.ExpiresAt.UTC().Format(token.DateLayout) != r.ExpiresAt.UTC().Format(token.DateLayout) {
		return false
	}
	return !r.Kind.HasTokenRole() || t.AccessLevel == token.RoleNone || t.AccessLevel == r.Role
}

// RetryCreate creates again after an unknown outcome, as the user asked:
// first it runs the orphan check once more, and it sends the create only if
// still no token has appeared. Otherwise it returns the new findings.
func (c *Client) RetryCreate(ctx context.Context, prev *OutcomeUnknownError) (*NewToken, error) {
	if prev == nil || prev.Rotated || prev.Certain {
		return nil, &Error{Code: CodeInvalid, Explanation: "there is no create to try again", Next: "start again"}
	}
	again := *prev
	again.Candidates = nil
	_ = c.orphanCheck(ctx, &again)
	if !again.NothingFound() {
		return nil, &again
	}
	return c.CreateToken(ctx, prev.req)
}

// unusableValue reports a token GitLab made but whose value must not be
// used: missing, or not a plausible token (a hostile or broken server could
// send escape sequences or text meant for the terminal). Its id is known
// from the answer, so the orphan is certain.
func (c *Client) unusableValue(r token.Request, nt *NewToken, why string) error {
	info := nt.TokenInfo
	if info.Name == "" {
		info.Name = r.Name
	}
	return &OutcomeUnknownError{Cause: &Error{Code: CodeServer, Explanation: "GitLab created the token but " + why},
		Checked: true, Certain: true, Orphan: &info, req: r}
}

// WriteUnknownError is a write other than a token's — a service account, a
// membership — whose answer was lost and which the check did not find: it
// may exist. Hint says how to settle it.
type WriteUnknownError struct {
	What  string
	Cause error
	Hint  string
}

func (e *WriteUnknownError) Error() string {
	return fmt.Sprintf("%s: the answer was lost (%s), and it has not appeared so far, but GitLab may still finish it: %s", e.What, causeText(e.Cause), e.Hint) + redirectHint(e.Cause)
}

// redirectHint says what to fix when a write was answered with a redirect:
// GitLab never redirects its API, so something in front of it did.
func redirectHint(cause error) string {
	var re *RedirectError
	if !errors.As(cause, &re) {
		return ""
	}
	return "; then check --host: give the address GitLab's API answers on (a proxy or single sign-on page in front of it answered with the redirect)"
}

func (e *WriteUnknownError) Unwrap() error { return e.Cause }

// PartialError is a sequence of writes (a service account, its
// memberships, its token) that stopped part-way. Done names what was
// written before Cause stopped it; it stays in GitLab.
type PartialError struct {
	Done  []string
	Cause error
}

func (e *PartialError) Error() string {
	if len(e.Done) == 0 {
		return e.Cause.Error()
	}
	return fmt.Sprintf("%v (already done, and still there: %s)", e.Cause, strings.Join(e.Done, "; "))
}

func (e *PartialError) Unwrap() error { return e.Cause }

// fillID asks a new token whose answer carried no id for its own record,
// which has it. Best effort: the value is delivered either way.
func (c *Client) fillID(ctx context.Context, nt *NewToken) {
	tc, err := c.newAuth(nt.Value)
	if err != nil {
		return
	}
	cctx, cancel := c.checkContext(ctx)
	defer cancel()
	if self, _, err := tc.PersonalAccessTokens.GetSinglePersonalAccessToken(gl.WithContext(cctx)); err == nil && self != nil {
		nt.ID = self.ID
	}
}

// errNullAnswer is a success answer whose body is JSON null, or a list
// holding null: not what GitLab sends.
var errNullAnswer = errors.New("GitLab answered with null instead of the object")

// errEmptyAnswer is an object without the fields that name it ({}): GitLab
// always sends a project's id and path.
var errEmptyAnswer = errors.New("GitLab answered with an empty object instead of the project")

// nonNil drops the null elements of a list: GitLab never sends them, but a
// broken proxy or a hostile server may, and one must not crash the run.
func nonNil[T any](xs []*T) []*T {
	out := xs[:0:0]
	for _, x := range xs {
		if x != nil {
			out = append(out, x)
		}
	}
	return out
}

// isNullAnswer reports an answer that decoded to nothing.
func isNullAnswer(err error) bool {
	return errors.Is(err, errNullAnswer) || errors.Is(err, errEmptyAnswer)
}
