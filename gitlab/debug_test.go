package gitlab

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/internal/scrub"
	"gitlab-token-wizard/token"
)

func TestDebugLogHasNoSecrets(t *testing.T) {
	srv, ts, err := fake.Start("demo")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ts.Close)
	srv.SetDeviceInterval(1)
	var log bytes.Buffer
	c, err := New(Options{Host: ts.URL, Token: fake.MaintainerToken, Debug: &log})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r := token.Request{Kind: token.KindProject, Target: "acme/web", Name: "Jira", Role: token.RoleReporter, Scopes: []token.Scope{"read_api"}, ExpiresAt: token.DefaultExpiry(c.now())}
	nt, err := c.CreateToken(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	c.VerifyToken(ctx, nt.Value, r)
	oauth, err := DeviceLogin(ctx, DeviceOptions{Host: ts.URL, ClientID: fake.DemoOAuthClientID, Scopes: []string{"api"}, Debug: &log,
		Prompt: func(d DeviceCode) { go func() { _ = srv.ApproveDevice(d.UserCode, 2, true) }() }})
	if err != nil {
		t.Fatal(err)
	}
	out := log.String()
	for name, secret := range map[string]string{"credential": fake.MaintainerToken, "new token": nt.Value.Reveal(), "OAuth token": oauth.Reveal()} {
		if strings.Contains(out, secret) {
			t.Errorf("the debug log holds the %s", name)
		}
	}
	for _, want := range []string{"POST " + ts.URL + "/api/v4/projects/acme%2Fweb/access_tokens", "< 201 Created", "Private-Token: [REDACTED]", `"token":"[REDACTED]"`, "device_code=%5BREDACTED%5D"} {
		if !strings.Contains(out, want) {
			t.Errorf("the log lacks %q", want)
		}
	}
}

func FuzzDebugRedaction(f *testing.F) {
	f.Add("glpat-abcdefghij0123456789", "hello")
	f.Add("0123456789abcdef0123456789abcdef", "glpat-otherTOKENvalue1")
	f.Fuzz(func(t *testing.T, secret, other string) {
		secret = strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
				return r
			}
			return -1
		}, secret)
		if len(secret) < 8 || strings.Contains("[REDACTED]", secret) {
			return
		}
		body, _ := json.Marshal(map[string]any{"token": secret, "nested": map[string]any{"access_token": secret, "note": other + secret}})
		d := newDebugLog(nil, nil, scrub.New())
		out := d.scrubText(d.redactBody(body, "application/json"))
		if strings.Contains(out, secret) {
			t.Fatalf("secret %q survived: %s", secret, out)
		}
	})
}
