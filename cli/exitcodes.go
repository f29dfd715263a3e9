package cli

import (
	"fmt"
	"strings"
)

// ExitCode is one documented exit code: its number, a short name and what it
// means for every command.
type ExitCode struct {
	Code    int
	Name    string
	Meaning string
}

// ExitCodes is the one table of exit codes: --help prints it, and a test
// keeps the README's table equal to it (TestREADMEExitCodesMatchTheCode).
var ExitCodes = []ExitCode{
	{ExitOK, "ok", "done: created (and, unless --no-verify, verified); check: every check made passed; revoke: revoked, or already revoked; audit: nothing needs attention"},
	{ExitFailure, "failure", "other failure: network, TLS, a crash, an incomplete list or audit, a token that could be saved nowhere, or a service account's writes stopped part-way; the message names anything that was created; check: the token could not be checked (the network or GitLab failed, not the token)"},
	{ExitInvalid, "invalid", "invalid input or usage (an unknown flag, a bad date, no confirmation for revoke), or nowhere safe to put the token; nothing was sent"},
	{ExitRefused, "refused", "refused by GitLab or by a check made first (role, Owner, administrator, plan, an unknown token id); nothing was changed; check: the token is not ready"},
	{ExitUnknown, "unknown", "outcome unknown: GitLab may have acted on a create or rotate whose answer was lost; the orphan check's result is printed"},
	{ExitUnverified, "unverified", "the token was created and delivered, but using it failed a verification check (the FAIL lines say which), or the check could not be made (lines marked ----)"},
	{ExitAttention, "attention", "audit: a token needs attention (it expires within --within, or has a finding at or above --fail-on)"},
	{ExitInterrupted, "interrupted", "interrupted (ctrl+c, a signal) or cancelled at a question; audit prints what it found so far"},
	{ExitBrokenPipe, "broken-pipe", "stdout's reader went away (list piped to head): the run stops quietly, as a run killed by SIGPIPE would; a new token's value is never lost this way (it goes to a file, exit 1)"},
}

// exitCodesHelp is the table for --help, aligned, one code a line.
func exitCodesHelp() string {
	var b strings.Builder
	for _, e := range ExitCodes {
		b.WriteString(hanging(fmt.Sprintf("  %-4d %-12s ", e.Code, e.Name), e.Meaning, helpWidth))
	}
	return b.String()
}

// exitCodesMarkdown is the table as the README writes it.
func exitCodesMarkdown() string {
	var b strings.Builder
	b.WriteString("| code | name | meaning |\n|---|---|---|\n")
	for _, e := range ExitCodes {
		fmt.Fprintf(&b, "| %d | %s | %s |\n", e.Code, e.Name, markdownFlags(e.Meaning))
	}
	return b.String()
}

// markdownFlags puts the flags of a help text in code spans, for the README.
func markdownFlags(s string) string {
	words := strings.Split(s, " ")
	for i, w := range words {
		if strings.HasPrefix(w, "--") {
			core := strings.TrimRight(w, ",;:.)")
			words[i] = "`" + core + "`" + w[len(core):]
		}
	}
	return strings.Join(words, " ")
}

// envVar is one environment variable the program reads.
type envVar struct{ name, meaning string }

// envVars lists every environment variable the program reads, for --help
// and `help environment` (as gh's `help environment` does).
var envVars = []envVar{
	{"GITLAB_TOKEN", "your credential: a personal access token with the api scope (never pass one as a flag)"},
	{"GITLAB_ACCESS_TOKEN", "read when GITLAB_TOKEN is empty, as glab reads it"},
	{"OAUTH_TOKEN", "read when both are empty"},
	{"GITLAB_HOST", "the instance when --host is not given (default https://gitlab.com)"},
	{"GITLAB_OAUTH_CLIENT_ID", "sign in in the browser with OAuth using this application id (as --oauth-client-id)"},
	{"GLAB_CONFIG_DIR", "where glab's config.yml is, to reuse glab's login (else $XDG_CONFIG_HOME/glab-cli, else ~/.config/glab-cli)"},
	{"HTTPS_PROXY", "the proxy for requests to GitLab (HTTP_PROXY for plain http; NO_PROXY lists the exceptions)"},
	{"ACCESSIBLE", "any value: ask one question per line instead of drawing the screen (as --accessible)"},
	{"TERM", "dumb: the accessible mode"},
	{"NO_COLOR", "any value: no colours"},
	{"BROWSER", "the program that opens links (GitLab's form, the OAuth page); it never sees your credential"},
}

// environmentHelp is the text of `help environment` and of --help's
// environment section.
func environmentHelp() string {
	var b strings.Builder
	for _, v := range envVars {
		fmt.Fprintf(&b, "  %s\n      %s\n", v.name, v.meaning)
	}
	return b.String()
}
