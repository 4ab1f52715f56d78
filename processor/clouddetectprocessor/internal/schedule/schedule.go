// Package schedule answers "is this timestamp inside a known window?" for change windows
// and scheduled-job calendars. Detectors use it to lower or annotate findings — never to
// drop records.
//
// STUB: API fixed; implementation to follow.
package schedule

import (
	"errors"
	"time"
)

// Window is a recurring or one-off period, as configured.
//
//	- name: nightly-batch
//	  cron: "0 2 * * *"      # start of each occurrence: 5-field cron (minute hour dom month dow)
//	  duration: 2h
//	  timezone: Europe/Berlin # IANA name; default UTC
//	- name: migration
//	  start: 2026-11-28T22:00:00Z   # one-off window
//	  end:   2026-11-29T02:00:00Z
type Window struct {
	Name     string        `mapstructure:"name"`
	Cron     string        `mapstructure:"cron"`
	Duration time.Duration `mapstructure:"duration"`
	Timezone string        `mapstructure:"timezone"`
	Start    time.Time     `mapstructure:"start"`
	End      time.Time     `mapstructure:"end"`
}

// Validate checks one window.
func (w *Window) Validate() error {
	if w.Name == "" {
		return errors.New("window needs a name")
	}
	return nil
}

// Set is a compiled list of windows.
type Set struct {
	windows []Window
}

// Compile validates and prepares windows.
func Compile(ws []Window) (*Set, error) {
	for i := range ws {
		if err := ws[i].Validate(); err != nil {
			return nil, err
		}
	}
	return &Set{windows: ws}, nil
}

// Active returns the name of a window containing t. It allocates nothing. A nil Set
// has no windows.
func (s *Set) Active(t time.Time) (name string, ok bool) {
	if s == nil {
		return "", false
	}
	for _, w := range s.windows {
		if !w.Start.IsZero() && !t.Before(w.Start) && t.Before(w.End) {
			return w.Name, true
		}
	}
	return "", false
}
