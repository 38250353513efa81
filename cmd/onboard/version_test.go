package main_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// copySourceTree copies the repository's working tree (tracked and
// untracked, not ignored) to dir, keeping only the paths keep accepts.
func copySourceTree(t *testing.T, dir string, keep func(rel string) bool) {
	t.Helper()
	out, err := exec.Command("git", "-C", "../..", "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	for _, rel := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		if rel == "" || !keep(rel) {
			continue
		}
		src := filepath.Join("../..", rel)
		info, err := os.Stat(src)
		if err != nil { // deleted in the working tree
			continue
		}
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
}

func sh(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %q in %s: %v\n%s", name, args, dir, err, out)
	}
	return strings.TrimSpace(string(out))
}

// dockerignored reports whether .dockerignore keeps rel out of the build
// context: a pattern matches the path or one of its parent folders. The
// file uses no "!" or "**" patterns, which this matcher does not model.
func dockerignored(t *testing.T, patterns []string, rel string) bool {
	parts := strings.Split(rel, "/")
	for _, p := range patterns {
		for i := 1; i <= len(parts); i++ {
			if ok, err := path.Match(p, strings.Join(parts[:i], "/")); err != nil {
				t.Fatalf(".dockerignore pattern %q: %v", p, err)
			} else if ok {
				return true
			}
		}
	}
	return false
}

func readDockerignore(t *testing.T) []string {
	f, err := os.Open("../../.dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var patterns []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "!") || strings.Contains(line, "**") {
			t.Fatalf(".dockerignore: %q needs a matcher that models it", line)
		}
		patterns = append(patterns, strings.TrimPrefix(path.Clean(line), "/"))
	}
	return patterns
}

// TestVersionFromEveryBuild: `onboard version`, `--version` and `-v` print
// the module version and the commit for a `make build`, a `go install` and
// the container image's build command, all from one commit of the sources.
func TestVersionFromEveryBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds the binary three times")
	}
	repo := t.TempDir()
	copySourceTree(t, repo, func(string) bool { return true })
	git := []string{"-c", "user.name=test", "-c", "user.email=test@example.jp", "-c", "commit.gpgsign=false"}
	sh(t, repo, nil, "git", "init", "-q")
	sh(t, repo, nil, "git", append(git, "add", "-A")...)
	sh(t, repo, nil, "git", append(git, "commit", "-q", "-m", "sources")...)
	rev := sh(t, repo, nil, "git", "rev-parse", "HEAD")
	pseudo := regexp.MustCompile(`^onboard v0\.0\.0-\d{14}-` + rev[:12] + ` \(revision ` + rev + `[,)]`)

	check := func(what, bin string) string {
		t.Helper()
		var first string
		for _, arg := range []string{"version", "--version", "-v"} {
			out, err := exec.Command(bin, arg).Output()
			if err != nil {
				t.Fatalf("%s: onboard %s: %v", what, arg, err)
			}
			line := strings.TrimSpace(string(out))
			if !pseudo.MatchString(line) {
				t.Errorf("%s: onboard %s printed %q; want the pseudo-version and revision of %s", what, arg, line, rev)
			}
			if first == "" {
				first = line
			} else if line != first {
				t.Errorf("%s: onboard %s printed %q, version printed %q", what, arg, line, first)
			}
		}
		return first
	}

	// make build, even where GOFLAGS turns VCS stamping off.
	sh(t, repo, []string{"GOFLAGS=-buildvcs=false"}, "make", "-s", "build")
	check("make build", filepath.Join(repo, "bin", "onboard"))

	// go install from the clone, as a user would, with the go command's
	// default VCS stamping (this machine's go env may turn it off).
	gobin := t.TempDir()
	sh(t, repo, []string{"GOFLAGS=-buildvcs=auto", "GOBIN=" + gobin}, "go", "install", "./cmd/onboard")
	check("go install", filepath.Join(gobin, "onboard"))

	// The image: the context as .dockerignore leaves it (no .git), the
	// build arguments `make image` passes, the Dockerfile's build command.
	ignore := readDockerignore(t)
	for _, must := range []string{".git/config", "bin/onboard", "work/onboarding.xlsx"} {
		if !dockerignored(t, ignore, must) {
			t.Errorf(".dockerignore lets %s into the build context", must)
		}
	}
	ctx := t.TempDir()
	copySourceTree(t, ctx, func(rel string) bool { return !dockerignored(t, ignore, rel) })
	if _, err := os.Stat(filepath.Join(ctx, "go.mod")); err != nil {
		t.Fatal(".dockerignore keeps go.mod out of the context")
	}
	var buildArgs []string
	for _, m := range regexp.MustCompile(`--build-arg (\w+)=(\S*)`).FindAllStringSubmatch(sh(t, repo, nil, "make", "-n", "image"), -1) {
		buildArgs = append(buildArgs, m[1]+"="+m[2])
	}
	if len(buildArgs) == 0 {
		t.Fatal("make image passes no --build-arg")
	}
	buildCmd, declared := dockerfileBuild(t)
	for _, a := range buildArgs {
		if name, _, _ := strings.Cut(a, "="); !declared[name] {
			t.Errorf("make image passes --build-arg %s, which the Dockerfile does not declare", name)
		}
	}
	out := t.TempDir()
	buildCmd = strings.ReplaceAll(buildCmd, "/out/onboard", filepath.Join(out, "onboard"))
	sh(t, ctx, buildArgs, "sh", "-c", buildCmd)
	check("image build", filepath.Join(out, "onboard"))
}

// dockerfileBuild is the Dockerfile's `go build` RUN line and the ARGs it
// declares.
func dockerfileBuild(t *testing.T) (string, map[string]bool) {
	t.Helper()
	dockerfile, err := os.ReadFile("../../deploy/Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var buildCmd string
	declared := map[string]bool{}
	for _, line := range strings.Split(string(dockerfile), "\n") {
		if m := regexp.MustCompile(`^ARG (\w+)`).FindStringSubmatch(line); m != nil {
			declared[m[1]] = true
		}
		if strings.HasPrefix(line, "RUN ") && strings.Contains(line, "go build") {
			buildCmd = strings.TrimPrefix(line, "RUN ")
		}
	}
	if !strings.Contains(buildCmd, "-o /out/onboard") {
		t.Fatalf("the Dockerfile's build command %q does not write /out/onboard", buildCmd)
	}
	return buildCmd, declared
}

var (
	imageBinaryOnce sync.Once
	imageBinaryPath string
	imageBinaryErr  string
)

// imageBinary is the binary the container image ships: the Dockerfile's
// build command (static, CGO_ENABLED=0) run on these sources.
func imageBinary(t *testing.T) string {
	t.Helper()
	imageBinaryOnce.Do(func() {
		buildCmd, _ := dockerfileBuild(t)
		path := filepath.Join(filepath.Dir(binary), "image-onboard")
		cmd := exec.Command("sh", "-c", strings.ReplaceAll(buildCmd, "/out/onboard", path))
		cmd.Dir = "../.."
		if out, err := cmd.CombinedOutput(); err != nil {
			imageBinaryErr = fmt.Sprintf("%s: %v\n%s", buildCmd, err, out)
			return
		}
		imageBinaryPath = path
	})
	if imageBinaryPath == "" {
		t.Fatalf("the image's build command failed: %s", imageBinaryErr)
	}
	return imageBinaryPath
}
