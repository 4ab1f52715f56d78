// Package schedule answers "is this timestamp inside a known window?" for change windows
// and scheduled-job calendars. Detectors use it to lower or annotate findings — never to
// drop records.
//
// A window is either recurring (a 5-field cron expression giving the start of each
// occurrence, plus a duration) or one-off (start and end). A recurring window may also
// carry start and/or end, which then bound the recurrence (e.g. "nightly, until the
// migration ends").
package schedule

import (
	"errors"
	"fmt"
	"time"
	// Windows name IANA time zones; collectors often run in minimal images without a
	// zoneinfo database, so the binary carries its own (~450 KB).
	_ "time/tzdata"
)

// Window is a recurring or one-off period, as configured.
//
//   - name: nightly-batch
//     cron: "0 2 * * *"      # start of each occurrence: 5-field cron (minute hour dom month dow)
//     duration: 2h
//     timezone: Europe/Berlin # IANA name; default UTC
//   - name: migration
//     start: 2026-11-28T22:00:00Z   # one-off window
//     end:   2026-11-29T02:00:00Z
type Window struct {
	Name     string        `mapstructure:"name"`
	Cron     string        `mapstructure:"cron"`
	Duration time.Duration `mapstructure:"duration"`
	Timezone string        `mapstructure:"timezone"`
	Start    time.Time     `mapstructure:"start"`
	End      time.Time     `mapstructure:"end"`
}

// maxDuration bounds how far back Active searches for an occurrence start, so a lookup
// costs at most a few hundred day checks.
const maxDuration = 366 * 24 * time.Hour

// Validate checks one window.
func (w *Window) Validate() error {
	_, err := w.compile()
	return err
}

func (w *Window) compile() (compiled, error) {
	c := compiled{name: w.Name, start: w.Start, end: w.End, dur: w.Duration}
	if w.Name == "" {
		return c, errors.New("window needs a name")
	}
	if !w.Start.IsZero() && !w.End.IsZero() && !w.End.After(w.Start) {
		return c, fmt.Errorf("window %q: end must be after start", w.Name)
	}
	if w.Cron == "" {
		if w.Start.IsZero() || w.End.IsZero() {
			return c, fmt.Errorf("window %q: needs either cron and duration, or start and end", w.Name)
		}
		if w.Duration != 0 || w.Timezone != "" {
			return c, fmt.Errorf("window %q: duration and timezone apply only with cron", w.Name)
		}
		return c, nil
	}
	if w.Duration <= 0 || w.Duration > maxDuration {
		return c, fmt.Errorf("window %q: cron needs a duration, positive and at most %v", w.Name, maxDuration)
	}
	spec, err := parseCron(w.Cron)
	if err != nil {
		return c, fmt.Errorf("window %q: %w", w.Name, err)
	}
	c.cron = &spec
	c.loc = time.UTC
	if w.Timezone != "" {
		loc, err := time.LoadLocation(w.Timezone)
		if err != nil {
			return c, fmt.Errorf("window %q: timezone: %w", w.Name, err)
		}
		c.loc = loc
	}
	return c, nil
}

type compiled struct {
	name       string
	cron       *cronSpec // nil for one-off windows
	dur        time.Duration
	loc        *time.Location
	start, end time.Time // bounds; zero = open
}

// Set is a compiled list of windows.
type Set struct {
	windows []compiled
}

// Compile validates and prepares windows.
func Compile(ws []Window) (*Set, error) {
	s := &Set{windows: make([]compiled, 0, len(ws))}
	for i := range ws {
		c, err := ws[i].compile()
		if err != nil {
			return nil, err
		}
		s.windows = append(s.windows, c)
	}
	return s, nil
}

// Active returns the name of a window containing t. It allocates nothing. A nil Set
// has no windows.
func (s *Set) Active(t time.Time) (name string, ok bool) {
	if s == nil {
		return "", false
	}
	for i := range s.windows {
		if s.windows[i].contains(t) {
			return s.windows[i].name, true
		}
	}
	return "", false
}

func (c *compiled) contains(t time.Time) bool {
	if !c.start.IsZero() && t.Before(c.start) {
		return false
	}
	if !c.end.IsZero() && !t.Before(c.end) {
		return false
	}
	if c.cron == nil {
		return true
	}
	// Only the latest occurrence start at or before t matters: if it is more than the
	// duration ago, every earlier one is too.
	last, ok := c.cron.latestAtOrBefore(t.In(c.loc), c.dur)
	if !ok {
		return false
	}
	return t.Sub(last) < c.dur
}
