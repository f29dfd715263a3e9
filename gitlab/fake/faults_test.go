package fake

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"
)

// huge-body and gzip-bomb without N send DefaultFaultSize (decoded), not an
// empty body.
func TestSizeFaultsDefault(t *testing.T) {
	for _, spec := range []string{"GET:/user:huge-body", "GET:/user:gzip-bomb"} {
		t.Run(spec, func(t *testing.T) {
			s, ts := newTestServer(t, "demo")
			f, err := ParseFault(spec)
			if err != nil {
				t.Fatal(err)
			}
			s.AddFault(f)
			req, _ := http.NewRequest("GET", ts.URL+"/api/v4/user", nil)
			req.Header.Set("PRIVATE-TOKEN", MaintainerToken)
			resp, err := http.DefaultClient.Do(req) // decompresses gzip itself
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			n, err := io.Copy(io.Discard, resp.Body)
			if err != nil || n != DefaultFaultSize {
				t.Fatalf("%s sent %d bytes (%v), want %d", spec, n, err, DefaultFaultSize)
			}
		})
	}
}

// A fault's Times are used only by requests it acts on: not by one the rate
// limiter refused, nor by one whose client gave up during the latency.
func TestFaultTakenOnlyWhenItActs(t *testing.T) {
	s, ts := newTestServer(t, "demo")
	s.SetRateLimit(1, time.Hour)
	s.AddFault(Fault{Method: "GET", PathSuffix: "/user", Kind: FaultStatus, Status: 502, Times: 1})
	if status, _, _ := do(t, ts, "GET", "/api/v4/version", OwnerToken, ""); status != 200 {
		t.Fatalf("first request = %d", status)
	}
	if status, _, _ := do(t, ts, "GET", "/api/v4/user", OwnerToken, ""); status != 429 {
		t.Fatalf("over the limit = %d, want 429", status)
	}
	if status, _, _ := do(t, ts, "GET", "/api/v4/user", MaintainerToken, ""); status != 502 {
		t.Fatalf("after a 429 the fault = %d, want 502 (unused)", status)
	}

	s, ts = newTestServer(t, "demo")
	s.AddFault(Fault{Method: "GET", PathSuffix: "/user", Kind: FaultStatus, Status: 502, Times: 1})
	s.SetLatency(5 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/api/v4/user", nil)
	req.Header.Set("PRIVATE-TOKEN", MaintainerToken)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("the client did not give up")
	}
	s.SetLatency(0)
	if status, _, _ := do(t, ts, "GET", "/api/v4/user", MaintainerToken, ""); status != 502 {
		t.Fatalf("after a request given up the fault = %d, want 502 (unused)", status)
	}
}
