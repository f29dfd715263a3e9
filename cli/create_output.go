package cli

// What create and rotate write: the plan before sending, the verification
// lines after, and the JSON object with the new token.

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/internal/safe"
	"gitlab-token-wizard/internal/secretfile"
	"gitlab-token-wizard/token"
)

func printPlan(w io.Writer, r token.Request, host string, now time.Time, defaulted bool) {
	switch r.Kind {
	case token.KindPersonal:
		fmt.Fprintf(w, "Personal access token %q for %s (%s)\n", safe.Text(r.Name), safe.Text(r.PersonalUser()), host)
		fmt.Fprintf(w, "  acts as: that user, with the scopes below, everywhere they have access\n")
	default:
		fmt.Fprintf(w, "%s access token %q on %s (%s)\n", strings.ToUpper(string(r.Kind[:1]))+string(r.Kind[1:]), safe.Text(r.Name), safe.Text(r.Target), host)
		fmt.Fprintf(w, "  role:    %s — %s\n", r.Role.Title(), r.Role.Meaning())
	}
	printTerms(w, r, now, defaulted)
}

// printTerms writes a plan's scopes, expiry and the purpose's advice.
func printTerms(w io.Writer, r token.Request, now time.Time, defaulted bool) {
	fmt.Fprintf(w, "  scopes:  %s\n", token.JoinScopes(r.Scopes))
	exp := token.DescribeExpiry(r.ExpiresAt, now)
	if defaulted {
		exp += fmt.Sprintf(" — the default of %d days; change it with --duration or --expires-at", token.DefaultLifetimeDays)
	}
	fmt.Fprintf(w, "  expires: %s\n", exp)
	if p, err := token.FindPreset(r.Preset); err == nil {
		for _, a := range p.Advice(r) {
			fmt.Fprintf(w, "  warning: %s\n", a)
		}
	}
}

func printVerification(w io.Writer, v gitlab.Verification) {
	printChecks(w, "Verification with the new token:", v)
}

// printChecks writes a verification's PASS and FAIL lines under heading.
func printChecks(w io.Writer, heading string, v gitlab.Verification) {
	fmt.Fprintln(w, heading)
	for _, c := range v.Checks {
		mark, rest := token.CheckLine(c.OK, c.Problem, c.Name, c.Detail)
		fmt.Fprintf(w, "  %s  %s\n", mark, rest)
	}
}

// jsonCheck is one check in JSON; checked is false when it could not be
// made (the network or GitLab failed, not the token).
type jsonCheck struct {
	Check   string `json:"check"`
	OK      bool   `json:"ok"`
	Checked bool   `json:"checked"`
	Detail  string `json:"detail"`
}

func jsonChecks(v gitlab.Verification) []jsonCheck {
	checks := []jsonCheck{}
	for _, c := range v.Checks {
		checks = append(checks, jsonCheck{c.Name, c.OK, !c.Unchecked(), c.Detail})
	}
	return checks
}

// writeJSON writes one object; the token is in it unless it was saved to a
// file. Everything but the token passes the scrubber; the token is put in
// afterwards, on the way to stdout.
func writeJSON(env Env, r token.Request, host string, nt *gitlab.NewToken, v *gitlab.Verification, savedTo, revoke string) error {
	obj := map[string]any{
		"id": nt.ID, "kind": r.Kind, "host": host, "target": r.Target, "name": nt.Name, "description": nt.Description, "scopes": nt.Scopes,
		"expires_at": nt.ExpiresAt.Format(token.DateLayout), "created_at": nt.CreatedAt.Format(time.RFC3339),
		"user_id": nt.UserID, "active": nt.Active,
	}
	// A placeholder that cannot occur in a scrubbed text holds the token's
	// place; the value is a plausible token (no quotes or backslashes).
	const placeholder = "\x00token\x00"
	if savedTo != "" {
		obj["token_file"] = savedTo
	} else {
		obj["token"] = placeholder
	}
	switch r.Kind {
	case token.KindProject:
		obj["project"] = r.Target
	case token.KindGroup:
		obj["group"] = r.Target
	case token.KindServiceAccount:
		// The token acts as the account; its role is the memberships'.
		places := make([]map[string]any, len(r.Places))
		for i, p := range r.Places {
			places[i] = map[string]any{"kind": p.Kind, "path": p.Path}
		}
		obj["group"], obj["places"], obj["role"], obj["access_level"] = r.Target, places, r.Role.String(), int(r.Role)
		obj["service_account"] = map[string]any{"id": r.UserID, "username": r.Account.Username}
	}
	if r.Kind.HasTokenRole() {
		obj["access_level"], obj["role"] = int(nt.AccessLevel), nt.AccessLevel.String()
	}
	if v != nil {
		obj["verified"] = v.OK()
		obj["verification"] = jsonChecks(*v)
	}
	b, err := json.MarshalIndent(obj, "", "  ")
	if err != nil {
		return err
	}
	if savedTo != "" {
		// The value is in its file already: a failed write here loses only
		// the description, never calls for a second copy of the secret.
		if _, err := fmt.Fprintln(env.Out, env.scrub.String(string(b))); err != nil {
			return &ExitError{Code: ExitFailure, Err: fmt.Errorf("token %d is saved in %s, but its JSON description could not be written to stdout (%s)",
				nt.ID, savedTo, safe.Line(err.Error(), 200))}
		}
		return nil
	}
	text := strings.Replace(env.scrub.String(string(b)), `"\u0000token\u0000"`, `"`+nt.Value.Reveal()+`"`, 1)
	return emitToken(env, text, nt, revoke)
}

// emitToken writes text, which carries the new token's value, to stdout: the
// one write of a value (create, rotate, the accessible mode). A created
// token is never lost to a failed write — a full disk, a closed pipe (SIGPIPE
// is ignored, so the write fails instead of killing the run): the value goes
// to a new private file, and the run fails naming it, or, when no file can be
// written either, naming the command that revokes it.
func emitToken(env Env, text string, nt *gitlab.NewToken, revoke string) error {
	_, err := fmt.Fprintln(env.rawOut, text)
	if err == nil {
		return nil
	}
	werr := safe.Line(err.Error(), 200)
	path, ferr := secretfile.WritePrivate(fmt.Sprintf("gitlab-token-%d", nt.ID), nt.Value)
	if ferr != nil {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("token %d was created, but stdout could not take it (%s) and no file could be written (%s): the value is lost; revoke the token with %s and create a new one",
			nt.ID, werr, safe.Line(ferr.Error(), 200), revoke)}
	}
	return &ExitError{Code: ExitFailure, Err: fmt.Errorf("token %d was created, but stdout could not take it (%s): it was saved to %s (mode 0600) instead; move it where it belongs and delete the file, or revoke the token with %s",
		nt.ID, werr, path, revoke)}
}
