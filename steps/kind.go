package steps

import "gitlab-token-wizard/token"

// NewKind offers the token kinds. Group and personal tokens are shown as coming.
func NewKind(st *Styles) *Choice {
	c := &Choice{id: Kind, title: "Which kind of token?", keys: DefaultNavKeyMap(), styles: st}
	for _, k := range token.Kinds {
		o := Option{Label: string(k), Detail: k.Describe(), Value: k}
		if k != token.KindProject {
			o.Disabled = string(k) + " tokens are coming in a later version; use a project token, or GitLab's web form"
		}
		c.options = append(c.options, o)
	}
	c.apply = func(r *token.Request, v any) { r.Kind = v.(token.Kind) }
	return c
}
