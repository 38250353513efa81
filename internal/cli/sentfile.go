package cli

import "path/filepath"

// sentFile is where run remembers the newest week mailed, beside the
// alert state, so that 送信履歴 is read only when a week may be due.
func sentFile(f *runFlags) string {
	dir := f.stateDir
	if dir == "" {
		dir = filepath.Dir(f.lockFile)
	}
	return filepath.Join(dir, "onboard-weekly-sent")
}
