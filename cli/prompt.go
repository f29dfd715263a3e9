package cli

// The accessible wizard's prompts: huh's accessible mode, one question per
// line, drawn from the question catalogue in package token, and stopped at
// once by ctrl+c (huh's prompts ignore the context and would keep asking).

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"charm.land/huh/v2"
	"golang.org/x/term"

	"gitlab-token-wizard/steps"
	"gitlab-token-wizard/token"
)

// errInterrupted is a prompt stopped by ctrl+c (SIGINT cancels the context).
var errInterrupted = errors.New("interrupted at a prompt")

// prompter asks one question at a time on in/out. raw is the unwrapped
// input, a terminal when tty is set (hidden input needs its descriptor).
type prompter struct {
	ctx context.Context
	in  *lineReader
	raw io.Reader
	tty bool
	out io.Writer
}

func newPrompter(ctx context.Context, env Env) prompter {
	return prompter{ctx: ctx, in: &lineReader{ctx: ctx, src: bufio.NewReader(env.In)}, raw: env.In, tty: env.IsTerminal(env.In), out: env.Err}
}

// lineReader hands out at most one line per Read: huh starts a new scanner
// for every prompt, and a scanner that read ahead would swallow the later
// answers of piped input. A Read waits for its line in a goroutine so that
// ctrl+c ends it at once; only one line is ever being read, so a hidden
// prompt that reads the terminal itself never races a read of ours.
type lineReader struct {
	ctx     context.Context
	src     *bufio.Reader
	pending chan lineResult
	rest    []byte
	// empty is what an empty line stands for in the current prompt.
	empty string
	// ended is set once the input has no more lines: a question asked
	// again would get no answer, ever.
	ended bool
}

type lineResult struct {
	line []byte
	err  error
}

func (l *lineReader) Read(p []byte) (int, error) {
	if len(l.rest) == 0 {
		line, err := l.readLine()
		if errors.Is(err, io.EOF) {
			l.ended = true
		}
		if err != nil && len(line) == 0 {
			return 0, err
		}
		if l.empty != "" && strings.TrimSpace(string(line)) == "" && err == nil {
			line = []byte(l.empty + "\n")
		}
		l.rest = line
	}
	n := copy(p, l.rest)
	l.rest = l.rest[n:]
	return n, nil
}

// readLine returns the next line, or errInterrupted as soon as the context ends.
func (l *lineReader) readLine() ([]byte, error) {
	if l.pending == nil {
		ch := make(chan lineResult, 1)
		go func() {
			line, err := l.src.ReadBytes('\n')
			ch <- lineResult{line, err}
		}()
		l.pending = ch
	}
	select {
	case <-l.ctx.Done():
		return nil, errInterrupted
	case r := <-l.pending:
		l.pending = nil
		return r.line, r.err
	}
}

// run asks one huh field; ctrl+c during it returns errInterrupted.
func (p prompter) run(f huh.Field) error {
	err := huh.NewForm(huh.NewGroup(f)).WithAccessible(true).WithInput(p.in).WithOutput(p.out).
		WithTheme(huh.ThemeFunc(huh.ThemeBase)).Run()
	if p.ctx.Err() != nil {
		return errInterrupted
	}
	return err
}

func (p prompter) say(format string, a ...any) { fmt.Fprintf(p.out, format+"\n", a...) }

// choose asks one of q's options; an empty line keeps *value, named in the title.
func (p prompter) choose(q token.Question, value *string) error {
	title := q.Title
	var opts []huh.Option[string]
	disabled := map[string]string{}
	for i, o := range q.Options {
		label := o.Label
		if o.Meaning != "" {
			label += " — " + o.Meaning
		}
		if o.Disabled != "" {
			label += " (" + o.Disabled + ")"
			disabled[o.Value] = o.Disabled
		}
		opts = append(opts, huh.NewOption(label, o.Value))
		if o.Value == *value {
			title += fmt.Sprintf(" (Enter keeps %d)", i+1)
		}
	}
	// An option listed with the reason it is not available is refused
	// with that reason, and the question asked again — unless the input
	// has ended or ctrl+c came, when no answer ever will (see pick).
	gone := func() bool { return p.in.ended || p.ctx.Err() != nil }
	err := p.run(huh.NewSelect[string]().Title(title).Options(opts...).Value(value).Validate(func(v string) error {
		if why := disabled[v]; why != "" && !gone() {
			return errors.New(why)
		}
		return nil
	}))
	if why := disabled[*value]; err == nil && why != "" {
		return exitf(ExitInvalid, "the input ended at %q with an answer that is not available (%s): nothing was sent", q.Title, why)
	}
	return err
}

