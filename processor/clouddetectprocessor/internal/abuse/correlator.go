// Package abuse is the composite availability detection (AN1168): it watches the
// findings error_rate, saturation and scaling_churn produce for each item and, when a
// 5xx anomaly, saturation and scaling churn co-occur for the same service within a
// window, adds cloudwarden.abuse.automated_abuse at critical severity. Two of the three
// add the weaker cloudwarden.abuse.suspected_abuse.
//
// The correlation key is service.name. Scaling findings are about a group; a group
// joins a service through configured service_mapping patterns, or by observation: any
// item whose resource carries both service.name and autoscaler.group.name.
package abuse

import (
	"fmt"
	"math"
	"path"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.uber.org/zap"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/keyed"
)

// Components.
const (
	compErrors = iota
	compSaturation
	compChurn
	nComp
)

var compNames = [nComp]string{"elevated 5xx errors", "saturation", "scaling churn"}

// serviceState is the recent signal of each component for one service: 112 bytes.
type serviceState struct {
	name          string
	last          [nComp]int64 // time (ns) of the latest signal, 0 = none
	score         [nComp]float32
	sev           [nComp]detection.Severity
	_             [1]byte
	rule          [nComp]*detection.Rule
	group         string // scaling group of the latest churn signal
	lastComposite int64
	lastPartial   int64
}

// Where a group's service came from.
const (
	srcNone    uint8 = iota // configured patterns checked, no match
	srcConfig               // a configured pattern matched
	srcLearned              // seen on a resource next to service.name
)

type groupEntry struct {
	service string
	group   string // kept for learned entries, so a restore can re-check the patterns
	source  uint8
}

// Detector is the abuse correlator. Not safe for concurrent use.
type Detector struct {
	cfg        Config
	logger     *zap.Logger
	services   *keyed.Map[serviceState]
	groups     *keyed.Map[groupEntry]
	window     int64
	partialMin detection.Severity
}

var (
	_ detection.Correlator = (*Detector)(nil)
	_ detection.Stateful   = (*Detector)(nil)
	_ detection.Persistent = (*Detector)(nil)
)

// New builds the correlator.
func New(cfg Config, logger *zap.Logger) (*Detector, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = zap.NewNop()
	}
	sev, _ := detection.ParseSeverity(cfg.PartialMinSeverity)
	return &Detector{
		cfg:        cfg,
		logger:     logger,
		services:   keyed.New[serviceState](cfg.MaxKeys),
		groups:     keyed.New[groupEntry](cfg.MaxKeys),
		window:     int64(cfg.Window),
		partialMin: sev,
	}, nil
}

// StateStats reports tracked services plus group mappings.
func (d *Detector) StateStats() detection.StateStats {
	return detection.StateStats{
		Keys:      d.services.Len() + d.groups.Len(),
		Evictions: d.services.Evictions() + d.groups.Evictions(),
	}
}

func hashName(s string) uint64 { return keyed.Sep(keyed.HashString(keyed.Seed, s)) }

