// Package calendar is the change windows and scheduled jobs a detector is configured
// with (`change_windows`, `scheduled_jobs`): times when a deviation is expected, so a
// finding inside one is lowered to info rather than dropped, and the evidence stays
// visible. The detectors share it so that they validate, compile and word these windows
// the same way.
package calendar

import (
	"fmt"
	"strings"
	"time"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/schedule"
)

// Validate appends an error for each invalid window, named by its config key and index.
func Validate(errs []error, changes, jobs []schedule.Window) []error {
	for i := range changes {
		if err := changes[i].Validate(); err != nil {
			errs = append(errs, fmt.Errorf("change_windows[%d]: %w", i, err))
		}
	}
	for i := range jobs {
		if err := jobs[i].Validate(); err != nil {
			errs = append(errs, fmt.Errorf("scheduled_jobs[%d]: %w", i, err))
		}
	}
	return errs
}

// Calendar is the compiled windows. The zero value has none.
type Calendar struct {
	changes, jobs *schedule.Set
}

// Compile prepares the windows. The error names the config key at fault; a config
// that passed Validate compiles.
func Compile(changes, jobs []schedule.Window) (Calendar, error) {
	c, err := schedule.Compile(changes)
	if err != nil {
		return Calendar{}, fmt.Errorf("change_windows: %w", err)
	}
	j, err := schedule.Compile(jobs)
	if err != nil {
		return Calendar{}, fmt.Errorf("scheduled_jobs: %w", err)
	}
	return Calendar{changes: c, jobs: j}, nil
}

// Active reports the window containing t, change windows first, with its kind as the
// reason words it ("change window" or "scheduled job"). It allocates nothing.
func (c Calendar) Active(t time.Time) (kind, name string, ok bool) {
	if name, ok = c.changes.Active(t); ok {
		return "change window", name, true
	}
	if name, ok = c.jobs.Active(t); ok {
		return "scheduled job", name, true
	}
	return "", "", false
}

// Lower lowers a finding inside a window to info (score below 20) and ends its reason
// with `; lowered to info: inside <kind> "<name>".`
func (c Calendar) Lower(f *detection.Finding) {
	if c.changes == nil && c.jobs == nil {
		return
	}
	kind, name, ok := c.Active(f.Time.AsTime())
	if !ok {
		return
	}
	f.Severity = detection.SeverityInfo
	if f.Score >= 20 {
		f.Score = 19
	}
	f.Reason = strings.TrimSuffix(f.Reason, ".") + "; lowered to info: inside " + kind + " \"" + name + "\"."
}
