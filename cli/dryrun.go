package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"gitlab-token-wizard/token"
)

// printDryRun shows the request a create would send, after every check
// passed: as curl on stdout, or with -F json as one object a script can
// send itself or attach to a ticket. The credential is never in it:
// $GITLAB_TOKEN stands for it.
func (o *createOpts) printDryRun(env Env, req token.Request, s *session, warnings []string, writes ...token.Write) error {
	host := s.host
	if o.output != "json" && len(writes) > 0 {
		fmt.Fprintf(env.Err, "Dry run: nothing was created. The %d requests, in order, as curl:\n", len(writes))
		for _, w := range writes {
			fmt.Fprintln(env.Out, "# "+w.Note+"\n"+w.CurlText(host))
		}
		return nil
	}
	if o.output != "json" {
		fmt.Fprintln(env.Err, "Dry run: nothing was created. The request, as curl:")
		fmt.Fprintln(env.Out, req.Curl(host))
		return nil
	}
	fmt.Fprintln(env.Err, "Dry run: nothing was created. The request is on stdout, as JSON.")
	if p, err := token.FindPreset(req.Preset); err == nil {
		warnings = append(warnings, p.Advice(req)...)
	}
	obj := map[string]any{
		"dry_run": true,
		"method":  http.MethodPost,
		"url":     strings.TrimRight(host, "/") + "/api/v4" + req.CreatePath(),
		"headers": map[string]string{"PRIVATE-TOKEN": "$GITLAB_TOKEN", "Content-Type": "application/json"},
		"body":    req.CreateBody(),
		"curl":    req.Curl(host),
		"command": req.CommandLine(s.cmdHost()),
		// A list, never null: scripts iterate over it.
		"warnings": nonNilStrings(warnings),
	}
	if len(writes) > 0 {
		// A service account's: account, memberships, token, as requests.
		list := make([]map[string]any, len(writes))
		for i, w := range writes {
			var body any = w.Body
			if json.Valid([]byte(w.Body)) {
				body = json.RawMessage(w.Body)
			}
			list[i] = map[string]any{"what": w.What, "method": http.MethodPost, "url": strings.TrimRight(host, "/") + "/api/v4" + w.Path,
				"body": body, "curl": w.CurlText(host)}
		}
		obj["writes"] = list
	}
	enc := json.NewEncoder(env.Out)
	enc.SetIndent("", "  ")
	return enc.Encode(obj)
}
