package steps

import "gitlab-token-wizard/token"

// NewKind offers the token kinds. A personal token is made by the API only
// for an administrator; everyone else is guided through GitLab's web form.
func NewKind(st *Styles, isAdmin bool) *Choice {
	c := &Choice{id: Kind, title: "Which kind of token?", keys: DefaultNavKeyMap(), styles: st}
	for _, k := range token.Kinds {
		o := Option{Label: string(k), Detail: k.Describe(), Value: k}
		if k == token.KindPersonal {
			if isAdmin {
				o.Detail += "; as an administrator you can make one for any user"
			} else {
				o.Detail += "; made in GitLab's web form, which the wizard prefills and then checks"
			}
		}
		c.options = append(c.options, o)
	}
	c.apply = func(r *token.Request, v any) { r.Kind = v.(token.Kind) }
	return c
}
