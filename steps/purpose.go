package steps

import "gitlab-token-wizard/token"

// NewPurpose offers the presets; the recommended one first.
func NewPurpose(st *Styles, preset string) *Choice {
	c := &Choice{id: Purpose, title: "What is the token for?", keys: DefaultNavKeyMap(), styles: st,
		intro: "The purpose fills in the role and scopes; every later step can still change them."}
	for _, p := range token.Presets {
		c.options = append(c.options, Option{Label: p.Title, Detail: p.Summary, Value: p.ID})
	}
	c.Select(preset)
	c.apply = func(r *token.Request, v any) {
		p, _ := token.FindPreset(v.(string))
		if r.Preset == p.ID {
			return // the same purpose again: the role and scopes chosen since stand
		}
		r.Preset = p.ID
		r.Role, r.Scopes = p.Role, append([]token.Scope(nil), p.Scopes...)
		if r.Name == "" {
			r.Name = p.Name
		}
	}
	return c
}
