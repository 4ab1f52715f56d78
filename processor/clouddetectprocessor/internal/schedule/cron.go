package schedule

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// cronSpec is a compiled 5-field cron expression: one bit per allowed value.
type cronSpec struct {
	minute, hour, dom, month, dow uint64
	// Vixie-cron rule: when both day-of-month and day-of-week are restricted, a day
	// matches if EITHER matches; when one is "*", both must (i.e. only the other counts).
	domStar, dowStar bool
}

var macros = map[string]string{
	"@yearly":   "0 0 1 1 *",
	"@annually": "0 0 1 1 *",
	"@monthly":  "0 0 1 * *",
	"@weekly":   "0 0 * * 0",
	"@daily":    "0 0 * * *",
	"@midnight": "0 0 * * *",
	"@hourly":   "0 * * * *",
}

var monthNames = map[string]int{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
	"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}

var dowNames = map[string]int{"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}

type fieldDef struct {
	name     string
	min, max int
	names    map[string]int
}

var fields = [5]fieldDef{
	{"minute", 0, 59, nil},
	{"hour", 0, 23, nil},
	{"day of month", 1, 31, nil},
	{"month", 1, 12, monthNames},
	{"day of week", 0, 7, dowNames}, // 7 is Sunday too
}

func parseCron(expr string) (cronSpec, error) {
	expr = strings.TrimSpace(expr)
	if m, ok := macros[strings.ToLower(expr)]; ok {
		expr = m
	}
	parts := strings.Fields(expr)
	if len(parts) != 5 {
		return cronSpec{}, fmt.Errorf("cron %q: want 5 fields (minute hour day-of-month month day-of-week), got %d", expr, len(parts))
	}
	var bits [5]uint64
	for i, p := range parts {
		b, err := parseField(p, fields[i])
		if err != nil {
			return cronSpec{}, fmt.Errorf("cron %q: %s: %w", expr, fields[i].name, err)
		}
		bits[i] = b
	}
	if bits[4]&(1<<7) != 0 { // fold 7 into 0 (Sunday)
		bits[4] = bits[4]&^(1<<7) | 1
	}
	return cronSpec{
		minute: bits[0], hour: bits[1], dom: bits[2], month: bits[3], dow: bits[4],
		domStar: strings.HasPrefix(parts[2], "*"), dowStar: strings.HasPrefix(parts[4], "*"),
	}, nil
}

func parseField(s string, f fieldDef) (uint64, error) {
	var bits uint64
	for _, item := range strings.Split(s, ",") {
		if item == "" {
			return 0, fmt.Errorf("empty list item in %q", s)
		}
		rng, step := item, 1
		if i := strings.IndexByte(item, '/'); i >= 0 {
			n, err := strconv.Atoi(item[i+1:])
			if err != nil || n < 1 || n > f.max {
				return 0, fmt.Errorf("bad step in %q", item)
			}
			rng, step = item[:i], n
		}
		lo, hi := f.min, f.max
		switch {
		case rng == "*":
		case strings.IndexByte(rng, '-') > 0:
			i := strings.IndexByte(rng, '-')
			a, err := value(rng[:i], f)
			if err != nil {
				return 0, err
			}
			b, err := value(rng[i+1:], f)
			if err != nil {
				return 0, err
			}
			if a > b {
				return 0, fmt.Errorf("range %q runs backwards", rng)
			}
			lo, hi = a, b
		default:
			a, err := value(rng, f)
			if err != nil {
				return 0, err
			}
			lo = a
			if step == 1 {
				hi = a
			} // "a/step" runs from a to the field's maximum
		}
		for v := lo; v <= hi; v += step {
			bits |= 1 << uint(v)
		}
	}
	return bits, nil
}

func value(s string, f fieldDef) (int, error) {
	if f.names != nil {
		if v, ok := f.names[strings.ToLower(s)]; ok {
			return v, nil
		}
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < f.min || v > f.max {
		return 0, fmt.Errorf("value %q out of range %d-%d", s, f.min, f.max)
	}
	return v, nil
}

func (c *cronSpec) dayMatches(d time.Time) bool {
	if c.month&(1<<uint(d.Month())) == 0 {
		return false
	}
	domOK := c.dom&(1<<uint(d.Day())) != 0
	dowOK := c.dow&(1<<uint(d.Weekday())) != 0
	if c.domStar || c.dowStar {
		return domOK && dowOK
	}
	return domOK || dowOK
}

// latestAtOrBefore returns the latest occurrence start at or before t (in t's
// location), looking back no further than window days. It allocates nothing.
func (c *cronSpec) latestAtOrBefore(t time.Time, window time.Duration) (time.Time, bool) {
	y, mo, d := t.Date()
	loc := t.Location()
	days := int(window/(24*time.Hour)) + 1
	for k := 0; k <= days; k++ {
		// Noon avoids DST gaps when stepping back a day.
		day := time.Date(y, mo, d-k, 12, 0, 0, 0, loc)
		if !c.dayMatches(day) {
			continue
		}
		hLimit, mLimit := 23, 59
		if k == 0 {
			hLimit, mLimit = t.Hour(), t.Minute()
		}
		for h := hLimit; h >= 0; h-- {
			if c.hour&(1<<uint(h)) == 0 {
				continue
			}
			ml := 59
			if k == 0 && h == hLimit {
				ml = mLimit
			}
			if m, ok := highestBit(c.minute, ml); ok {
				dy, dm, dd := day.Date()
				return time.Date(dy, dm, dd, h, m, 0, 0, loc), true
			}
		}
	}
	return time.Time{}, false
}

// highestBit returns the highest set bit of b at or below limit.
func highestBit(b uint64, limit int) (int, bool) {
	for i := limit; i >= 0; i-- {
		if b&(1<<uint(i)) != 0 {
			return i, true
		}
	}
	return 0, false
}
