package gitlab

import (
	"context"
	"fmt"
	"sync"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"gitlab-token-wizard/token"
)

// GetPersonalToken reads one personal access token by id (never its value).
// GitLab answers 401 to a non-administrator for another user's token or an
// unknown id, and 404 to an administrator for an unknown id.
func (c *Client) GetPersonalToken(ctx context.Context, id int64) (TokenInfo, error) {
	t, _, err := c.gl.PersonalAccessTokens.GetSinglePersonalAccessTokenByID(id, gl.WithContext(ctx))
	if err == nil && t == nil {
		err = errNullAnswer
	}
	if err != nil {
		return TokenInfo{}, c.classify(err, fmt.Sprintf("read token %d", id))
	}
	return fromPAT(t, 0), nil
}

// GatherToken reads, in one round, what a rotation or a revoke is decided
// on: the caller and their rights on r's target (Gather; for a personal
// token, its owner) and the token itself. A failure to read the token is
// returned as tokenErr, so that a caller without rights is told so rather
// than that the token cannot be read.
func (c *Client) GatherToken(ctx context.Context, r token.Request, id int64) (g Gathered, t TokenInfo, tokenErr, err error) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); t, tokenErr = c.GetToken(ctx, r, id) }()
	g, err = c.Gather(ctx, token.Request{Kind: r.Kind, Target: r.Target})
	wg.Wait()
	return g, t, tokenErr, err
}
