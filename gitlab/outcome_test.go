package gitlab

// What a run knows after a lost answer: the orphan check, candidates,
// values that are delivered and values that are not.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gitlab-token-wizard/gitlab/fake"
	"gitlab-token-wizard/internal/termcheck"
	"gitlab-token-wizard/token"
)

func TestImplausibleTokenValuesAreNeverHandedOut(t *testing.T) {
	for _, v := range []string{
		"\x1b]0;pwned\x07glpat-aaaaaaaaaaaaaaaaaaaa",
		"glpat-aaaaaaaaaaaaaaaaaaaa\nrm -rf ~",
		"glpat-aaaa aaaaaaaaaaaaaaaa",
		"\u202eglpat-aaaaaaaaaaaaaaaaaaaa",
		strings.Repeat("a", 5000),
		"",
		`glpat-"quoted"`,
	} {
		t.Run(fmt.Sprintf("%.20q", v), func(t *testing.T) {
			srv, c := setup(t, fake.MaintainerToken)
			srv.SetNextTokenValues(v)
			nt, err := c.CreateToken(context.Background(), jiraRead())
			var ou *OutcomeUnknownError
			if nt != nil || !errors.As(err, &ou) || !ou.Certain || ou.Orphan == nil || ou.Orphan.ID == 0 {
				t.Fatalf("nt %v, err %v", nt, err)
			}
			if v != "" && strings.Contains(err.Error(), v) {
				t.Fatal("the value is in the error")
			}
			if p := termcheck.Problem(err.Error()); p != "" {
				t.Fatal(p)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("GitLab did create token %d", ou.Orphan.ID)) || !strings.Contains(err.Error(), "not printed, copied or saved") {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestMaskedShowsNoSecretCharacter(t *testing.T) {
	for _, v := range []token.Secret{"glpat-abcdefghijklmnopqrst", "\x1b]0;x\x07-abcdefghijklmnop", "mycorp-abcdefghijklmnop", "abcdefghij-klmnopqrstu", "glpat-short"} {
		m := v.Masked()
		rest := strings.TrimPrefix(string(v), "glpat-")
		if strings.ContainsAny(m, "\x1b\x07") || strings.Contains(m, rest[:4]) {
			t.Errorf("Masked(%q) = %q", v, m)
		}
	}
}

func TestLateCommitAfterGatewayTimeoutIsFound(t *testing.T) {
	var said []string
	srv, c := setupWith(t, Options{Token: fake.MaintainerToken, OrphanWindow: 4 * time.Second, Notify: func(s string) { said = append(said, s) }})
	srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultTimeoutThenCommit, Delay: 2 * time.Second})
	_, err := c.CreateToken(context.Background(), jiraRead())
	var ou *OutcomeUnknownError
	if !errors.As(err, &ou) || ou.Orphan == nil || !strings.Contains(err.Error(), "504") {
		t.Fatalf("the late token was not found: %v", err)
	}
	if len(said) != 1 || !strings.Contains(said[0], "checking for up to 4s") {
		t.Fatalf("progress not said: %q", said)
	}
}

// The user's retry after a lost answer looks first: a token that appeared
// meanwhile is reported, and no second create is sent.
func TestRetryCreateLooksBeforeSending(t *testing.T) {
	srv, c := setupWith(t, Options{Token: fake.MaintainerToken, OrphanWindow: time.Millisecond})
	srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultTimeoutThenCommit, Delay: 300 * time.Millisecond, Times: 1})
	_, err := c.CreateToken(context.Background(), jiraRead())
	var ou *OutcomeUnknownError
	if !errors.As(err, &ou) || !ou.NothingFound() {
		t.Fatalf("err = %v", err)
	}
	for deadline := time.Now().Add(10 * time.Second); len(srv.Tokens("project:100")) == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the late commit never happened")
		}
		time.Sleep(20 * time.Millisecond)
	}
	_, err = c.RetryCreate(context.Background(), ou)
	var again *OutcomeUnknownError
	if !errors.As(err, &again) || again.Orphan == nil || srv.CountRequests("POST", "/access_tokens") != 1 {
		t.Fatalf("retry: %v, POSTs %d", err, srv.CountRequests("POST", "/access_tokens"))
	}
	// With nothing there, the retry creates exactly once.
	srv.ClearFaults()
	if err := c.RevokeToken(context.Background(), jiraRead(), again.Orphan.ID); err != nil {
		t.Fatal(err)
	}
	nt, err := c.RetryCreate(context.Background(), ou)
	if err != nil || nt == nil || srv.CountRequests("POST", "/access_tokens") != 2 {
		t.Fatalf("retry after revoking: %v", err)
	}
}

