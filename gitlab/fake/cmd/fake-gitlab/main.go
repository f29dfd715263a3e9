// Command fake-gitlab serves the GitLab stand-in on a local address, so that
// people and end-to-end tests can point gitlab-token-wizard at it:
//
//	go run ./gitlab/fake/cmd/fake-gitlab -addr 127.0.0.1:0 -seed demo
//
// It prints the URL and the demo credentials, then serves until interrupted.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"gitlab-token-wizard/gitlab/fake"
)

type faultList []string

func (f *faultList) String() string     { return strings.Join(*f, ",") }
func (f *faultList) Set(v string) error { *f = append(*f, v); return nil }

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on (loopback only is wise)")
	seed := flag.String("seed", "demo", "seed data: "+strings.Join(fake.Seeds, ", "))
	latency := flag.Duration("latency", 0, "delay every response by this much")
	urlFile := flag.String("url-file", "", "also write the URL to this file (for scripts)")
	browserUser := flag.Int("browser-user", 0, "sign browsers without a session in as this user id (2 is alice), so the web form links work")
	nulls := flag.Bool("null-elements", false, "put null elements into every JSON list answer (a broken proxy or hostile server)")
	inventory := flag.Bool("inventory", false, "answer GET /groups/:id/manage/resource_access_tokens, as GitLab.com 18.7+ does (404 otherwise)")
	rateLimit := flag.Int("rate-limit", 0, "each caller may send this many API requests per -rate-period (0: no limit)")
	ratePeriod := flag.Duration("rate-period", time.Minute, "the period of -rate-limit")
	active := flag.Int("project-tokens", 0, "add this many active tokens to acme/web (benchmarks of list)")
	revoked := flag.Int("revoked-tokens", 0, "add this many revoked tokens to acme/web")
	accounts := flag.Bool("service-accounts", false, "add --demo's group 'integrations' (Premium, alice its Owner), for the service-account path")
	version := flag.String("version", "", "the GitLab version /version reports (default: the stand-in's own)")
	community := flag.Bool("community", false, "be GitLab's Community Edition: /version says enterprise false, and before 18.11 there are no service accounts")
	var faults faultList
	flag.Var(&faults, "fault", "inject a fault, METHOD:PATHSUFFIX:KIND[:N[:TIMES]][;KEY=VALUE...], e.g. GET:/user:redirect:302;location=URL (repeatable)")
	flag.Parse()

	srv, err := fake.New(*seed)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fake-gitlab:", err)
		os.Exit(2)
	}
	srv.SetLatency(*latency)
	if *version != "" {
		srv.SetVersion(*version)
	}
	srv.SetCommunity(*community)
	srv.SetBrowserUser(*browserUser)
	srv.SetNullElements(*nulls)
	exp := time.Now().UTC().AddDate(0, 0, 200).Format("2006-01-02")
	for i := 0; i < *active+*revoked; i++ {
		srv.AddResourceToken("project:100", fake.Token{Name: fmt.Sprintf("bench %d", i), ExpiresAt: exp, Scopes: []string{"read_api"},
			AccessLevel: 20, Revoked: i >= *active})
	}
	if *accounts {
		srv.SeedDemoServiceAccounts()
	}
	srv.SetManageEndpoint(*inventory)
	srv.SetRateLimit(*rateLimit, *ratePeriod)
	for _, s := range faults {
		f, err := fake.ParseFault(s)
		if err != nil {
			fmt.Fprintln(os.Stderr, "fake-gitlab:", err)
			os.Exit(2)
		}
		srv.AddFault(f)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fake-gitlab:", err)
		os.Exit(1)
	}
	url := "http://" + ln.Addr().String()
	if *urlFile != "" {
		if err := os.WriteFile(*urlFile, []byte(url+"\n"), 0o600); err != nil {
			fmt.Fprintln(os.Stderr, "fake-gitlab:", err)
			os.Exit(1)
		}
	}
	fmt.Printf("fake GitLab at %s (seed %s)\n", url, *seed)
	if *seed != "empty" {
		fmt.Printf("  maintainer (alice): GITLAB_TOKEN=%s\n  owner (olivia):     GITLAB_TOKEN=%s\n  admin (root):       GITLAB_TOKEN=%s\n",
			fake.MaintainerToken, fake.OwnerToken, fake.AdminToken)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		<-sig
		_ = hs.Close()
	}()
	if err := hs.Serve(ln); err != nil && err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, "fake-gitlab:", err)
		os.Exit(1)
	}
}
