package cli

import (
	"bytes"
	"strings"
	"testing"
)

// A panic in a command reaches the user as one bug-report line and exit 1.
func TestPanicIsOneBugReportLine(t *testing.T) {
	var stderr bytes.Buffer
	a := &App{Stdout: &bytes.Buffer{}, Stderr: &stderr}
	boom := command{name: "sync", run: func(*App, []string) int {
		var cells []string
		return len(cells[3]) // index out of range, as a bug on odd data would
	}}
	if code := a.runGuarded(boom, nil); code != ExitFailed {
		t.Errorf("exit %d, want %d", code, ExitFailed)
	}
	out := stderr.String()
	if strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, "onboard sync: internal error") || !strings.Contains(out, "index out of range") || !strings.Contains(out, "onboard version") {
		t.Errorf("stderr = %q, want one bug-report line", out)
	}
}
