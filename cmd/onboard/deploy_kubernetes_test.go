package main_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// The parts of the manifest the job's behaviour depends on.
type k8sDoc struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec struct {
		Schedule    string `yaml:"schedule"`
		TimeZone    string `yaml:"timeZone"`
		JobTemplate struct {
			Spec struct {
				Template struct {
					Spec k8sPodSpec `yaml:"spec"`
				} `yaml:"template"`
			} `yaml:"spec"`
		} `yaml:"jobTemplate"`
	} `yaml:"spec"`
}

type k8sPodSpec struct {
	SecurityContext struct {
		RunAsUser  *int `yaml:"runAsUser"`
		RunAsGroup *int `yaml:"runAsGroup"`
		FSGroup    *int `yaml:"fsGroup"`
	} `yaml:"securityContext"`
	Containers []struct {
		Image string   `yaml:"image"`
		Args  []string `yaml:"args"`
		Env   []struct {
			Name      string `yaml:"name"`
			Value     string `yaml:"value"`
			ValueFrom *struct {
				SecretKeyRef struct {
					Name string `yaml:"name"`
					Key  string `yaml:"key"`
				} `yaml:"secretKeyRef"`
			} `yaml:"valueFrom"`
		} `yaml:"env"`
		VolumeMounts []struct {
			Name      string `yaml:"name"`
			MountPath string `yaml:"mountPath"`
			ReadOnly  bool   `yaml:"readOnly"`
		} `yaml:"volumeMounts"`
		SecurityContext struct {
			ReadOnlyRootFilesystem bool `yaml:"readOnlyRootFilesystem"`
		} `yaml:"securityContext"`
	} `yaml:"containers"`
	Volumes []struct {
		Name   string `yaml:"name"`
		Secret *struct {
			SecretName  string `yaml:"secretName"`
			DefaultMode *int   `yaml:"defaultMode"`
		} `yaml:"secret"`
		PVC *struct {
			ClaimName string `yaml:"claimName"`
		} `yaml:"persistentVolumeClaim"`
		EmptyDir *struct{} `yaml:"emptyDir"`
	} `yaml:"volumes"`
}

func loadManifest(t *testing.T) (cron k8sDoc, pvcs map[string]bool) {
	t.Helper()
	b, err := os.ReadFile("../../deploy/kubernetes/cronjob.yaml")
	if err != nil {
		t.Fatal(err)
	}
	pvcs = map[string]bool{}
	found := false
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var d k8sDoc
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("cronjob.yaml: %v", err)
		}
		switch d.Kind {
		case "CronJob":
			cron, found = d, true
		case "PersistentVolumeClaim":
			pvcs[d.Metadata.Name] = true
		}
	}
	if !found {
		t.Fatal("cronjob.yaml holds no CronJob")
	}
	return cron, pvcs
}

