package steps

import (
	"strings"

	"gitlab-token-wizard/token"

	tea "charm.land/bubbletea/v2"
)

// searchInput is the search field of a step that searches GitLab (the
// search and places steps): typing that pauses for the debounce asks for a
// new query, numbered so that only the latest answer is shown.
type searchInput struct {
	input Input
	// id and mode address the queries: the step that asks, and what it looks for.
	id   ID
	mode Mode
	// seq numbers the queries: an answer is shown only if it answers the latest.
	seq     int
	loading bool
	err     string
	// editing is set by an edit of the query, until the cursor moves: the
	// search line is then the one to keep on screen, not a row the user
	// scrolled to before typing.
	editing bool
}

func newSearchInput(c *Common, id ID, mode Mode, placeholder, value string) searchInput {
	return searchInput{input: NewInput(c.Styles, "Search: ", placeholder, SearchLimit, value), id: id, mode: mode}
}

// init focuses the input and searches when there is no answer to show: the
// first time, after an error, or when an answer was lost (a request still
// unanswered on return is sent again, with a new number; the root cancels
// the old one). Coming back to results keeps them instead of asking again.
func (f *searchInput) init(c *Common) tea.Cmd {
	if f.seq > 0 && !f.loading && f.err == "" {
		return f.input.Focus()
	}
	f.seq = c.nextSeq()
	return tea.Batch(f.input.Focus(), f.query())
}

// query asks the root for the answer to query number seq.
func (f *searchInput) query() tea.Cmd {
	f.loading = true
	return send(SearchRequestMsg{From: Address{Step: f.id, Seq: f.seq}, Mode: f.mode, Query: strings.TrimSpace(f.input.Value())})
}

// Resize fits the search line to a window width columns wide.
func (f *searchInput) Resize(width int) { f.input.Fit(width) }

// drawInput adds the search line, kept on screen while the query is edited.
func (f *searchInput) drawInput(d *doc) {
	d.raw(f.input.View())
	if f.editing {
		d.keep(len(d.lines) - 1)
	}
}

// searching names the search under way: "searching for “web”".
func (f *searchInput) searching() string {
	if q := strings.TrimSpace(f.input.Value()); q != "" {
		return "searching for " + token.Quote(ServerText(q, 60))
	}
	return "searching"
}

// debounced asks for the query once typing has paused; the pause of a query
// typed over since is let go.
func (f *searchInput) debounced(m debounceMsg) tea.Cmd {
	if m.to.Seq != f.seq {
		return nil
	}
	return f.query()
}

// accept reports whether m answers the latest query, which the step then
// shows; the answer to an older one is dropped. Its error may quote
// GitLab: it is kept fit to draw (ServerText).
func (f *searchInput) accept(m ResultsMsg) bool {
	if m.To.Seq != f.seq {
		return false
	}
	f.loading, f.err = false, ""
	if m.Err != nil {
		f.err = ServerText(m.Err.Error(), 0)
	}
	return true
}

// typed gives msg to the field; a change of its text starts a new query
// and the debounce timer.
func (f *searchInput) typed(c *Common, msg tea.Msg) tea.Cmd {
	before := f.input.Value()
	note, cmd := f.input.Type(msg)
	if note != "" {
		f.err = note
	}
	if f.input.Value() != before {
		f.seq, f.loading, f.editing = c.nextSeq(), true, true
		if note == "" {
			f.err = ""
		}
		return tea.Batch(cmd, c.Clock.After(c.debounce(), debounceMsg{to: Address{Step: f.id, Seq: f.seq}}))
	}
	return cmd
}
