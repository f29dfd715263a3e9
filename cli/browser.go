package cli

import (
	"os/exec"
	"runtime"
	"strings"
)

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
	if err := cmd.Start(); err != nil {
		return false
	}
	go func() { _ = cmd.Wait() }()
	return true
}
