package cli

import (
	"encoding/pem"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gitlab-token-wizard/gitlab/fake"
)

// Each row of issue 5's fault table, through the create command against the
// stand-in. Every row also asserts the number of create requests and of
// tokens on the server: never two, never an unknown one.
func TestCreateUnderFaults(t *testing.T) {
	tests := []struct {
		name    string
		fault   *fake.Fault
		latency time.Duration
		args    []string
		code    int
		posts   int
		tokens  int
		want    []string
	}{
		{"2s latency on every call", nil, 2 * time.Second, nil, ExitOK, 1, 1,
			[]string{"Creating the token…", "PASS  reads the latest commit"}},
		{"client timeout on create", &fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultCommitThenHang}, 0,
			[]string{"--timeout", "1s"}, ExitUnknown, 1, 1, []string{"did not answer in time", "GitLab did create token", "revoke it"}},
		{"5xx before anything was created", &fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultStatus, Status: 503}, 0,
			nil, ExitUnknown, 1, 0, []string{"503", "no new token has appeared", "GitLab may still finish the request"}},
		{"created, then 502", &fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultCommitThenStatus, Status: 502}, 0,
			nil, ExitUnknown, 1, 1, []string{"502", "GitLab did create token"}},
		{"429 on create", &fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultRateLimit, RetryAfter: 1, Times: 1}, 0,
			nil, ExitOK, 2, 1, []string{"PASS  token accepted"}},
		{"429 for too long", &fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultRateLimit, RetryAfter: 3600}, 0,
			nil, ExitRefused, 1, 0, []string{"rate limiting", "wait 1h0m0s"}},
		{"reset mid-response", &fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultCommitThenReset}, 0,
			nil, ExitUnknown, 1, 1, []string{"GitLab did create token"}},
		{"reset before anything", &fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultReset}, 0,
			nil, ExitUnknown, 1, 0, []string{"no new token has appeared", "check again with `list` before trying again"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, url := server(t)
			if tt.fault != nil {
				srv.AddFault(*tt.fault)
			}
			srv.SetLatency(tt.latency)
			r := execute(t, url, fake.MaintainerToken, "", append([]string{"create", "-R", "acme/web"}, tt.args...)...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d:\n%s", r.code, tt.code, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if n := srv.CountRequests("POST", "/access_tokens"); n != tt.posts {
				t.Fatalf("POSTs = %d, want %d", n, tt.posts)
			}
			if n := len(srv.Tokens("project:100")); n != tt.tokens {
				t.Fatalf("tokens = %d, want %d", n, tt.tokens)
			}
			if tt.code == ExitUnknown {
				assertNoFalseAllClear(t, r.stderr)
			}
			if tt.code != ExitOK && r.stdout != "" {
				t.Fatalf("stdout on failure: %q", r.stdout)
			}
			// No request is sent twice, except the create after a 429 and the
			// name search that the orphan check repeats.
			seen := map[string]int{}
			for _, q := range srv.Requests() {
				seen[q.Method+" "+q.Path+"?"+q.Query.Encode()+" "+q.Auth]++
			}
			for k, n := range seen {
				if n > 1 && !strings.HasPrefix(k, "POST ") && !strings.Contains(k, "access_tokens?") {
					t.Errorf("%s sent %d times", k, n)
				}
			}
		})
	}
}

func TestCreateNetworkFailuresNameTheHost(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := ln.Addr().String()
	ln.Close()
	r := execute(t, "http://"+dead, fake.MaintainerToken, "", "create", "-R", "acme/web")
	if r.code != ExitFailure || !strings.Contains(r.stderr, "nothing answered at "+dead) {
		t.Fatalf("refused: %d\n%s", r.code, r.stderr)
	}
	r = execute(t, "https://gitlab.nonexistent.invalid", fake.MaintainerToken, "", "create", "-R", "acme/web", "--timeout", "5s")
	if r.code != ExitFailure || !strings.Contains(r.stderr, "gitlab.nonexistent.invalid") {
		t.Fatalf("DNS: %d\n%s", r.code, r.stderr)
	}
}

