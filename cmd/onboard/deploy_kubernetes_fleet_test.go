package main_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

const fleetDir = "../../deploy/kubernetes/fleet"

// kustomizeBuild renders dir with kustomize's own library, as
// `kubectl apply -k` does, and returns the resources.
func kustomizeBuild(t *testing.T, dir string) []map[string]any {
	t.Helper()
	resources, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	out, err := resources.AsYaml()
	if err != nil {
		t.Fatal(err)
	}
	var docs []map[string]any
	dec := yaml.NewDecoder(bytes.NewReader(out))
	for {
		var d map[string]any
		if err := dec.Decode(&d); errors.Is(err, io.EOF) {
			return docs
		} else if err != nil {
			t.Fatalf("kustomize build %s: %v", dir, err)
		}
		docs = append(docs, d)
	}
}

func name(d map[string]any) string {
	m, _ := d["metadata"].(map[string]any)
	s, _ := m["name"].(string)
	return s
}

// TestKubernetesFleetBaseIsTheSingleCronJob: the fleet's base is the
// single CronJob, copied only because kustomize loads no file outside a
// kustomization's folder.
func TestKubernetesFleetBaseIsTheSingleCronJob(t *testing.T) {
	single, err1 := os.ReadFile("../../deploy/kubernetes/cronjob.yaml")
	base, err2 := os.ReadFile(fleetDir + "/base/cronjob.yaml")
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if !bytes.Equal(single, base) {
		t.Error("deploy/kubernetes/fleet/base/cronjob.yaml differs from deploy/kubernetes/cronjob.yaml: copy it again")
	}
}

var googleID = regexp.MustCompile(`^[A-Za-z0-9_-]{20,}$`)

// TestKubernetesFleet: the fleet renders, by kustomize as kubectl
// apply -k does, to one CronJob per listed sheet, each
// the single CronJob but for its name, its sheet and its own state
// volume, all on the single one's schedule with a --spread that, with
// --timeout after it, fits the pod's deadline and ends before the next
// start.
func TestKubernetesFleet(t *testing.T) {
	docs := kustomizeBuild(t, fleetDir)
	single, _ := loadManifest(t)
	var list struct{ Resources []string }
	b, _ := os.ReadFile(fleetDir + "/kustomization.yaml")
	if err := yaml.Unmarshal(b, &list); err != nil {
		t.Fatal(err)
	}
	period := schedulePeriod(t, single.Spec.Schedule)
	pvcs, sheets, crons := map[string]bool{}, map[string]string{}, 0
	for _, d := range docs {
		if d["kind"] == "PersistentVolumeClaim" {
			pvcs[name(d)] = true
		}
	}
	claimed := map[string]string{}
	for _, d := range docs {
		if d["kind"] != "CronJob" {
			continue
		}
		crons++
		raw, _ := yaml.Marshal(d)
		var cron k8sDoc
		var deadline struct {
			Spec struct {
				JobTemplate struct {
					Spec struct {
						ActiveDeadlineSeconds int `yaml:"activeDeadlineSeconds"`
					} `yaml:"spec"`
				} `yaml:"jobTemplate"`
			} `yaml:"spec"`
		}
		yaml.Unmarshal(raw, &cron)
		yaml.Unmarshal(raw, &deadline)
		n := cron.Metadata.Name
		if cron.Spec.Schedule != single.Spec.Schedule || cron.Spec.TimeZone != single.Spec.TimeZone {
			t.Errorf("%s: schedule %q %s, want the single CronJob's %q %s", n, cron.Spec.Schedule, cron.Spec.TimeZone, single.Spec.Schedule, single.Spec.TimeZone)
		}
		c := cron.Spec.JobTemplate.Spec.Template.Spec.Containers[0]
		if !reflect.DeepEqual(c.Args, single.Spec.JobTemplate.Spec.Template.Spec.Containers[0].Args) {
			t.Errorf("%s: args %q differ from the single CronJob's", n, c.Args)
		}
		env := map[string]string{}
		for _, e := range c.Env {
			checkEnvName(t, n+" env", e.Name)
			if _, dup := env[e.Name]; dup {
				t.Errorf("%s: %s set twice", n, e.Name)
			}
			env[e.Name] = e.Value
		}
		id := env["ONBOARD_SHEET"]
		if !googleID.MatchString(id) || id == "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg" {
			t.Errorf("%s: ONBOARD_SHEET %q is not a sheet of its own", n, id)
		}
		if other, dup := sheets[id]; dup {
			t.Errorf("%s and %s sync the same sheet %s", n, other, id)
		}
		sheets[id] = n
		spread, err1 := time.ParseDuration(env["ONBOARD_SPREAD"])
		timeout, err2 := time.ParseDuration(env["ONBOARD_TIMEOUT"])
		dl := time.Duration(deadline.Spec.JobTemplate.Spec.ActiveDeadlineSeconds) * time.Second
		if err1 != nil || err2 != nil || spread <= 0 || spread+timeout > dl || dl > period {
			t.Errorf("%s: --spread %q + --timeout %q must fit activeDeadlineSeconds %s, and that the schedule's %s", n, env["ONBOARD_SPREAD"], env["ONBOARD_TIMEOUT"], dl, period)
		}
		for _, v := range cron.Spec.JobTemplate.Spec.Template.Spec.Volumes {
			if v.PVC == nil {
				continue
			}
			if !pvcs[v.PVC.ClaimName] {
				t.Errorf("%s: claim %s is not in the render", n, v.PVC.ClaimName)
			}
			if other, dup := claimed[v.PVC.ClaimName]; dup {
				t.Errorf("%s and %s share the state volume %s: one sheet's alert state would answer for another", n, other, v.PVC.ClaimName)
			}
			claimed[v.PVC.ClaimName] = n
		}
	}
	if crons != len(list.Resources) || crons < 2 || len(pvcs) != crons {
		t.Errorf("%d CronJobs and %d volumes for the %d sheets listed", crons, len(pvcs), len(list.Resources))
	}
}

// schedulePeriod is the interval of a schedule whose minute field is
// "*/N" or a list of evenly spaced minutes.
func schedulePeriod(t *testing.T, schedule string) time.Duration {
	t.Helper()
	min := strings.Fields(schedule)[0]
	var n int
	if _, err := fmt.Sscanf(min, "*/%d", &n); err != nil || n <= 0 {
		t.Fatalf("schedule %q: the minute field is not */N", schedule)
	}
	return time.Duration(n) * time.Minute
}
