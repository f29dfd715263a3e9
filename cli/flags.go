package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"
)

// The flags that say whose tokens a command acts on, and how it writes,
// are spelled the same on every command, as glab spells them: --project
// with -R/--repo, -g/--group, -U/--user, -F/--output.

// projectFlag registers --project and its glab name -R/--repo on one value.
func projectFlag(f *pflag.FlagSet, p *string, usage string) {
	v := &oneValue{p: p, name: "--project"}
	f.Var(v, "project", usage+": full path (group/project) or numeric id")
	f.VarP(v, "repo", "R", "same as --project (glab's name)")
}

// oneValue is a string flag that names one thing: given again with
// another value (--project a -R b, -g a -g b) it is refused, where pflag
// would keep the last silently and act on a target the user may not have
// meant.
type oneValue struct {
	p    *string
	name string
	set  bool
}

func (v *oneValue) String() string {
	if v.p == nil {
		return ""
	}
	return *v.p
}

func (v *oneValue) Set(s string) error {
	if v.set && s != *v.p {
		return fmt.Errorf("%s was already given %q: give one", v.name, *v.p)
	}
	*v.p, v.set = s, true
	return nil
}

// Type is "string", so that GetString and help read it as one.
func (v *oneValue) Type() string { return "string" }

// projectsFlag is projectFlag for a command that may take several
// projects (create --service-account): each --project adds one.
func projectsFlag(f *pflag.FlagSet, p *[]string, usage string) {
	f.StringArrayVar(p, "project", nil, usage+": full path (group/project) or numeric id")
	f.StringArrayVarP(p, "repo", "R", nil, "same as --project (glab's name)")
}

// groupFlag registers -g/--group.
func groupFlag(f *pflag.FlagSet, p *string, usage string) {
	f.VarP(&oneValue{p: p, name: "--group"}, "group", "g", usage)
}

// userFlag registers -U/--user.
func userFlag(f *pflag.FlagSet, p *string, usage string) {
	f.VarP(&oneValue{p: p, name: "--user"}, "user", "U", usage)
}

// outputFlag registers -F/--output with its formats, the first the default.
func outputFlag(f *pflag.FlagSet, p *string, formats ...string) {
	usage := "output: " + strings.Join(formats, " or ")
	if len(formats) > 2 {
		usage = "output: " + strings.Join(formats, ", ")
	}
	f.StringVarP(p, "output", "F", formats[0], usage)
}

// checkOutput refuses an output format the command does not write.
func checkOutput(output string, formats ...string) error {
	for _, f := range formats {
		if output == f {
			return nil
		}
	}
	return exitf(ExitInvalid, "--output %q: use %s (nothing was sent)", output, strings.Join(formats, " or "))
}
