package gitlab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"gitlab-token-wizard/internal/safe"
	"gitlab-token-wizard/internal/scrub"
	"gitlab-token-wizard/token"
)

// DeviceCode is what the user needs to approve a device sign-in.
type DeviceCode struct {
	UserCode        string
	VerificationURI string
	// VerificationURIComplete carries the code, when GitLab sends one.
	VerificationURIComplete string
	Expires                 time.Time
}

// DeviceOptions configure DeviceLogin.
type DeviceOptions struct {
	Host      string
	ClientID  string
	Scopes    []string
	CAFile    string
	AllowHTTP bool
	Timeout   time.Duration
	Proxy     func(*http.Request) (*url.URL, error)
	Debug     io.Writer
	// Scrub is the run's scrubber, for the debug log.
	Scrub *scrub.Scrubber
	// Prompt shows the code and the address; it is called once, before polling.
	Prompt func(DeviceCode)
}

// DeviceLogin signs in with OAuth 2.0's device authorization grant (GitLab
// 17.2+): it asks GitLab for a code, lets Prompt show it, then polls at the
// interval GitLab gives, slowing down when asked, until the user approves,
// denies, or the code expires. The access token is returned, never stored.
func DeviceLogin(ctx context.Context, o DeviceOptions) (token.Secret, error) {
	base, err := NormalizeHost(o.Host, o.AllowHTTP)
	if err != nil {
		return "", err
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	hc, err := newHTTPClient(httpConfig{caFile: o.CAFile, proxy: o.Proxy, debug: o.Debug, scrub: o.Scrub, timeout: o.Timeout})
	if err != nil {
		return "", err
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, hc)
	cfg := &oauth2.Config{ClientID: o.ClientID, Scopes: o.Scopes, Endpoint: oauth2.Endpoint{
		DeviceAuthURL: base + "/oauth/authorize_device", TokenURL: base + "/oauth/token", AuthStyle: oauth2.AuthStyleInParams,
	}}
	da, err := cfg.DeviceAuth(ctx)
	if err != nil {
		return "", deviceError(err, base, "start the device sign-in")
	}
	// The address the user is sent to must be GitLab's own: a hostile answer
	// could otherwise send them to a look-alike page to approve there.
	for _, u := range []string{da.VerificationURI, da.VerificationURIComplete} {
		if err := sameOrigin(base, u); u != "" && err != nil {
			return "", &Error{Code: CodeInvalid, Explanation: err.Error(),
				Next: "check --host; sign in with a personal access token instead (GITLAB_TOKEN or --token-stdin)"}
		}
	}
	// The wait is GitLab's to set, but bounded: at most 15 minutes for the
	// approval, polls every 1 to 30 seconds, whatever the answer says.
	if limit := time.Now().Add(maxDeviceWait); da.Expiry.IsZero() || da.Expiry.After(limit) {
		da.Expiry = limit
	}
	da.Interval = min(max(da.Interval, 1), 30)
	if o.Prompt != nil {
		o.Prompt(DeviceCode{UserCode: safe.Line(da.UserCode, 32), VerificationURI: safe.Line(da.VerificationURI, 300),
			VerificationURIComplete: safe.Line(da.VerificationURIComplete, 400), Expires: da.Expiry})
	}
	tok, err := cfg.DeviceAccessToken(ctx, da)
	if err != nil {
		return "", deviceError(err, base, "finish the device sign-in")
	}
	return token.Secret(tok.AccessToken), nil
}

// sameOrigin refuses an address whose scheme, host or port is not base's.
func sameOrigin(base, addr string) error {
	b, err := url.Parse(base)
	if err != nil {
		return err
	}
	u, err := url.Parse(addr)
	if err != nil || u.Scheme != b.Scheme || !strings.EqualFold(u.Host, b.Host) {
		shown := addr
		if err == nil {
			shown = redactURL(u)
		}
		return fmt.Errorf("GitLab at %s gave a sign-in address on another site (%s); it was not opened", origin(b), safe.Line(shown, 200))
	}
	return nil
}

// maxDeviceWait bounds the wait for a device sign-in's approval.
const maxDeviceWait = 15 * time.Minute

func deviceError(err error, base, what string) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		switch re.ErrorCode {
		case "access_denied":
			return &Error{Code: CodeUnauthorized, Explanation: "the sign-in was denied in the browser", Next: "run the wizard again and choose Authorize"}
		case "expired_token":
			return &Error{Code: CodeExpired, Explanation: "the sign-in code expired before it was approved", Next: "run the wizard again and approve within a few minutes"}
		case "invalid_client":
			return &Error{Code: CodeUnauthorized, Explanation: "GitLab does not know this OAuth client id",
				Next: "register an OAuth application on " + HostName(base) + " (Settings > Applications, not confidential, scope api, device flow) and pass its client id with --oauth-client-id"}
		case "invalid_scope":
			return &Error{Code: CodeInvalid, Explanation: "the OAuth application may not ask for the api scope", Next: "allow the api scope in the application's settings"}
		}
		if re.Response != nil && re.Response.StatusCode == 404 {
			return &Error{Code: CodeNotFound, Explanation: HostName(base) + " has no device sign-in (it needs GitLab 17.2 or later, enabled)",
				Next: "sign in with a personal access token instead (GITLAB_TOKEN or --token-stdin)"}
		}
		return &Error{Code: CodeInvalid, Explanation: fmt.Sprintf("GitLab refused to %s: %s", what, safe.Line(re.ErrorCode+" "+re.ErrorDescription, 200)), Next: "sign in with a personal access token instead"}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &Error{Code: CodeExpired, Explanation: "the sign-in code expired before it was approved", Next: "run the wizard again and approve within a few minutes"}
	}
	c := &Client{base: base}
	return c.classify(err, what)
}
