package scenario

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/schedule"
)

// autoscaled plays days of a shape with the group following demand: steps out in the
// morning, steps in at night (never direction changes within a window).
func autoscaled(s *service, rng *rand.Rand, from time.Time, days int, steps int64, f shape) {
	for d := 0; d < days; d++ {
		day := from.Add(time.Duration(d) * 24 * time.Hour)
		s.queueTo(day.Add(7*time.Hour), s.size+steps, 20*time.Minute)
		s.run(rng, day, 19*60, f)
		s.queueTo(day.Add(19*time.Hour), s.size-steps, 20*time.Minute)
		s.run(rng, day.Add(19*time.Hour), 5*60, f)
	}
}

// blip: a rolling deploy at onset+30s: 2 minutes of 20% 5xx, an instance added and removed.
func blip(s *service, rng *rand.Rand) time.Time {
	warm(s)
	s.queue(onset.Add(10*time.Second), "out")
	s.queue(onset.Add(4*time.Minute), "in")
	start, end := onset.Add(30*time.Second), onset.Add(150*time.Second)
	s.run(rng, onset, 60, func(at time.Time) (int, float64, float64) {
		rpm, p, cpu := normalAt(at)
		// the share of this minute inside the blip
		lo, hi := at, at.Add(time.Minute)
		if start.After(lo) {
			lo = start
		}
		if end.Before(hi) {
			hi = end
		}
		in := hi.Sub(lo)
		if in > 0 {
			p += 0.20 * float64(in) / float64(time.Minute)
		}
		return rpm, p, cpu
	})
	return onset
}

func changeWindow(c *configs) {
	w := []schedule.Window{{Name: "tuesday-release", Cron: "0 14 * * 2", Duration: 30 * time.Minute}}
	c.er.ChangeWindows, c.sat.ChangeWindows, c.ch.ChangeWindows = w, w, w
}

func benignCases() []unseen {
	quiet := []string{ruleAbuse, ruleSuspected, ruleFlap}
	return []unseen{
		{
			name: "strong diurnal traffic: 40 rpm at night, 400 by day, 3 days",
			play: func(s *service, rng *rand.Rand) time.Time {
				autoscaled(s, rng, day0, 3, 4, daily(40, 10, 0.003))
				return day0
			},
			maxSev: detection.SeverityLow, forbid: quiet,
		},
		{
			name: "weekly Monday-morning peak: 3x traffic 08-11h, 3 scale-outs, second Monday",
			play: func(s *service, rng *rand.Rand) time.Time {
				f := func(at time.Time) (int, float64, float64) {
					rpm, p, cpu := normalAt(at)
					if at.Weekday() == time.Monday && at.Hour() >= 8 && at.Hour() < 11 {
						return 3 * rpm, p, math.Min(0.85, cpu*1.6)
					}
					return rpm, p, cpu
				}
				for d := 0; d < 8; d++ {
					day := day0.Add(time.Duration(d) * 24 * time.Hour)
					if day.Weekday() == time.Monday {
						s.queueTo(day.Add(8*time.Hour), 7, 10*time.Minute)
						s.queueTo(day.Add(11*time.Hour), 4, 10*time.Minute)
					}
					s.run(rng, day, 24*60, f)
				}
				return day0
			},
			maxSev: detection.SeverityLow, forbid: quiet,
		},
		{
			name: "marketing spike: 5x traffic for 2 hours, 5xx flat, CPU held below 90% by scale-outs",
			play: func(s *service, rng *rand.Rand) time.Time {
				warm(s)
				s.queueTo(onset.Add(5*time.Minute), s.size+5, 4*time.Minute)
				s.run(rng, onset, 120, func(at time.Time) (int, float64, float64) {
					rpm, p, _ := normalAt(at)
					m := float64(at.Sub(onset) / time.Minute)
					k := min(m/10, 1)
					cpu := 0.5 + 0.35*k
					if m > 12 {
						cpu = 0.7
					}
					return int(float64(rpm) * (1 + 4*k)), p, cpu
				})
				return onset
			},
			maxSev: detection.SeverityLow, forbid: quiet,
		},
		{
			// KNOWN LIMIT (reported, not fixed): the 2 minutes straddle three one-minute
			// windows (10%, 20%, 10%), which meets sustain=3 and fires medium. An analyst
			// wants low at most here; use a change window (next case) or sustain: 4.
			name:   "2-minute 5xx blip during a deploy, outside any change window",
			play:   blip,
			fire:   []string{ruleErr},
			maxSev: detection.SeverityMedium, forbid: quiet,
		},
		{
			name:   "2-minute 5xx blip during a deploy, inside a change window",
			config: changeWindow,
			play:   blip,
			maxSev: detection.SeverityInfo, forbid: quiet,
		},
		{
			name: "hourly batch job: CPU 95% for 10 minutes every hour, fourth day",
			play: func(s *service, rng *rand.Rand) time.Time {
				s.run(rng, day0, 4*24*60, func(at time.Time) (int, float64, float64) {
					rpm, p, cpu := normalAt(at)
					if at.Minute() < 10 {
						cpu = 0.95
					}
					return rpm, p, cpu
				})
				return day0.Add(3 * 24 * time.Hour)
			},
			maxSev: detection.SeverityLow, forbid: append(quiet, ruleUtil),
		},
		{
			name: "normal autoscaling: 6 steps out 07-09h, 6 in 19-21h, 3 days",
			play: func(s *service, rng *rand.Rand) time.Time {
				autoscaled(s, rng, day0, 3, 6, daily(150, 4, 0.002))
				return day0
			},
			maxSev: detection.SeverityLow, forbid: quiet,
		},
		{
			name: "brand-new service: first hour, cold-start errors, two scale-outs",
			play: func(s *service, rng *rand.Rand) time.Time {
				s.queue(day0.Add(10*time.Hour+10*time.Minute), "out")
				s.queue(day0.Add(10*time.Hour+25*time.Minute), "out")
				start := day0.Add(10 * time.Hour)
				s.run(rng, start, 60, func(at time.Time) (int, float64, float64) {
					m := at.Sub(start) / time.Minute
					if m < 3 {
						return 120, 0.06, 0.8
					}
					return 250, 0.01, 0.55
				})
				return start
			},
			maxSev: detection.SeverityLow, forbid: quiet,
		},
		{
			name: "constant 1% error floor, 3 days",
			play: func(s *service, rng *rand.Rand) time.Time {
				autoscaled(s, rng, day0, 3, 2, daily(150, 2, 0.01))
				return day0
			},
			maxSev: detection.SeverityInfo, forbid: append(quiet, ruleErr),
		},
	}
}
