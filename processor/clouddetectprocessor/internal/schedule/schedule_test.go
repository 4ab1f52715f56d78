package schedule

import (
	"testing"
	"time"
)

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestActive(t *testing.T) {
	ws := []Window{
		{Name: "nightly", Cron: "0 2 * * *", Duration: 2 * time.Hour},
		{Name: "berlin-weekday", Cron: "30 9 * * mon-fri", Duration: 30 * time.Minute, Timezone: "Europe/Berlin"},
		{Name: "migration", Start: ts("2026-11-28T22:00:00Z"), End: ts("2026-11-29T01:00:00Z")},
		{Name: "quarterly", Cron: "0 0 1 JAN,APR,JUL,OCT *", Duration: 48 * time.Hour},
		{Name: "every-15", Cron: "*/15 12 * * SUN", Duration: 5 * time.Minute},
		{Name: "bounded", Cron: "0 20 * * *", Duration: time.Hour, Start: ts("2026-12-01T00:00:00Z"), End: ts("2026-12-03T00:00:00Z")},
		{Name: "dom-or-dow", Cron: "0 6 13 * 5", Duration: time.Hour}, // 13th OR Friday
	}
	set, err := Compile(ws)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		at   string
		want string // "" = no window
	}{
		{"2026-11-23T02:00:00Z", "nightly"},
		{"2026-11-23T03:59:59Z", "nightly"},
		{"2026-11-23T04:00:00Z", ""},
		{"2026-11-23T01:59:59Z", ""},
		// Monday 23 Nov 2026, Berlin is UTC+1: 09:30 local = 08:30Z.
		{"2026-11-23T08:45:00Z", "berlin-weekday"},
		{"2026-11-23T09:45:00Z", ""},
		// Saturday: no weekday window.
		{"2026-11-28T08:45:00Z", ""},
		// Summer time (UTC+2): 09:30 local = 07:30Z on Monday 6 July 2026.
		{"2026-07-06T07:40:00Z", "berlin-weekday"},
		{"2026-11-28T23:00:00Z", "migration"},
		{"2026-11-29T01:00:00Z", ""},
		{"2026-10-02T23:59:00Z", "quarterly"},
		{"2026-10-03T00:00:00Z", ""},
		{"2026-11-01T12:07:00Z", ""}, // November is not in the list (a Sunday, after every-15 closed)
		// Sunday 22 Nov 2026.
		{"2026-11-22T12:47:00Z", "every-15"},
		{"2026-11-22T12:51:00Z", ""},
		{"2026-12-02T20:30:00Z", "bounded"},
		{"2026-12-03T20:30:00Z", ""},
		{"2026-11-30T20:30:00Z", ""},
		{"2026-11-13T06:10:00Z", "dom-or-dow"}, // Friday 13th
		{"2026-11-20T06:10:00Z", "dom-or-dow"}, // a Friday
		{"2026-12-13T06:10:00Z", "dom-or-dow"}, // a Sunday, 13th
		{"2026-11-19T06:10:00Z", ""},
	}
	for _, c := range cases {
		got, ok := set.Active(ts(c.at))
		if c.want == "" {
			if ok {
				t.Errorf("%s: got window %q, want none", c.at, got)
			}
			continue
		}
		if !ok || got != c.want {
			t.Errorf("%s: got %q,%v want %q", c.at, got, ok, c.want)
		}
	}
}

func TestNilSet(t *testing.T) {
	var s *Set
	if _, ok := s.Active(time.Now()); ok {
		t.Fatal("nil set must have no window")
	}
}

func TestValidate(t *testing.T) {
	bad := []Window{
		{Cron: "0 2 * * *", Duration: time.Hour},
		{Name: "x", Cron: "0 2 * *", Duration: time.Hour},
		{Name: "x", Cron: "61 2 * * *", Duration: time.Hour},
		{Name: "x", Cron: "0 2 * * *"},
		{Name: "x", Cron: "0 5-2 * * *", Duration: time.Hour},
		{Name: "x", Cron: "*/0 * * * *", Duration: time.Hour},
		{Name: "x", Cron: "0 2 * foo *", Duration: time.Hour},
		{Name: "x", Cron: "0 2 * * *", Duration: time.Hour, Timezone: "Not/AZone"},
		{Name: "x", Start: ts("2026-01-02T00:00:00Z")},
		{Name: "x", Start: ts("2026-01-02T00:00:00Z"), End: ts("2026-01-01T00:00:00Z")},
		{Name: "x", Start: ts("2026-01-01T00:00:00Z"), End: ts("2026-01-02T00:00:00Z"), Duration: time.Hour},
	}
	for i, w := range bad {
		if err := w.Validate(); err == nil {
			t.Errorf("case %d (%+v): want error", i, w)
		}
	}
	good := []Window{
		{Name: "a", Cron: "@daily", Duration: time.Hour},
		{Name: "b", Cron: "0-59/10 8-18 1,15 * MON-FRI", Duration: time.Minute},
		{Name: "c", Cron: "0 0 * * 7", Duration: time.Hour},
		{Name: "d", Start: ts("2026-01-01T00:00:00Z"), End: ts("2026-01-02T00:00:00Z")},
	}
	for _, w := range good {
		if err := w.Validate(); err != nil {
			t.Errorf("%s: %v", w.Name, err)
		}
	}
}

func TestSundaySeven(t *testing.T) {
	s, err := Compile([]Window{{Name: "sun", Cron: "0 0 * * 7", Duration: time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Active(ts("2026-11-22T00:30:00Z")); !ok {
		t.Fatal("7 must mean Sunday")
	}
}

func TestActiveAllocs(t *testing.T) {
	s, err := Compile([]Window{
		{Name: "b", Cron: "30 9 * * mon-fri", Duration: 30 * time.Minute, Timezone: "Europe/Berlin"},
		{Name: "w", Cron: "0 0 * * sun", Duration: 72 * time.Hour},
	})
	if err != nil {
		t.Fatal(err)
	}
	at := ts("2026-11-25T08:45:00Z")
	if n := testing.AllocsPerRun(100, func() { s.Active(at) }); n != 0 {
		t.Fatalf("Active allocates %v", n)
	}
}

func FuzzParseCron(f *testing.F) {
	for _, s := range []string{"0 2 * * *", "*/5 1-3 1,15 jan-mar mon", "@weekly", "a b c d e", "1-/2 * * * *"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		spec, err := parseCron(s)
		if err != nil {
			return
		}
		spec.latestAtOrBefore(ts("2026-11-23T10:00:00Z"), 48*time.Hour)
	})
}