// Two runs creating the same name at once: each may see the other's token.
// The report lists both and claims neither.
func TestSeveralCandidatesAreListedNotClaimed(t *testing.T) {
	srv, c := setup(t, fake.MaintainerToken)
	r := jiraRead()
	other, err := New(Options{Host: c.BaseURL(), Token: fake.MaintainerToken, OrphanWindow: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	// The "other run" creates its token while ours waits for a lost answer.
	srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultCommitThenStatus, Status: 502, Times: 1})
	done := make(chan error)
	go func() {
		_, err := other.CreateToken(context.Background(), r)
		done <- err
	}()
	if err := <-done; err == nil {
		t.Fatal("the first create should have met the 502")
	}
	// Now ours: its own create is lost too, and two tokens with the name
	// appeared since its "before" list... the other run's and its own.
	srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultCommitThenStatus, Status: 502, Times: 1})
	out := &OutcomeUnknownError{req: r, start: time.Now().Add(-time.Minute), before: map[int64]bool{}}
	_, err = c.createOnce(context.Background(), r)
	if err == nil {
		t.Fatal("want the 502")
	}
	_ = c.orphanCheck(context.Background(), out)
	if len(out.Candidates) != 2 || out.Orphan != nil {
		t.Fatalf("candidates %d, orphan %v", len(out.Candidates), out.Orphan)
	}
	msg := out.Error()
	if !strings.Contains(msg, "2 tokens named") || strings.Contains(msg, "did create") {
		t.Fatalf("message: %s", msg)
	}
}

// A created token whose answer lacks the id but carries a usable value is
// delivered, its id read from its own record (review finding 6).
func TestAUsableValueWithoutAnIDIsDelivered(t *testing.T) {
	srv, _ := setup(t, fake.MaintainerToken)
	var selfFails atomic.Bool
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if selfFails.Load() && strings.HasSuffix(r.URL.Path, "/personal_access_tokens/self") {
			http.Error(w, `{"message":"500 Internal Server Error"}`, http.StatusInternalServerError)
			return
		}
		if r.Method != "POST" {
			srv.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, r)
		var m map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &m)
		delete(m, "id")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rec.Code)
		_ = json.NewEncoder(w).Encode(m)
	}))
	t.Cleanup(front.Close)
	c2, err := New(Options{Host: front.URL, Token: fake.MaintainerToken})
	if err != nil {
		t.Fatal(err)
	}
	nt, err := c2.CreateToken(context.Background(), jiraRead())
	if err != nil || nt == nil || nt.ID != int64(srv.Tokens("project:100")[0].ID) || nt.Value.Plausible() != nil {
		t.Fatalf("nt %+v, err %v", nt, err)
	}
	// A rotation answered without the id, whose own record cannot be read
	// either: the old token is revoked, so the new value is delivered all
	// the same, never dropped.
	selfFails.Store(true)
	rot, err := c2.RotateToken(context.Background(), jiraRead(), nt.ID, time.Now().AddDate(0, 0, 30))
	if err != nil || rot == nil || rot.Value.Plausible() != nil || rot.Value == nt.Value {
		t.Fatalf("rotation without an id: %+v, %v", rot, err)
	}
}