// TestKubernetesCronJob: with a read-only root file system, every path the
// job writes is on a writable volume, the state that must outlive a pod is
// on a persistent one, every flag and variable exists in the binary, and
// the CronJob's args and env run the image's binary as its user in a
// chroot whose root is mounted read-only, with the manifest's volumes.
func TestKubernetesCronJob(t *testing.T) {
	cron, pvcs := loadManifest(t)
	if err := cronSchedule(strings.Fields(cron.Spec.Schedule)); err != nil {
		t.Errorf("schedule %q: %v", cron.Spec.Schedule, err)
	}
	if _, err := time.LoadLocation(cron.Spec.TimeZone); err != nil {
		t.Errorf("timeZone %q: %v", cron.Spec.TimeZone, err)
	}
	pod := cron.Spec.JobTemplate.Spec.Template.Spec
	if len(pod.Containers) != 1 {
		t.Fatalf("%d containers", len(pod.Containers))
	}
	c := pod.Containers[0]
	if !c.SecurityContext.ReadOnlyRootFilesystem {
		t.Error("readOnlyRootFilesystem is off: this test then proves less than it says")
	}
	if c.Args[0] != "run" {
		t.Fatalf("args %q: want run first", c.Args)
	}
	for _, a := range c.Args {
		if strings.HasPrefix(a, "--") {
			checkFlag(t, "cronjob.yaml args", a)
		}
	}
	env := map[string]string{}
	secretEnv := map[string]string{}
	for _, e := range c.Env {
		checkEnvName(t, "cronjob.yaml env", e.Name)
		if e.ValueFrom != nil {
			secretEnv[e.Name] = e.ValueFrom.SecretKeyRef.Name + "/" + e.ValueFrom.SecretKeyRef.Key
			continue
		}
		env[e.Name] = e.Value
	}
	uid, gid, fsGroup := pod.SecurityContext.RunAsUser, pod.SecurityContext.RunAsGroup, pod.SecurityContext.FSGroup
	if uid == nil || gid == nil || fsGroup == nil {
		t.Fatal("runAsUser, runAsGroup and fsGroup must be set: the volumes' permissions depend on them")
	}
	if df, _ := os.ReadFile("../../deploy/Dockerfile"); !strings.Contains(string(df), fmt.Sprintf("USER %d:%d", *uid, *gid)) {
		t.Errorf("the Dockerfile's USER is not runAsUser:runAsGroup %d:%d", *uid, *gid)
	}

	type volume struct{ kind, mountPath string }
	kinds := map[string]string{}
	for _, v := range pod.Volumes {
		switch {
		case v.Secret != nil:
			kinds[v.Name] = "secret"
			if m := v.Secret.DefaultMode; m != nil && *m&0o040 == 0 && *m&0o004 == 0 {
				t.Errorf("secret volume %s: defaultMode %04o: the files are root:fsGroup, so user %d cannot read them", v.Name, *m, *uid)
			}
		case v.PVC != nil:
			kinds[v.Name] = "pvc"
			if !pvcs[v.PVC.ClaimName] {
				t.Errorf("volume %s: claim %s is not in the manifest", v.Name, v.PVC.ClaimName)
			}
		case v.EmptyDir != nil:
			kinds[v.Name] = "emptyDir"
		default:
			t.Errorf("volume %s: a kind this test does not model", v.Name)
		}
	}
	writable := map[string]volume{}
	var secretDir string
	for _, m := range c.VolumeMounts {
		k := kinds[m.Name]
		if k == "" {
			t.Errorf("volumeMount %s names no volume", m.Name)
		}
		if k == "secret" {
			secretDir = m.MountPath
		} else if !m.ReadOnly {
			writable[m.MountPath] = volume{k, m.MountPath}
		}
	}
	for what, p := range writtenPaths(t, "cronjob.yaml", c.Args, env) {
		var on *volume
		for dir, v := range writable {
			if under(p, dir) {
				on = &v
			}
		}
		switch {
		case on == nil:
			t.Errorf("the %s %s is on the read-only root: mount a volume there", what, p)
		case what == "state folder" && on.kind != "pvc":
			t.Errorf("the state folder %s is on an %s: the alert state would not outlive the pod", p, on.kind)
		}
	}
	if cred, _ := flagValue(c.Args, "credentials"); secretDir == "" || !under(cred, secretDir) {
		t.Errorf("--credentials %s is not in the secret volume %s", cred, secretDir)
	}

	// The run: the image's binary, in a chroot laid out like the image
	// (distroless: the binary, /etc/passwd, /home/nonroot) and mounted
	// read-only, the volumes bound on their mountPaths, as runAsUser with
	// fsGroup, the container's args and env as written; the test swaps
	// the Sheets API, the SMTP server and the clock for its own.
	img := imageBinary(t)
	e, srv, id := googleEnv(t)
	e.srv.Username, e.srv.Password = env["ONBOARD_SMTP_USERNAME"], "k8s-Pa55"
	work := worldDir(t, 0)
	root := filepath.Join(work, "rootfs")
	for _, d := range []string{"usr/local/bin", "etc", "home/nonroot"} {
		os.MkdirAll(filepath.Join(root, d), 0o755)
	}
	b, _ := os.ReadFile(img)
	os.WriteFile(filepath.Join(root, "usr/local/bin/onboard"), b, 0o755)
	os.WriteFile(filepath.Join(root, "etc/passwd"), []byte(fmt.Sprintf("root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:%d:%d:nonroot:/home/nonroot:/sbin/nologin\n", *uid, *gid)), 0o644)
	os.WriteFile(filepath.Join(root, "etc/group"), []byte(fmt.Sprintf("root:x:0:\nnonroot:x:%d:\n", *gid)), 0o644)
	os.Chown(filepath.Join(root, "home/nonroot"), *uid, *gid)
	// The volumes' contents, as the kubelet lays them out.
	backing := map[string]string{}
	for _, m := range c.VolumeMounts {
		os.MkdirAll(filepath.Join(root, m.MountPath), 0o755)
		dir := filepath.Join(work, "volume-"+m.Name)
		os.Mkdir(dir, 0o755)
		switch kinds[m.Name] {
		case "secret":
			serviceAccountKey(t, filepath.Join(dir, "service-account.json"), *fsGroup)
			os.WriteFile(filepath.Join(dir, "ca.pem"), e.srv.CertPEM(), 0o444)
		case "pvc": // fsGroup: group-owned, setgid, group-writable
			os.Chown(dir, 0, *fsGroup)
			os.Chmod(dir, 0o2775)
		case "emptyDir":
			os.Chmod(dir, 0o777)
		}
		backing[m.MountPath] = dir
	}
	secrets := map[string]string{"ONBOARD_SMTP_PASSWORD": e.srv.Password}
	for name := range secretEnv {
		if _, ok := secrets[name]; !ok {
			t.Fatalf("env %s comes from secret %s, which the test does not provide", name, secretEnv[name])
		}
	}
	// PATH: a container runtime's default.
	containerEnv := map[string]string{"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/home/nonroot"}
	for k, v := range env {
		containerEnv[k] = v
	}
	for k, v := range secrets {
		containerEnv[k] = v
	}
	for k, v := range map[string]string{"ONBOARD_SHEET": id, "ONBOARD_SHEETS_ENDPOINT": srv.URL(), "ONBOARD_SMTP_HOST": "127.0.0.1",
		"ONBOARD_SMTP_PORT": strconv.Itoa(e.srv.Port()), "ONBOARD_SMTP_CA_FILE": filepath.Join(secretDir, "ca.pem"),
		"ONBOARD_NOW": "2026-11-25T09:00:00+09:00"} {
		containerEnv[k] = v
	}
	podRun := func(mounts map[string]string) result {
		script := "root=$1; shift\nmount --bind \"$root\" \"$root\"\nmount -o remount,bind,ro \"$root\"\n"
		for _, m := range c.VolumeMounts {
			src, ok := mounts[m.MountPath]
			if !ok {
				continue
			}
			script += fmt.Sprintf("mount --bind '%s' \"$root\"'%s'\n", src, m.MountPath)
			if m.ReadOnly {
				script += fmt.Sprintf("mount -o remount,bind,ro \"$root\"'%s'\n", m.MountPath)
			}
		}
		script += fmt.Sprintf("exec chroot --userspec=%d:%d --groups=%d \"$root\" /usr/local/bin/onboard \"$@\"", *uid, *gid, *fsGroup)
		return namespaceRun(t, sortedEnv(containerEnv), script, append([]string{root}, c.Args...)...)
	}

	// First, the manifest's volumes left out: the root really is read-only
	// and the job says what to mount.
	secretOnly := map[string]string{secretDir: backing[secretDir]}
	r := podRun(secretOnly)
	if r.code != 1 || !strings.Contains(r.stderr, "is on a read-only file system") || !strings.Contains(r.stderr, "mount a volume there") {
		t.Errorf("without the writable volumes: exit %d, want 1 and the read-only file system named\n%s", r.code, r.stderr)
	}

	alerts := len(e.srv.Messages()) // the failed run's alert to ONBOARD_ALERT_TO
	r = podRun(backing)
	t.Logf("chroot (read-only root) as %d:%d, groups %d: /usr/local/bin/onboard %s\n(env: the CronJob's; the test's Sheets API, SMTP server and clock)\nexit %d\n%s%s",
		*uid, *gid, *fsGroup, strings.Join(c.Args, " "), r.code, r.stdout, r.stderr)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if got := googleSent(srv, id); strings.Join(got, ",") != "2026-W47" || len(e.srv.Messages()) != alerts+1 {
		t.Errorf("送信履歴 %v, %d mails after %d alerts", got, len(e.srv.Messages()), alerts)
	}
	state, _ := flagValue(c.Args, "state-dir")
	lockFile, _ := flagValue(c.Args, "lock-file")
	for _, p := range []string{filepath.Join(state, "onboard-state.json"), filepath.Join(state, "reports", "onboard-weekly-2026-W47.xlsx"), lockFile} {
		var host string
		for mp, dir := range backing {
			if under(p, mp) {
				rel, _ := filepath.Rel(mp, p)
				host = filepath.Join(dir, rel)
			}
		}
		wantFile(t, host, *uid, 0)
	}
}
