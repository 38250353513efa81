package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// asUser runs the binary as uid/gid (root's tests switch users; -1 keeps
// the current one) with exactly env, and returns exit code and output.
func asUser(t *testing.T, bin string, uid int, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append([]string{"PATH=/usr/bin:/bin"}, env...)
	if uid >= 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(uid)}}
	}
	return runCommand(t, cmd)
}

// sharedCopy makes a folder every user can use (like /tmp, which the
// test's own temp folders are not) holding a copy of the binary and of the
// example workbook, owned by uid.
func sharedCopy(t *testing.T, uid int) (dir, bin, book string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "onboard-users")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o1777); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(binary)
	if err != nil {
		t.Fatal(err)
	}
	bin = filepath.Join(dir, "onboard")
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	book = filepath.Join(dir, "onboarding.xlsx")
	if b, err = os.ReadFile(exampleCopy(t)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(book, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(book, uid, uid); err != nil {
		t.Fatal(err)
	}
	return dir, bin, book
}

// dryRunArgs is a run that needs no SMTP server: it syncs dry and writes
// the due report into the state folder.
func dryRunArgs(book string, extra ...string) []string {
	return append([]string{"run", "--dry-run", "--sheet", book, now, "--smtp-host", "smtp.example.jp",
		"--mail-from", "onboard@example.jp", "--mail-to", "team@example.jp"}, extra...)
}

func wantFile(t *testing.T, path string, uid int, mode os.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Errorf("%s: %v", path, err)
		return
	}
	if st := info.Sys().(*syscall.Stat_t); int(st.Uid) != uid || (mode != 0 && info.Mode().Perm() != mode) {
		t.Errorf("%s: uid %d mode %o, want uid %d mode %o", path, st.Uid, info.Mode().Perm(), uid, mode)
	}
}

// TestStateFolderAcrossUsers: the README's "try it by hand" and the
// scheduled runs of the service user share a state folder without
// trapping each other, and every refusal names the owner and the fix.
func TestStateFolderAcrossUsers(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to run the binary as a second user; internal/statedir and internal/lock test the messages without it")
	}
	const svc = 65534 // nobody stands in for the onboard service user
	dir, bin, book := sharedCopy(t, svc)
	home := filepath.Join(dir, "home")
	if err := os.Mkdir(home, 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chown(home, svc, svc)

	// The service user's default: ~/.local/state/onboard, created private,
	// with the lock, the alert state and the reports in it.
	r := asUser(t, bin, svc, []string{"HOME=" + home}, dryRunArgs(book)...)
	state := filepath.Join(home, ".local", "state", "onboard")
	if r.code != 0 {
		t.Fatalf("service user, default state folder: exit %d\n%s", r.code, r.stderr)
	}
	wantFile(t, state, svc, 0o700)
	wantFile(t, filepath.Join(state, "onboard.lock"), svc, 0o644)
	wantFile(t, filepath.Join(state, "onboard-state.json"), svc, 0)
	if !strings.Contains(r.stdout, "report: "+filepath.Join(state, "reports", "onboard-weekly-")) {
		t.Errorf("the report is not in the state folder:\n%s", r.stdout)
	}

	// systemd's StateDirectory= wins.
	sysState := filepath.Join(dir, "systemd-state")
	r = asUser(t, bin, svc, []string{"HOME=" + home, "STATE_DIRECTORY=" + sysState}, dryRunArgs(book)...)
	if r.code != 0 {
		t.Fatalf("STATE_DIRECTORY: exit %d\n%s", r.code, r.stderr)
	}
	wantFile(t, filepath.Join(sysState, "onboard.lock"), svc, 0o644)

	// Root by hand in the service user's folder: refused before anything
	// root-owned is left there, with the command to use instead.
	before, _ := os.ReadDir(state)
	r = asUser(t, bin, -1, []string{"HOME=" + home}, dryRunArgs(book, "--state-dir", state)...)
	if r.code != 1 || !strings.Contains(r.stderr, "state folder "+state+" belongs to nobody (uid 65534): run onboard as that user (sudo -u nobody onboard run") {
		t.Errorf("root in the service user's folder: exit %d\n%s", r.code, r.stderr)
	}
	after, _ := os.ReadDir(state)
	if len(after) != len(before) {
		t.Errorf("root's refused run left files: %v → %v", before, after)
	}
	for _, e := range after {
		wantFile(t, filepath.Join(state, e.Name()), svc, 0)
	}

	// A lock file root left behind (an older version, or a shared
	// --lock-file) is opened read-only: the service user's run goes on.
	if err := os.WriteFile(filepath.Join(state, "onboard.lock"), []byte("1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chown(filepath.Join(state, "onboard.lock"), 0, 0)
	r = asUser(t, bin, svc, []string{"HOME=" + home}, dryRunArgs(book)...)
	if r.code != 0 {
		t.Errorf("service user after root's lock file: exit %d\n%s", r.code, r.stderr)
	}

	// A state folder root created (the old /tmp trap): the service user's
	// run fails with the owner and the fix, and the log says it.
	rootState := filepath.Join(dir, "root-state")
	if r = asUser(t, bin, -1, []string{"HOME=" + home}, dryRunArgs(book, "--state-dir", rootState)...); r.code != 0 {
		t.Fatalf("root's own run: exit %d\n%s", r.code, r.stderr)
	}
	wantFile(t, rootState, 0, 0o750)
	r = asUser(t, bin, svc, []string{"HOME=" + home}, dryRunArgs(book, "--state-dir", rootState)...)
	if r.code != 1 || !strings.Contains(r.stderr, "state folder "+rootState+" belongs to root (uid 0) (mode 0750) and nobody (uid 65534) cannot write in it: run 'sudo chown nobody "+rootState+"'") {
		t.Errorf("service user in root's folder: exit %d\n%s", r.code, r.stderr)
	}
}
