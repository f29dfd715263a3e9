package cli

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
)

// childEnv is the environment a child process (the browser) gets: the
// program's own, without the variables that carry a GitLab credential
// (DESIGN invariant 4). A browser has no use for them, and its helpers and
// crash reporters would see them.
func childEnv(environ []string) []string {
	out := make([]string, 0, len(environ))
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if isCredentialVar(name) {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// isCredentialVar reports variables that hold a GitLab credential: the ones
// read for signing in, and any other GITLAB_*TOKEN* or *_PRIVATE_TOKEN.
func isCredentialVar(name string) bool {
	n := strings.ToUpper(name)
	for _, v := range credentialVars {
		if n == v {
			return true
		}
	}
	return strings.HasPrefix(n, "GITLAB_") && strings.Contains(n, "TOKEN") || strings.HasSuffix(n, "PRIVATE_TOKEN")
}

// openBrowser opens url in the user's browser when there is one: $BROWSER,
// else the desktop's opener on a machine with a display. It reports whether
// it started one; callers always print the address as well.
func openBrowser(env Env, url string) bool {
	if !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://") {
		return false
	}
	var name string
	var args []string
	switch {
	case env.Getenv("BROWSER") != "":
		f := strings.Fields(env.Getenv("BROWSER"))
		name, args = f[0], f[1:]
	case runtime.GOOS == "darwin":
		name = "open"
	case runtime.GOOS == "windows":
		name, args = "rundll32", []string{"url.dll,FileProtocolHandler"}
	case env.Getenv("DISPLAY") != "" || env.Getenv("WAYLAND_DISPLAY") != "":
		name = "xdg-open"
	default:
		return false
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return false
	}
	cmd := exec.Command(path, append(args, url)...)
	cmd.Env = childEnv(os.Environ())
	if err := cmd.Start(); err != nil {
		return false
	}
	go func() { _ = cmd.Wait() }()
	return true
}
