package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"gitlab-token-wizard/gitlab"
	"gitlab-token-wizard/internal/safe"
	"gitlab-token-wizard/token"
)

// glabLogin is a credential found in glab's configuration.
type glabLogin struct {
	host  string
	cred  token.Secret
	oauth bool
	path  string
}

// glabConfigPath is where glab keeps config.yml: $GLAB_CONFIG_DIR, else
// $XDG_CONFIG_HOME/glab-cli, else ~/.config/glab-cli.
func glabConfigPath(env Env) string {
	if d := env.Getenv("GLAB_CONFIG_DIR"); d != "" {
		return filepath.Join(d, "config.yml")
	}
	if d := env.Getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "glab-cli", "config.yml")
	}
	if h := env.Getenv("HOME"); h != "" {
		return filepath.Join(h, ".config", "glab-cli", "config.yml")
	}
	return ""
}

// glabCredential reuses an existing glab login for host ("" means glab's
// default host, else gitlab.com). Like glab, it reads the file only when no
// one but its owner can read it (mode 0600); otherwise it says why it skipped
// it. It returns nil when there is no usable login.
func glabCredential(env Env, host string) (*glabLogin, string) {
	path := glabConfigPath(env)
	if path == "" {
		return nil, ""
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, ""
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Sprintf("not using glab's login: %s has mode %04o, readable by others; glab and this tool need 0600 (chmod 600 %s)", path, fi.Mode().Perm(), path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Sprintf("not using glab's login: %v", err)
	}
	login, why := parseGlabConfig(data, host)
	if login != nil {
		login.path = path
	}
	if why != "" {
		why = strings.ReplaceAll(why, "CONFIG", path)
	}
	return login, why
}

// parseGlabConfig finds host's login in the text of glab's config.yml ("":
// glab's default host, else gitlab.com). Messages name the file as CONFIG.
func parseGlabConfig(data []byte, host string) (*glabLogin, string) {
	var cfg struct {
		Host  string                    `yaml:"host"`
		Hosts map[string]map[string]any `yaml:"hosts"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		return nil, fmt.Sprintf("not using glab's login: CONFIG is not valid YAML (%s)", safe.Line(firstLine(err.Error()), 200))
	}
	if host == "" {
		host = cfg.Host
	}
	if host == "" {
		host = "gitlab.com"
	}
	want := gitlab.HostName(host)
	for name, h := range cfg.Hosts {
		api := str(h["api_host"])
		if !strings.EqualFold(name, want) && !strings.EqualFold(api, want) {
			continue
		}
		v := strings.TrimSpace(str(h["token"]))
		if v == "" {
			return nil, fmt.Sprintf("glab is logged in to %s but keeps its token elsewhere (the system keyring): set GITLAB_TOKEN instead", safe.Line(name, 100))
		}
		proto := str(h["api_protocol"])
		if proto != "http" {
			proto = "https"
		}
		if api == "" {
			api = name
		}
		return &glabLogin{host: proto + "://" + api, cred: token.Secret(v), oauth: str(h["is_oauth2"]) == "true"}, ""
	}
	return nil, ""
}

func str(v any) string {
	if v == nil {
		return ""
	}
	return strings.TrimSpace(fmt.Sprint(v))
}

func firstLine(s string) string { return strings.SplitN(s, "\n", 2)[0] }