func TestCreateTLS(t *testing.T) {
	srv, _ := fake.New("demo")
	ts := httptest.NewUnstartedServer(srv)
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are expected
	ts.StartTLS()
	t.Cleanup(ts.Close)
	r := execute(t, ts.URL, fake.MaintainerToken, "", "create", "-R", "acme/web")
	if r.code != ExitFailure || !strings.Contains(r.stderr, "--ca-file") || !strings.Contains(r.stderr, "TLS is never skipped") {
		t.Fatalf("self-signed: %d\n%s", r.code, r.stderr)
	}
	if len(srv.Requests()) != 0 {
		t.Fatalf("a request reached the server over an unverified connection: %+v", srv.Requests())
	}
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	r = execute(t, ts.URL, fake.MaintainerToken, "", "create", "-R", "acme/web", "--ca-file", ca)
	if r.code != ExitOK || len(srv.Tokens("project:100")) != 1 {
		t.Fatalf("with --ca-file: %d\n%s", r.code, r.stderr)
	}
}

func TestPlainHTTPNeedsAllowHTTP(t *testing.T) {
	r := execute(t, "http://gitlab.example.com", fake.MaintainerToken, "", "create", "-R", "acme/web")
	if r.code != ExitInvalid || !strings.Contains(r.stderr, "--allow-http") {
		t.Fatalf("plain http: %d\n%s", r.code, r.stderr)
	}
}

// proxy is a forward HTTP proxy in front of the stand-in that records the
// hosts it was asked for.
func proxy(t *testing.T, srv *fake.Server) (string, func() []string) {
	var mu sync.Mutex
	var hosts []string
	p := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hosts = append(hosts, r.URL.Host)
		mu.Unlock()
		r2 := r.Clone(r.Context())
		r2.RequestURI, r2.URL.Scheme, r2.URL.Host = "", "", ""
		srv.ServeHTTP(w, r2)
	}))
	t.Cleanup(p.Close)
	return p.URL, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), hosts...) }
}

func TestProxyEnvironmentIsRespected(t *testing.T) {
	srv, _ := fake.New("demo")
	purl, hosts := proxy(t, srv)
	vars := map[string]string{"GITLAB_TOKEN": fake.MaintainerToken, "GITLAB_HOST": "http://gitlab.proxied.test", "HTTP_PROXY": purl}
	r := executeEnv(t, vars, "", "create", "-R", "acme/web", "--allow-http")
	if r.code != ExitOK || len(srv.Tokens("project:100")) != 1 {
		t.Fatalf("through the proxy: %d\n%s", r.code, r.stderr)
	}
	if h := hosts(); len(h) == 0 || h[0] != "gitlab.proxied.test" {
		t.Fatalf("the proxy saw %v", h)
	}
	before := len(hosts())
	vars["NO_PROXY"] = "proxied.test"
	r = executeEnv(t, vars, "", "create", "-R", "acme/web", "--allow-http", "--timeout", "5s")
	if r.code != ExitFailure || !strings.Contains(r.stderr, "gitlab.proxied.test") || len(hosts()) != before {
		t.Fatalf("NO_PROXY ignored: %d, proxy saw %d more\n%s", r.code, len(hosts())-before, r.stderr)
	}
}

func TestOrphanRevokedWithThePrintedCommand(t *testing.T) {
	srv, url := server(t)
	srv.AddFault(fake.Fault{Method: "POST", PathSuffix: "/access_tokens", Kind: fake.FaultCommitThenStatus, Status: 502, Times: 1})
	r := execute(t, url, fake.MaintainerToken, "", "create", "-R", "acme/web")
	i := strings.Index(r.stderr, "To revoke the orphaned token: ")
	if r.code != ExitUnknown || i < 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	line := strings.SplitN(r.stderr[i+len("To revoke the orphaned token: "):], "\n", 2)[0]
	args := strings.Fields(line)
	if len(args) < 4 || args[0] != "gitlab-token-wizard" {
		t.Fatalf("command %q", line)
	}
	r = execute(t, url, fake.MaintainerToken, "", args[1:]...)
	if r.code != ExitOK || !strings.Contains(r.stderr, "Revoked project access token") {
		t.Fatalf("running %q: %d\n%s", line, r.code, r.stderr)
	}
	if ts := srv.Tokens("project:100"); len(ts) != 1 || !ts[0].Revoked {
		t.Fatalf("tokens %+v", ts)
	}
	for _, bad := range [][]string{{"revoke", "x", "-R", "acme/web"}, {"revoke", "7"}, {"revoke", "7", "-R", "a", "-g", "b"}} {
		if r := execute(t, url, fake.MaintainerToken, "", bad...); r.code != ExitInvalid {
			t.Fatalf("%v: %d\n%s", bad, r.code, r.stderr)
		}
	}
	if r := execute(t, url, fake.MaintainerToken, "", "revoke", "-R", "acme/web", "9999"); r.code != ExitRefused {
		t.Fatalf("unknown id: %d\n%s", r.code, r.stderr)
	}
}
