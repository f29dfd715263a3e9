package wizard

// Saving the token: the path asked with a default outside any git work tree,
// a path inside one written only when confirmed, never an overwrite.

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gitlab-token-wizard/internal/secretfile"
	"gitlab-token-wizard/steps"
	"gitlab-token-wizard/token"
)

// saveRequest asks the root to write the token to path. inTree confirms a
// path inside a git work tree.
type saveRequest struct {
	path   string
	inTree bool
}

// suggestedMsg is the default path for the save prompt.
type suggestedMsg struct{ path string }

// WorkTree returns the top of the git work tree that holds dir, or "" when
// there is none. A token file there is one `git add .` away from being
// committed and pushed.
func WorkTree(dir string) string {
	d, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		// .git is a folder in a clone and a file in a linked work tree.
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}

// SuggestSavePath proposes a new file for token id: in the first of dirs
// that is outside any git work tree (else the last), named
// gitlab-token-ID.txt, or -1, -2… when that exists.
func SuggestSavePath(id int64, dirs ...string) string {
	dir := dirs[len(dirs)-1]
	for _, d := range dirs {
		if d != "" && WorkTree(d) == "" {
			dir = d
			break
		}
	}
	dir, _ = filepath.Abs(dir)
	for i := 0; ; i++ {
		name := fmt.Sprintf("gitlab-token-%d.txt", id)
		if i > 0 {
			name = fmt.Sprintf("gitlab-token-%d-%d.txt", id, i)
		}
		if p := filepath.Join(dir, name); secretfile.Free(p) == nil || i >= 100 {
			return p
		}
	}
}

// ExpandPath makes a typed path absolute: ~ is the home folder.
func ExpandPath(p string) (string, error) {
	p = strings.TrimSpace(p)
	if p == "~" || strings.HasPrefix(p, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("no home folder to expand ~ in %s: %w", p, err)
		}
		p = filepath.Join(home, p[1:])
	}
	if p == "" {
		return "", errors.New("type where to save the token")
	}
	return filepath.Abs(p)
}

// suggestCmd finds the default path, off the Update loop: it reads the disk.
func (m *Model) suggestCmd(id int64) tea.Cmd {
	dirs := []string{m.opts.SaveDir}
	if m.opts.SaveDir == "" {
		cwd, _ := os.Getwd()
		home, _ := os.UserHomeDir()
		dirs = []string{cwd, home}
	}
	return func() tea.Msg { return suggestedMsg{path: SuggestSavePath(id, dirs...)} }
}

// saveTo writes the token, unless the path is inside a git work tree that
// was not confirmed: then it answers with the tree, writing nothing.
func saveTo(r saveRequest, v token.Secret) tea.Cmd {
	return func() tea.Msg {
		path, err := ExpandPath(r.path)
		if err != nil {
			return savedMsg{path: r.path, err: err}
		}
		if tree := WorkTree(filepath.Dir(path)); tree != "" && !r.inTree {
			return savedMsg{path: path, tree: tree}
		}
		return savedMsg{path: path, err: secretfile.Write(path, v)}
	}
}

// SaveKeyMap holds the save prompt's keys.
type SaveKeyMap struct{ Save, Cancel key.Binding }

// DefaultSaveKeyMap returns the save prompt's keys.
func DefaultSaveKeyMap() SaveKeyMap {
	return SaveKeyMap{
		Save:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "save")),
		Cancel: key.NewBinding(key.WithKeys("esc", "ctrl+c"), key.WithHelp("esc", "cancel")),
	}
}

// savePrompt asks where to save the token. Its input has the guard of
// every other field: a paste is bounded, an invisible character left out.
type savePrompt struct {
	c     *steps.Common
	input *steps.Field
	keys  SaveKeyMap
	err   string
	// quiet drops the keys that come with the one that opened the prompt
	// (a held s must not type "ssss" after the path).
	quiet *steps.QuietGuard
}

func newSavePrompt(c *steps.Common, path string) *savePrompt {
	in := steps.NewField(c.Styles, "File: ", "", steps.PathLimit, path)
	in.SetWidth(max(c.Width-8, 20))
	return &savePrompt{c: c, input: in, keys: DefaultSaveKeyMap(), quiet: steps.NewQuietGuard(c, steps.Screen)}
}

func (p *savePrompt) Title() string   { return "Save the token to a new file" }
func (p *savePrompt) Notice() notice  { return notice{} }
func (p *savePrompt) TakesText() bool { return true }

func (p *savePrompt) Update(msg tea.Msg) (screen, tea.Cmd) {
	if p.quiet.Settle(msg) {
		return p, nil
	}
	if k, ok := msg.(tea.KeyPressMsg); ok {
		if !key.Matches(k, p.keys.Cancel) {
			if held, cmd := p.quiet.Hold(k); held {
				return p, cmd // came with the key that opened the prompt: not typed
			}
		}
		switch {
		case key.Matches(k, p.keys.Save):
			// Sent once: the answer replaces this prompt.
			p.keys.Save.SetEnabled(false)
			return p, send(saveRequest{path: p.input.Value()})
		case key.Matches(k, p.keys.Cancel):
			return p, send(closeMsg{})
		}
	}
	return p, p.input.Update(msg)
}

func (p *savePrompt) View() string {
	st := &p.c.Styles
	out := steps.Wrap("The file is new (never an existing one overwritten) and readable only by you (mode 0600). "+
		"Keep it out of git work trees: a file there is easily committed.", p.c.Width) + "\n\n" + p.input.View()
	if n := p.input.Note(); n != "" {
		out += "\n" + st.Warn.Render(steps.Wrap(n, p.c.Width))
	}
	if p.err != "" {
		out += "\n\n" + st.Error.Render(steps.Wrap(p.err, p.c.Width))
	}
	return out
}

func (p *savePrompt) ShortHelp() []key.Binding {
	save := p.keys.Save
	if !p.quiet.Ready() {
		save.SetHelp(save.Help().Key, steps.LookFirst+" "+save.Help().Key) // keys now are not typed
	}
	return []key.Binding{save, p.keys.Cancel}
}
func (p *savePrompt) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }
