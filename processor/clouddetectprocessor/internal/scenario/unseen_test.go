package scenario

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
)

// Scenarios beyond the four in scenario_test.go, all at the default configuration
// (burn-rate mode off, as shipped): what a SOC analyst expects of AN1168 on attacks
// and on ordinary operations the detectors have not been tuned on.

// Rule uuids, short.
const (
	ruleErr       = "cloudwarden.error_rate.anomaly"
	ruleHigh      = "cloudwarden.saturation.sustained_high"
	ruleUtil      = "cloudwarden.saturation.utilisation_anomaly"
	rulePinned    = "cloudwarden.saturation.pinned_at_max"
	ruleExcess    = "cloudwarden.scaling_churn.excess_actions"
	ruleFlap      = "cloudwarden.scaling_churn.flapping"
	ruleAbuse     = "cloudwarden.abuse.automated_abuse"
	ruleSuspected = "cloudwarden.abuse.suspected_abuse"
)

// shape is one minute of a service: requests, their 5xx ratio, CPU.
type shape func(at time.Time) (rpm int, errRatio, cpu float64)

// queued scaling actions, emitted by run in time order with the minutes around them
// (CloudTrail delivers them minutes late in reality; the detectors use event time).
type queued struct {
	at  time.Time
	dir string
}

var pending = map[*service][]queued{}

// queueTo plans one-step actions every `every` from at until the group has size n.
func (s *service) queueTo(at time.Time, n int64, every time.Duration) {
	size := s.size
	for _, q := range pending[s] {
		if q.dir == "out" {
			size++
		} else {
			size--
		}
	}
	for ; size != n; at = at.Add(every) {
		dir := "out"
		if n < size {
			dir = "in"
			size--
		} else {
			size++
		}
		pending[s] = append(pending[s], queued{at, dir})
	}
}

func (s *service) queue(at time.Time, dir string) { pending[s] = append(pending[s], queued{at, dir}) }

// flush emits the queued actions before t.
func (s *service) flush(t time.Time) {
	q := pending[s]
	for len(q) > 0 && q[0].at.Before(t) {
		s.scale(q[0].at, q[0].dir)
		q = q[1:]
	}
	pending[s] = q
}

// run plays minutes of a shape with binomial 5xx counts and ±2 points of CPU noise,
// so the baselines learn realistic spread rather than a perfectly flat line.
func (s *service) run(rng *rand.Rand, from time.Time, minutes int, f shape) {
	for m := 0; m < minutes; m++ {
		at := from.Add(time.Duration(m) * time.Minute)
		s.flush(at.Add(time.Minute))
		rpm, p, cpu := f(at)
		bad := 0
		for i := 0; i < rpm; i++ {
			if rng.Float64() < p {
				bad++
			}
		}
		s.requests(at, time.Minute, rpm, bad)
		for k := 0; k < 2; k++ {
			c := cpu + 0.02*(rng.Float64()*2-1)
			s.cpuAt(at.Add(time.Duration(k)*30*time.Second), math.Min(c, 1))
		}
	}
}

// daily is the service's normal curve (as service.normal) scaled: base rpm at night,
// peak·base mid-afternoon, the given error floor.
func daily(base int, peak, errFloor float64) shape {
	return func(at time.Time) (int, float64, float64) {
		h := float64(at.Hour()) + float64(at.Minute())/60
		d := 0.5 + 0.5*math.Sin((h-9)/24*2*math.Pi)
		rpm := float64(base) * (1 + (peak-1)*d)
		return int(rpm), errFloor, 0.25 + 0.35*d
	}
}

// Tuesday 14:00, after a normal Monday and Tuesday morning.
var onset = day0.Add(24*time.Hour + 14*time.Hour)

// warm plays the usual normal day and a half before onset.
func warm(s *service) {
	s.normal(day0, 24*60)
	s.normal(day0.Add(24*time.Hour), 14*60)
}

type unseen struct {
	name   string
	config func(*configs)
	// play returns the start of the part under test; findings before it are ignored
	play func(s *service, rng *rand.Rand) time.Time
	// fire: each must fire at least once; maxSev: nothing above it; minSev: the
	// strongest finding is at least this; forbid: must not fire
	fire   []string
	minSev detection.Severity
	maxSev detection.Severity
	forbid []string
}

func TestUnseenScenarios(t *testing.T) {
	for _, tc := range unseenCases() {
		t.Run(tc.name, func(t *testing.T) {
			c := defaults()
			if tc.config != nil {
				tc.config(&c)
			}
			p := newPipeline(t, c)
			s := newService(p)
			from := tc.play(s, rand.New(rand.NewPCG(1, 2)))
			fired := map[string]detection.Severity{}
			var strongest *detection.Finding
			for i := range p.all {
				f := &p.all[i]
				if f.Time.AsTime().Before(from) {
					continue
				}
				if _, ok := fired[f.Rule.UUID]; !ok {
					t.Logf("first %s at +%s: %s %.0f", f.Rule.UUID, f.Time.AsTime().Sub(from), f.Severity, f.Score)
				}
				if old, ok := fired[f.Rule.UUID]; !ok || f.Severity > old {
					fired[f.Rule.UUID] = f.Severity
				}
				if strongest == nil || f.Score > strongest.Score {
					strongest = f
				}
			}
			var sum []string
			for u, sev := range fired {
				sum = append(sum, strings.TrimPrefix(u, "cloudwarden.")+"="+sev.String())
			}
			t.Logf("fired: %v", sum)
			if strongest != nil {
				t.Logf("strongest: %s %s %.0f: %s", strongest.Rule.UUID, strongest.Severity, strongest.Score, strongest.Reason)
			}
			for _, u := range tc.fire {
				_, ok := fired[u]
				assert.True(t, ok, "%s did not fire", u)
			}
			for _, u := range tc.forbid {
				_, ok := fired[u]
				assert.False(t, ok, "%s fired", u)
			}
			got := detection.SeverityInfo
			if strongest != nil {
				for _, sev := range fired {
					got = max(got, sev)
				}
			}
			assert.LessOrEqual(t, got, tc.maxSev, "strongest severity")
			assert.GreaterOrEqual(t, got, tc.minSev, "strongest severity")
		})
	}
}

func unseenCases() []unseen {
	return append(attackCases(), benignCases()...)
}