// A revoke whose answer is lost is read back, not sent again (review finding 9).
func TestRevokeAfterALostAnswerReadsBack(t *testing.T) {
	srv, c := setup(t, fake.MaintainerToken)
	nt, err := c.CreateToken(context.Background(), jiraRead())
	if err != nil {
		t.Fatal(err)
	}
	srv.AddFault(fake.Fault{Method: "DELETE", PathSuffix: "/access_tokens/" + fmt.Sprint(nt.ID), Kind: fake.FaultCommitThenStatus, Status: 502, Times: 1})
	if err := c.RevokeToken(context.Background(), jiraRead(), nt.ID); err != nil {
		t.Fatalf("a revoke that worked: %v", err)
	}
	if n := srv.CountRequests("DELETE", "/access_tokens/"+fmt.Sprint(nt.ID)); n != 1 {
		t.Fatalf("DELETE sent %d times", n)
	}
	// A 502 before GitLab acted: the read-back finds the token active, so
	// the failure stands (and nothing is sent twice).
	second, err := c.CreateToken(context.Background(), jiraRead())
	if err != nil {
		t.Fatal(err)
	}
	srv.AddFault(fake.Fault{Method: "DELETE", PathSuffix: "/access_tokens/" + fmt.Sprint(second.ID), Kind: fake.FaultStatus, Status: 502, Times: 1})
	if err := c.RevokeToken(context.Background(), jiraRead(), second.ID); err == nil {
		t.Fatal("a revoke that did not happen was reported done")
	}
	if n := srv.CountRequests("DELETE", "/access_tokens/"+fmt.Sprint(second.ID)); n != 1 {
		t.Fatalf("DELETE sent %d times", n)
	}
	// The sign-in credential revoking itself, its answer lost.
	self := srv.AddPersonalToken(2, "short", []string{"api"}, "")
	me, err := New(Options{Host: c.BaseURL(), Token: token.Secret(self)})
	if err != nil {
		t.Fatal(err)
	}
	srv.AddFault(fake.Fault{Method: "DELETE", PathSuffix: "/personal_access_tokens/self", Kind: fake.FaultCommitThenStatus, Status: 502, Times: 1})
	if err := me.RevokeSelf(context.Background()); err != nil {
		t.Fatalf("a self revoke that worked: %v", err)
	}
	if n := srv.CountRequests("DELETE", "/personal_access_tokens/self"); n != 1 {
		t.Fatalf("self DELETE sent %d times", n)
	}
	for _, tk := range srv.Tokens("*") {
		if tk.Name == "short" && !tk.Revoked {
			t.Fatal("the credential is not revoked")
		}
	}
}

// Another run's token with the same name appears first, and this run's
// lands a moment later: the check keeps looking for its whole window, lists
// both and claims neither (it claimed the first, which `x` in the wizard
// then revoked: someone else's live token). A same-named token with other
// scopes is never a candidate.
func TestAnEarlierSameNamedTokenIsNotClaimed(t *testing.T) {
	r := jiraRead()
	exp := r.ExpiresAt.Format(token.DateLayout)
	var (
		srv           *fake.Server
		other, unlike int
	)
	srv, c := setupWith(t, Options{Token: fake.MaintainerToken, OrphanWindow: 4 * time.Second, Notify: func(string) {
		other = srv.AddResourceToken("project:100", fake.Token{Name: r.Name, Scopes: []string{"read_api"}, ExpiresAt: exp, AccessLevel: 20})
		unlike = srv.AddResourceToken("project:100", fake.Token{Name: r.Name, Scopes: []string{"api"}, ExpiresAt: exp, AccessLevel: 20})
	}})
	srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultTimeoutThenCommit, Delay: 1500 * time.Millisecond, Times: 1})
	_, err := c.CreateToken(context.Background(), r)
	var ou *OutcomeUnknownError
	if !errors.As(err, &ou) || ou.Orphan != nil || len(ou.Candidates) != 2 {
		t.Fatalf("orphan %v, candidates %+v: %v", ou.Orphan, ou.Candidates, err)
	}
	for _, cand := range ou.Candidates {
		if cand.ID == int64(unlike) {
			t.Fatalf("token %d has other scopes, yet is a candidate", unlike)
		}
	}
	if msg := err.Error(); !strings.Contains(msg, "2 tokens named") || !strings.Contains(msg, fmt.Sprintf("id %d", other)) || strings.Contains(msg, "did create") {
		t.Fatalf("message: %s", msg)
	}
}

// GitLab's API never answers a write with a 1xx or a 3xx: whatever sent
// one may have passed the create on, so (without a Location to refuse) the
// outcome is unknown and the check runs; it was called a refusal.
func TestOddStatusesOnACreateAreNotRefusals(t *testing.T) {
	for _, status := range []int{300, 302, 303, 307} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			srv, c := setup(t, fake.MaintainerToken)
			srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultCommitThenStatus, Status: status, Times: 1})
			_, err := c.CreateToken(context.Background(), jiraRead())
			var ou *OutcomeUnknownError
			if !errors.As(err, &ou) || ou.Orphan == nil || len(srv.Tokens("project:100")) != 1 ||
				strings.Contains(err.Error(), "refused") || !strings.Contains(err.Error(), "which GitLab's API never sends") {
				t.Fatalf("%d after the commit: %v", status, err)
			}
		})
	}
}
