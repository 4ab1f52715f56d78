package scenario

import (
	"math/rand/v2"
	"time"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
)

// normalAt is the "web" service's ordinary minute (as service.normal), for attacks
// that change only one dimension.
var normalAt = daily(150, 2, 0.002)

// pulses alternates on and off minutes for an hour: on = a flood minute.
func pulses(on, off int) func(s *service, rng *rand.Rand) time.Time {
	return func(s *service, rng *rand.Rand) time.Time {
		warm(s)
		s.run(rng, onset, 60, func(at time.Time) (int, float64, float64) {
			m := int(at.Sub(onset) / time.Minute)
			if m%(on+off) < on {
				return 1200, 0.30, 0.96
			}
			return normalAt(at)
		})
		return onset
	}
}

// lowVolumeWarm: a back-office service with 20–40 requests a minute, 0.5% 5xx, and
// its usual morning scale-out and evening scale-in.
func lowVolumeWarm(s *service, rng *rand.Rand) {
	f := daily(20, 2, 0.005)
	for d := 0; d < 2; d++ {
		day := day0.Add(time.Duration(d) * 24 * time.Hour)
		n := 24 * 60
		if d == 1 {
			n = 14 * 60
		}
		s.run(rng, day, min(n, 9*60), f)
		s.scale(day.Add(9*time.Hour), "out")
		if n > 9*60 {
			s.run(rng, day.Add(9*time.Hour), min(n, 22*60)-9*60, f)
		}
		if n > 22*60 {
			s.scale(day.Add(22*time.Hour), "in")
			s.run(rng, day.Add(22*time.Hour), n-22*60, f)
		}
	}
}

// flood: rpm requests a minute at errRatio, CPU 97%, the group thrashing out/in.
func flood(s *service, rng *rand.Rand, rpm int, errRatio float64, minutes int) {
	for m := 1; m < minutes; m += 2 {
		dir := "out"
		if m%4 == 3 {
			dir = "in"
		}
		s.queue(onset.Add(time.Duration(m)*time.Minute+20*time.Second), dir)
	}
	s.run(rng, onset, minutes, func(time.Time) (int, float64, float64) { return rpm, errRatio, 0.97 })
}

func attackCases() []unseen {
	return []unseen{
		{
			name: "slow ramp of 5xx over 45 minutes",
			play: func(s *service, rng *rand.Rand) time.Time {
				warm(s)
				s.run(rng, onset, 60, func(at time.Time) (int, float64, float64) {
					rpm, _, cpu := normalAt(at)
					k := min(float64(at.Sub(onset))/float64(45*time.Minute), 1)
					return rpm, 0.002 + k*0.12, cpu
				})
				return onset
			},
			fire: []string{ruleErr}, minSev: detection.SeverityMedium, maxSev: detection.SeverityHigh,
			forbid: []string{ruleAbuse},
		},
		{
			name: "low and slow: 4x traffic, 4x 5xx on a 1% floor, for an hour",
			play: func(s *service, rng *rand.Rand) time.Time {
				s.run(rng, day0, 38*60, daily(150, 2, 0.01))
				s.run(rng, onset, 60, func(at time.Time) (int, float64, float64) {
					rpm, _, _ := normalAt(at)
					return 4 * rpm, 0.04, 0.75
				})
				return onset
			},
			fire: []string{ruleErr}, minSev: detection.SeverityMedium, maxSev: detection.SeverityHigh,
			forbid: []string{ruleAbuse},
		},
		{
			name: "on-off pulses: 3 minutes on, 2 off, for an hour",
			play: pulses(3, 2),
			fire: []string{ruleErr}, minSev: detection.SeverityMedium, maxSev: detection.SeverityHigh,
		},
		{
			name: "on-off pulses: 2 minutes on, 3 off, for an hour",
			play: pulses(2, 3),
			fire: []string{ruleErr}, minSev: detection.SeverityMedium, maxSev: detection.SeverityHigh,
		},
		{
			name: "on-off pulses: 1 minute on, 2 off, for an hour",
			play: pulses(1, 2),
			fire: []string{ruleErr}, minSev: detection.SeverityMedium, maxSev: detection.SeverityHigh,
		},
		{
			name: "compute hijack: CPU pinned at 99% for 4 hours, traffic unchanged",
			play: func(s *service, rng *rand.Rand) time.Time {
				warm(s)
				s.run(rng, onset, 4*60, func(at time.Time) (int, float64, float64) {
					rpm, p, _ := normalAt(at)
					return rpm, p, 0.99
				})
				return onset
			},
			fire: []string{ruleHigh, ruleUtil}, minSev: detection.SeverityMedium, maxSev: detection.SeverityMedium,
			forbid: []string{ruleErr, ruleAbuse},
		},
		{
			name: "compute hijack scaling the group to max and holding it there",
			play: func(s *service, rng *rand.Rand) time.Time {
				warm(s)
				s.queueTo(onset.Add(3*time.Minute), 20, 5*time.Minute)
				s.run(rng, onset, 4*60, func(at time.Time) (int, float64, float64) {
					rpm, p, _ := normalAt(at)
					return rpm, p, 0.99
				})
				return onset
			},
			fire: []string{ruleHigh, rulePinned, ruleExcess}, minSev: detection.SeverityMedium, maxSev: detection.SeverityHigh,
			forbid: []string{ruleErr},
		},
		{
			name: "flood on a low-volume service: 20-40 rpm to 400 rpm, 40% 5xx",
			play: func(s *service, rng *rand.Rand) time.Time {
				lowVolumeWarm(s, rng)
				flood(s, rng, 400, 0.40, 20)
				return onset
			},
			fire: []string{ruleErr, ruleFlap, ruleAbuse}, minSev: detection.SeverityCritical, maxSev: detection.SeverityCritical,
		},
		{
			name: "application-exhaustion flood on a low-volume service: 20-40 rpm to 80 rpm, 50% 5xx",
			play: func(s *service, rng *rand.Rand) time.Time {
				lowVolumeWarm(s, rng)
				flood(s, rng, 80, 0.50, 20)
				return onset
			},
			fire: []string{ruleErr, ruleFlap, ruleAbuse}, minSev: detection.SeverityCritical, maxSev: detection.SeverityCritical,
		},
		{
			name: "flood forcing the group to max and keeping it there for an hour",
			play: func(s *service, rng *rand.Rand) time.Time {
				warm(s)
				s.queueTo(onset.Add(time.Minute), 20, 2*time.Minute)
				s.run(rng, onset, 60, func(time.Time) (int, float64, float64) { return 1500, 0.25, 0.97 })
				return onset
			},
			fire: []string{ruleErr, ruleHigh, rulePinned, ruleAbuse}, minSev: detection.SeverityCritical, maxSev: detection.SeverityCritical,
		},
		{
			name: "scaling flapping: out and in every 3 minutes for an hour, traffic normal",
			play: func(s *service, rng *rand.Rand) time.Time {
				warm(s)
				for m := 0; m < 60; m += 3 {
					dir := "out"
					if m%6 == 3 {
						dir = "in"
					}
					s.queue(onset.Add(time.Duration(m)*time.Minute+15*time.Second), dir)
				}
				s.run(rng, onset, 60, normalAt)
				return onset
			},
			fire: []string{ruleFlap}, minSev: detection.SeverityMedium, maxSev: detection.SeverityHigh,
			forbid: []string{ruleAbuse, ruleSuspected, ruleErr},
		},
	}
}
