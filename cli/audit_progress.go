package cli

import (
	"fmt"
	"sync"
	"time"

	"gitlab-token-wizard/gitlab"
)

// auditProgress draws the audit's progress on stderr: one line redrawn in
// place on a terminal, a line every few seconds with --progress elsewhere,
// nothing otherwise. Rate-limit pauses are said on it as they start.
type auditProgress struct {
	env  Env
	on   bool
	tty  bool
	quit chan struct{}
	wg   sync.WaitGroup

	mu        sync.Mutex
	last      gitlab.AuditProgress
	start     time.Time
	waitUntil time.Time
	waitWhy   string
}

func startProgress(env Env, on bool) *auditProgress {
	p := &auditProgress{env: env, on: on, tty: env.IsTerminal(env.Err), quit: make(chan struct{}), start: env.Now()}
	p.last.ProjectsTotal = -1
	if !on {
		return p
	}
	every := 2 * time.Second
	if p.tty {
		every = 100 * time.Millisecond
	}
	p.draw() // at once: a slow first answer must not look like a hang
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-p.quit:
				return
			case <-t.C:
				p.draw()
			}
		}
	}()
	return p
}

// update keeps the latest counts; the ticker draws them.
func (p *auditProgress) update(a gitlab.AuditProgress) {
	if !p.on {
		return
	}
	p.mu.Lock()
	p.last = a
	p.mu.Unlock()
}

// wait says a rate-limit pause aloud as it starts.
func (p *auditProgress) wait(d time.Duration, why string) {
	if !p.on {
		return
	}
	p.mu.Lock()
	p.waitUntil, p.waitWhy = p.env.Now().Add(d), why
	p.mu.Unlock()
	p.draw()
}

func (p *auditProgress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	line := p.lineLocked()
	if p.tty {
		// \r and erase-line redraw in place; the line is ours, not the server's.
		fmt.Fprint(p.env.Err, "\r\x1b[2K"+line)
	} else {
		fmt.Fprintln(p.env.Err, line)
	}
}

func (p *auditProgress) lineLocked() string {
	now := p.env.Now()
	a := p.last
	projects := fmt.Sprintf("%d projects", a.Projects)
	if a.ProjectsTotal >= 0 {
		projects = fmt.Sprintf("%d/%d projects", a.Projects, a.ProjectsTotal)
	}
	s := fmt.Sprintf("audit: %s · %d groups · %d tokens · %d requests · %s", projects, a.Groups, a.Tokens, a.Requests,
		now.Sub(p.start).Round(time.Second))
	if left := p.waitUntil.Sub(now); left > 0 {
		s += fmt.Sprintf(" · waiting %s: %s", left.Round(time.Second), p.waitWhy)
	}
	return s
}

// stop ends the drawing: it clears a terminal's line, so the results start
// clean, and elsewhere writes the final count.
func (p *auditProgress) stop() {
	if !p.on {
		return
	}
	close(p.quit)
	p.wg.Wait()
	if p.tty {
		fmt.Fprint(p.env.Err, "\r\x1b[2K")
		return
	}
	p.draw() // the final count, for the log

}
