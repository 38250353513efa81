package cli

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// Stamped at link time (-ldflags "-X onboard/internal/cli.stampedVersion=...")
// by builds that have no .git to read: the container image (.dockerignore
// keeps .git out of the build context) and builds in a git worktree, which
// the go command does not recognise as a repository. The build info wins
// whenever it has the values.
var (
	stampedVersion  string
	stampedRevision string
)

// buildVersion is what `onboard version` prints: the module version and
// the VCS revision, from the build info the go command embeds.
type buildVersion struct {
	Version  string // v1.2.3, a pseudo-version, or (devel)
	Revision string // the commit, with "+dirty" when the tree had changes
	Time     string // the commit time
	Go       string
}

func readBuildVersion() buildVersion {
	v := buildVersion{Version: "(devel)"}
	bi, ok := debug.ReadBuildInfo()
	if ok {
		v.Go = bi.GoVersion
		if bi.Main.Version != "" {
			v.Version = bi.Main.Version
		}
		modified := false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				v.Revision = s.Value
			case "vcs.time":
				v.Time = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if modified && v.Revision != "" {
			v.Revision += "+dirty"
		}
	}
	if v.Version == "(devel)" && stampedVersion != "" {
		v.Version = stampedVersion
	}
	if v.Revision == "" {
		v.Revision = stampedRevision
	}
	return v
}

func (v buildVersion) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "onboard %s", v.Version)
	if v.Revision != "" {
		fmt.Fprintf(&b, " (revision %s", v.Revision)
		if v.Time != "" {
			fmt.Fprintf(&b, ", %s", v.Time)
		}
		b.WriteString(")")
	} else {
		b.WriteString(" (revision unknown: built without VCS information)")
	}
	if v.Go != "" {
		fmt.Fprintf(&b, " %s", v.Go)
	}
	return b.String()
}

func (a *App) version(args []string) int {
	fs := a.flagSet("version")
	if ok, code := a.parse(fs, args); !ok {
		return code
	}
	fmt.Fprintln(a.Stdout, readBuildVersion())
	return ExitOK
}
