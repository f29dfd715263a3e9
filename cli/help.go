package cli

// The conventions every command shares, as gh and glab keep them: help,
// --version and completion on stdout; exit codes and environment variables
// in --help; a suggestion for a mistyped flag.

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// setConventions applies the shared conventions to the root command; its
// subcommands inherit them.
func setConventions(root *cobra.Command, env Env) {
	// Help, --version and completion scripts are output the user asked
	// for: stdout, so that `source <(gitlab-token-wizard completion bash)`
	// and `--help | less` work. Errors go to stderr (Execute prints them).
	root.SetOut(env.Out)
	root.SetErr(env.Err)
	root.Version = versionText(debug.ReadBuildInfo())
	root.SuggestionsMinimumDistance = 2
	// cobra's own usage, then the footer. No template is set anywhere:
	// text/template's reflection keeps every exported method in the
	// binary (9 MB of it), and cobra writes its defaults without one.
	usage, footer := root.UsageFunc(), usageFooter()
	root.SetUsageFunc(func(c *cobra.Command) error {
		if err := usage(c); err != nil {
			return err
		}
		_, err := fmt.Fprint(c.OutOrStderr(), footer)
		return err
	})
	root.SetFlagErrorFunc(flagError)
	root.AddCommand(
		&cobra.Command{Use: "environment", Short: "The environment variables gitlab-token-wizard reads",
			Long: "gitlab-token-wizard reads these environment variables:\n\n" + environmentHelp() +
				"\nA credential is never taken from a flag: argv is visible to every user of the machine."},
		&cobra.Command{Use: "exit-codes", Short: "What each exit code means, for scripts",
			Long: "gitlab-token-wizard exits with one of these codes:\n\n" + exitCodesHelp()},
	)
}

// usageFooter ends every command's --help with the exit codes and the
// environment variables.
func usageFooter() string {
	var env strings.Builder
	for _, v := range envVars {
		env.WriteString(hanging(fmt.Sprintf("  %-24s ", v.name), v.meaning, helpWidth))
	}
	return "\nExit codes:\n" + exitCodesHelp() +
		"\nEnvironment variables (also: gitlab-token-wizard help environment):\n" + env.String()
}

// helpWidth is the width the help's tables are wrapped to.
const helpWidth = 100

// hanging writes text after head, wrapped at width with the continuation
// lines indented as far as head.
func hanging(head, text string, width int) string {
	var b strings.Builder
	b.WriteString(head)
	col, indent := len(head), strings.Repeat(" ", len(head))
	for i, w := range strings.Fields(text) {
		if i > 0 && col+1+len(w) > width {
			b.WriteString("\n" + indent)
			col = len(indent)
		} else if i > 0 {
			b.WriteString(" ")
			col++
		}
		b.WriteString(w)
		col += len(w)
	}
	return b.String() + "\n"
}

// versionText is the module version, the commit and the Go toolchain the
// binary was built with, read from the build information Go records. A
// version set at link time (-X gitlab-token-wizard/cli.Version=...) comes first.
func versionText(info *debug.BuildInfo, ok bool) string {
	module, goVersion := "", runtime.Version()
	settings := map[string]string{}
	if ok && info != nil {
		module, goVersion = info.Main.Version, info.GoVersion
		for _, s := range info.Settings {
			settings[s.Key] = s.Value
		}
	}
	v := Version
	switch {
	case v != "dev":
	case module != "" && module != "(devel)":
		v = module
	default:
		v = "dev (built from a source tree)"
	}
	var parts []string
	if module != "" && module != v && module != "(devel)" {
		parts = append(parts, "module "+module)
	}
	if rev := settings["vcs.revision"]; rev != "" {
		c := "commit " + rev[:min(len(rev), 12)]
		if t := settings["vcs.time"]; t != "" {
			c += " of " + t
		}
		if settings["vcs.modified"] == "true" {
			c += ", with uncommitted changes"
		}
		parts = append(parts, c)
	} else {
		// GOFLAGS=-buildvcs=false, or a build outside the git checkout.
		parts = append(parts, "commit unknown (built without version control information: go build -buildvcs=true records it)")
	}
	return fmt.Sprintf("%s\n%s\nbuilt with %s for %s/%s", v, strings.Join(parts, "\n"), goVersion, runtime.GOOS, runtime.GOARCH)
}

// flagError turns pflag's errors into invalid-input errors that say what to
// do: the nearest flag for a mistyped one, and where the flags are listed.
func flagError(cmd *cobra.Command, err error) error {
	msg := err.Error()
	name, unknown := strings.CutPrefix(msg, "unknown flag: --")
	if unknown {
		if s := suggestFlags(cmd, name); len(s) > 0 {
			msg += "\n\nDid you mean this?\n\t--" + strings.Join(s, "\n\t--")
		}
	}
	return &ExitError{Code: ExitInvalid, Err: fmt.Errorf("%s\nRun '%s --help' for the flags (nothing was sent)", msg, cmd.CommandPath())}
}

// suggestFlags lists the flags of cmd within the root's
// SuggestionsMinimumDistance of typed, or starting with it, as cobra does
// for commands.
func suggestFlags(cmd *cobra.Command, typed string) []string {
	typed = strings.ToLower(typed)
	if i := strings.IndexByte(typed, '='); i >= 0 {
		typed = typed[:i]
	}
	limit := cmd.Root().SuggestionsMinimumDistance
	var out []string
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		if distance(typed, f.Name) <= limit || len(typed) >= 3 && strings.HasPrefix(f.Name, typed) {
			out = append(out, f.Name)
		}
	})
	sort.Strings(out)
	return out
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
