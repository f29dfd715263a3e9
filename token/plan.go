package token

import "fmt"

// CheckPlan says whether a namespace on plan (as GitLab.com reports it in
// GET /namespaces/:id) may have tokens of kind k. An empty plan means unknown
// or self-managed, where every tier has project and group tokens.
func CheckPlan(k Kind, plan string, trial bool) error {
	if k == KindPersonal || plan == "" {
		return nil
	}
	switch {
	case plan == "free":
		return fmt.Errorf("this namespace is on GitLab.com Free, where %s access tokens are not available (they need Premium or Ultimate): use a personal access token instead", k)
	case trial || plan == "premium_trial" || plan == "ultimate_trial" || plan == "ultimate_trial_paid_customer":
		if k == KindGroup {
			return fmt.Errorf("this namespace is on a GitLab.com trial, which allows no group access tokens: use a project token (a trial allows one) or a personal token")
		}
	}
	return nil
}