// pick asks for any number of q's options: numbers tick and untick, and 0
// or an empty line (as the README promises) keeps what is ticked.
func (p prompter) pick(q token.Question, validate func([]string) error) ([]string, error) {
	var chosen []string
	var opts []huh.Option[string]
	for _, o := range q.Options {
		opts = append(opts, huh.NewOption(o.Label+" — "+o.Meaning, o.Value).Selected(o.Selected))
		if o.Selected {
			chosen = append(chosen, o.Value)
		}
	}
	p.in.empty = "0" // huh's multiple choice calls an empty line invalid
	defer func() { p.in.empty = "" }()
	// huh asks a multiple choice again for as long as its answer is
	// invalid: once the input has ended or ctrl+c came, no answer ever
	// will, so the check lets go and the run stops here (it spun, printing
	// the complaint forever, deaf to every signal).
	gone := func() bool { return p.in.ended || p.ctx.Err() != nil }
	err := p.run(huh.NewMultiSelect[string]().Title(q.Title + " Enter a number to tick or untick it; 0 or an empty line when done.").
		Options(opts...).Value(&chosen).Validate(func(v []string) error {
		if gone() {
			return nil
		}
		return validate(v)
	}))
	if err == nil && gone() {
		if verr := validate(chosen); verr != nil {
			return chosen, exitf(ExitInvalid, "the input ended before %q was answered (%v): nothing was sent", q.Title, verr)
		}
	}
	return chosen, err
}

// text asks for a line; an empty line keeps *value, named in the title.
func (p prompter) text(title string, value *string, validate func(string) error) error {
	def := *value
	if def != "" {
		title += fmt.Sprintf(" (Enter keeps %s)", token.Quote(def))
	}
	return p.run(huh.NewInput().Title(title).Value(value).Validate(func(v string) error {
		if strings.TrimSpace(v) == "" && def != "" {
			return nil // the default, checked when it was made
		}
		if validate == nil {
			return nil
		}
		return validate(v)
	}))
}

func (p prompter) confirm(title string, value *bool) error {
	return p.run(huh.NewConfirm().Title(title).Value(value))
}

// secret reads a line without echo on a terminal, or a plain line from a pipe.
func (p prompter) secret(title string) (token.Secret, error) {
	f, ok := p.raw.(*os.File)
	if !p.tty || !ok {
		fmt.Fprintln(p.out, title)
		line, err := p.in.readLine()
		if err != nil && !errors.Is(err, io.EOF) {
			return "", err
		}
		return token.Secret(strings.TrimSpace(p.bounded(string(line)))), nil
	}
	fd := int(f.Fd())
	saved, err := term.GetState(fd)
	if err != nil {
		return "", err
	}
	fmt.Fprint(p.out, title+" ")
	ch := make(chan lineResult, 1)
	go func() { v, err := term.ReadPassword(fd); ch <- lineResult{v, err} }()
	select {
	case <-p.ctx.Done():
		// ReadPassword turned echo off and is still waiting: put the
		// terminal back before leaving.
		_ = term.Restore(fd, saved)
		fmt.Fprintln(p.out)
		return "", errInterrupted
	case r := <-ch:
		fmt.Fprintln(p.out)
		return token.Secret(strings.TrimSpace(p.bounded(string(r.line)))), r.err
	}
}

// bounded cuts a pasted secret to steps.MaxSecretLen characters, saying so:
// a token is about 50 characters, so more is a paste of something else.
func (p prompter) bounded(s string) string {
	if n := utf8.RuneCountInString(s); n > steps.MaxSecretLen {
		p.say("The paste was cut to %d characters (it had %d; a GitLab token is about 50): check what you copied.", steps.MaxSecretLen, n)
		return string([]rune(s)[:steps.MaxSecretLen])
	}
	return s
}