// Correlate learns group→service from the item's resource, records the availability
// findings the other detectors produced for the item, and adds a composite when the
// service's signals line up. With no findings and nothing new to learn it allocates
// nothing.
func (d *Detector) Correlate(res pcommon.Resource, out *detection.Findings) {
	attrs := res.Attributes()
	resService := ""
	if v, ok := attrs.Get(d.cfg.ServiceAttribute); ok && v.Type() == pcommon.ValueTypeStr {
		resService = v.Str()
	}
	if resService != "" {
		if g, ok := attrs.Get(d.cfg.GroupAttribute); ok && g.Type() == pcommon.ValueTypeStr && g.Str() != "" {
			d.learn(g.Str(), resService)
		}
	}
	n := len(*out)
	for i := 0; i < n; i++ {
		f := &(*out)[i]
		comp := component(f.Rule)
		// info findings were lowered by a change window or scheduled job: they must not
		// build a composite either
		if comp < 0 || f.Severity == detection.SeverityInfo {
			continue
		}
		svc, group := d.serviceOf(comp, f.Subject)
		if f.Rule.UUID == rulePinnedAtMax {
			svc, group = d.groupService(f.Subject), f.Subject
		}
		if svc == "" {
			svc = resService
		}
		if svc == "" {
			continue
		}
		t := int64(f.Time)
		st, created := d.services.GetOrCreate(hashName(svc))
		if created {
			st.name = strings.Clone(svc)
		}
		// keep the strongest signal of the component within the window; a weaker one
		// only keeps it current
		if st.last[comp] != 0 && abs(t-st.last[comp]) <= d.window && f.Score < float64(st.score[comp]) {
			st.last[comp] = max(st.last[comp], t)
		} else {
			st.last[comp], st.score[comp], st.sev[comp], st.rule[comp] = max(st.last[comp], t), float32(f.Score), f.Severity, f.Rule
		}
		if comp == compChurn {
			st.group = group
		}
		d.check(st, t, out)
	}
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

func component(r *detection.Rule) int {
	if r == nil {
		return -1
	}
	switch u := r.UUID; {
	case strings.HasPrefix(u, prefixErrorRate):
		return compErrors
	case strings.HasPrefix(u, prefixSaturation):
		return compSaturation
	case strings.HasPrefix(u, prefixChurn):
		return compChurn
	}
	return -1
}

// serviceOf maps a finding's subject to a service: churn subjects are groups, the
// others are services. (saturation's pinned_at_max is about a group too; Correlate
// maps it the same way.)
func (d *Detector) serviceOf(comp int, subject string) (service, group string) {
	switch comp {
	case compChurn:
		return d.groupService(subject), subject
	}
	return subject, ""
}

// learn records that group runs service. Configured mappings win over observation.
func (d *Detector) learn(group, service string) {
	e, created := d.groups.GetOrCreate(hashName(group))
	if created {
		d.resolve(e, group)
	}
	if e.source == srcConfig || (e.source == srcLearned && e.service == service) {
		return
	}
	e.service = strings.Clone(service)
	if e.group != group {
		e.group = strings.Clone(group)
	}
	e.source = srcLearned
}

func (d *Detector) groupService(group string) string {
	if group == "" {
		return ""
	}
	e, created := d.groups.GetOrCreate(hashName(group))
	if created {
		d.resolve(e, group)
	}
	return e.service
}

// resolve fills a new entry from the configured patterns (once per group).
func (d *Detector) resolve(e *groupEntry, group string) {
	e.source = srcNone
	for _, m := range d.cfg.ServiceMapping {
		if ok, _ := path.Match(m.Group, group); ok {
			e.service, e.source = m.Service, srcConfig
			return
		}
	}
}

// check adds a composite when the service's signals co-occur around time t.
func (d *Detector) check(st *serviceState, t int64, out *detection.Findings) {
	var present [nComp]bool
	count := 0
	var strongest float64
	for c := 0; c < nComp; c++ {
		if st.last[c] != 0 && abs(t-st.last[c]) <= d.window {
			present[c] = true
			count++
			strongest = math.Max(strongest, float64(st.score[c]))
		}
	}
	switch {
	case count == nComp:
		if st.lastComposite != 0 && t-st.lastComposite < d.window {
			return
		}
		st.lastComposite = t
		// critical, and always above the strongest component
		score := math.Min(100, math.Max(85, strongest+10))
		f := detection.Finding{
			Rule: &RuleAutomatedAbuse, Severity: detection.SeverityForScore(score), Score: score,
			Subject: st.name, Time: pcommon.Timestamp(uint64(t)),
			Reason: fmt.Sprintf("Service %s shows %s within %s: likely automated abuse (flood or resource hijacking).",
				st.name, d.evidence(st, present), d.cfg.Window),
		}
		out.Add(f)
	case count == 2 && d.cfg.Partial:
		for c := 0; c < nComp; c++ {
			if present[c] && st.sev[c] < d.partialMin {
				return
			}
		}
		if (st.lastPartial != 0 && t-st.lastPartial < d.window) || (st.lastComposite != 0 && t-st.lastComposite < d.window) {
			return
		}
		st.lastPartial = t
		// above each component, below the full composite
		score := math.Min(79, math.Max(45, strongest+5))
		f := detection.Finding{
			Rule: &RuleSuspectedAbuse, Severity: detection.SeverityForScore(score), Score: score,
			Subject: st.name, Time: pcommon.Timestamp(uint64(t)),
			Reason: fmt.Sprintf("Service %s shows %s within %s; the third signal of automated abuse is missing.",
				st.name, d.evidence(st, present), d.cfg.Window),
		}
		out.Add(f)
	}
}

func (d *Detector) evidence(st *serviceState, present [nComp]bool) string {
	var parts []string
	for c := 0; c < nComp; c++ {
		if !present[c] {
			continue
		}
		p := fmt.Sprintf("%s (%s, %s, score %.0f at %s)", compNames[c], st.rule[c].UUID, st.sev[c], st.score[c],
			time.Unix(0, st.last[c]).UTC().Format(time.RFC3339))
		if c == compChurn && st.group != "" {
			p = fmt.Sprintf("%s (group %s, %s, %s, score %.0f at %s)", compNames[c], st.group, st.rule[c].UUID, st.sev[c],
				st.score[c], time.Unix(0, st.last[c]).UTC().Format(time.RFC3339))
		}
		parts = append(parts, p)
	}
	switch len(parts) {
	case 3:
		return parts[0] + ", " + parts[1] + " and " + parts[2]
	case 2:
		return parts[0] + " and " + parts[1]
	}
	return strings.Join(parts, ", ")
}
