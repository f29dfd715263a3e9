package gitlab

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"gitlab-token-wizard/internal/scrub"
)

// NormalizeHost turns what a user types ("gitlab.example.com", "https://host:8443/gitlab/",
// "http://[::1]:3000") into a base URL without a trailing slash or /api/v4.
// Plain http:// is refused for hosts that are not loopback unless allowHTTP is set:
// the credential would cross the network unencrypted.
func NormalizeHost(raw string, allowHTTP bool) (string, error) {
	s := strings.TrimSpace(raw)
	// Messages show the address without any user name or password in it.
	raw = (*scrub.Scrubber)(nil).String(raw)
	if s == "" {
		return "", fmt.Errorf("no GitLab host given: use gitlab.com or your instance's address, like https://gitlab.example.com")
	}
	if strings.ContainsAny(s, " \t\r\n") {
		return "", fmt.Errorf("host %q contains spaces: type the address alone, like https://gitlab.example.com", raw)
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Hostname() == "" {
		return "", fmt.Errorf("%q is not a valid address: use the form https://gitlab.example.com", raw)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return "", fmt.Errorf("%q: only https:// (or http:// on this machine) is supported", raw)
	}
	if u.User != nil {
		return "", fmt.Errorf("the address of %s contains a user name or password: remove it (it is not shown here), the credential goes in GITLAB_TOKEN", u.Host)
	}
	if u.Scheme == "http" && !allowHTTP && !IsLoopback(u.Hostname()) {
		return "", fmt.Errorf("refusing plain http:// for %s: the credential would travel unencrypted; use https:// or pass --allow-http", u.Host)
	}
	path := strings.TrimRight(u.Path, "/")
	path = strings.TrimSuffix(path, "/api/v4")
	path = strings.TrimRight(path, "/")
	return u.Scheme + "://" + strings.ToLower(u.Host) + path, nil
}

// IsLoopback reports whether host names this machine.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// HostName returns the host part of a normalized base URL, for messages.
func HostName(base string) string {
	if u, err := url.Parse(base); err == nil && u.Host != "" {
		return u.Host
	}
	return base
}
