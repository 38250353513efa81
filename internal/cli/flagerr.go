package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/pflag"
)

// flagError turns a pflag parse error into the one line a user reads:
// which flag, what is wrong with it, and what to do. pflag with
// ContinueOnError prints nothing itself, so without this a typo in a
// crontab exits 2 with an empty log.
func flagError(fs *pflag.FlagSet, err error) string {
	help := fmt.Sprintf("run 'onboard %s --help' for the flags", fs.Name())
	var notExist *pflag.NotExistError
	var noValue *pflag.ValueRequiredError
	var badValue *pflag.InvalidValueError
	var badSyntax *pflag.InvalidSyntaxError
	switch {
	case errors.As(err, &notExist):
		name := notExist.GetSpecifiedName()
		if notExist.GetSpecifiedShortnames() != "" {
			return fmt.Sprintf("unknown flag -%s in -%s; %s", name, notExist.GetSpecifiedShortnames(), help)
		}
		if name == "smtp-password" || strings.HasPrefix(name, "smtp-password=") {
			return "there is no --smtp-password flag (flags show in ps): give the password in ONBOARD_SMTP_PASSWORD " +
				"or in a file named by --smtp-password-file"
		}
		if near := nearestFlag(fs, name); near != "" {
			return fmt.Sprintf("unknown flag --%s (did you mean --%s?); %s", name, near, help)
		}
		return fmt.Sprintf("unknown flag --%s; %s", name, help)
	case errors.As(err, &noValue):
		f := noValue.GetFlag()
		return fmt.Sprintf("--%s needs a value (--%s VALUE or --%s=VALUE); %s", f.Name, f.Name, f.Name, help)
	case errors.As(err, &badValue):
		f := badValue.GetFlag()
		return fmt.Sprintf("--%s %q: %s; %s", f.Name, badValue.GetValue(), valueHint(f, badValue.Unwrap()), help)
	case errors.As(err, &badSyntax):
		return fmt.Sprintf("bad flag syntax %q: flags are --name VALUE or --name=VALUE; %s", badSyntax.GetSpecifiedFlag(), help)
	}
	return fmt.Sprintf("%v; %s", err, help)
}

// valueHint says what a flag's value must look like, by the flag's type.
func valueHint(f *pflag.Flag, cause error) string {
	switch f.Value.Type() {
	case "int", "int64", "uint":
		return "want a whole number, e.g. " + exampleValue(f, "14")
	case "duration":
		return "want a duration such as 30s, 5m or 24h"
	case "bool":
		return "want true or false"
	}
	if cause != nil {
		return cause.Error()
	}
	return "not a valid value"
}

func exampleValue(f *pflag.Flag, fallback string) string {
	if f.DefValue != "" && f.DefValue != "0" {
		return f.DefValue
	}
	return fallback
}

// nearestFlag is the defined flag closest to a mistyped name, when it is
// close enough to be the likely intent.
func nearestFlag(fs *pflag.FlagSet, name string) string {
	name, _, _ = strings.Cut(name, "=")
	best, bestDist := "", 3 // at most two edits away
	fs.VisitAll(func(f *pflag.Flag) {
		if d := editDistance(name, f.Name); d < bestDist {
			best, bestDist = f.Name, d
		}
	})
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
