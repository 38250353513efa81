package xlsxbook

import (
	"fmt"
	"io"
	"os"

	"onboard/internal/atomicfile"
)

// Checkpoint keeps the workbook as it is, for a command that saves it several
// times (init): saves rename over the path, so the file held open stays.
func (w *Workbook) Checkpoint() (restore func() error, release func(), err error) {
	f, err := os.Open(w.path)
	if err != nil {
		return nil, nil, fmt.Errorf("keep workbook %s before changing it: %w", w.path, err)
	}
	restore = func() error {
		err := atomicfile.Write(w.path, 0o644, func(out io.Writer) error {
			_, err := io.Copy(out, io.NewSectionReader(f, 0, 1<<62))
			return err
		}, nil)
		if err != nil {
			return fmt.Errorf("put workbook %s back as it was: %w", w.path, err)
		}
		return nil
	}
	return restore, func() { f.Close() }, nil
}
