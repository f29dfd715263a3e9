package wizard

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"gitlab-token-wizard/steps"
	"gitlab-token-wizard/token"
)

// lockedBuffer is the program's output, read after it ends.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A terminal that stops answering reads (closed window, dropped SSH, with
// SIGHUP ignored as under nohup) ends the run as a hangup would, instead of
// leaving it alive and deaf; and the window title the user had is pushed
// before the run and popped after it, not cleared.
func TestALostTerminalEndsTheRunAndTheTitleIsRestored(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	out := &lockedBuffer{}
	done := make(chan error, 1)
	go func() {
		_, err := Run(context.Background(), Options{API: &stub{}, Request: token.Request{Preset: "jira-read"},
			Clock: steps.InstantClock(func() time.Time { return goldenNow }), NoColor: true}, r, out)
		done <- err
	}()
	w.Close() // the terminal goes away
	select {
	case err := <-done:
		if !errors.Is(err, ErrTerminalLost) {
			t.Fatalf("Run returned %v, want ErrTerminalLost", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the wizard lives on after its terminal is gone")
	}
	s := out.String()
	if !strings.HasPrefix(s, pushTitle) || !strings.HasSuffix(s, popTitle) {
		t.Fatalf("the title is not pushed first and popped last: %q … %q", s[:min(len(s), 20)], s[max(len(s)-20, 0):])
	}
}
