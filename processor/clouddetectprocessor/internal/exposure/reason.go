package exposure

import (
	"math"
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
)

// emit applies the record-wide modifiers (automation, change window, failed call,
// duplicate record) and appends one finding per rule that fired.
func (d *Detector) emit(c *recCtx, out *detection.Findings) {
	best := -1.0
	for i := range d.cands {
		if d.cands[i].ok && d.cands[i].score > best {
			best = d.cands[i].score
		}
	}
	if best < 0 {
		return
	}
	mult := 1.0
	autoReason, auto := d.automation(&c.id)
	if auto {
		mult *= automationFactor
	}
	window, inWindow := d.windows.Active(c.t.AsTime())
	if inWindow {
		mult *= windowFactor
	}
	best = min(best*mult, 100)
	duplicate := false
	if c.opID != "" && !c.failed {
		k := acctKey(c.account, "op", c.opID)
		if st, ok := d.st.ops.Peek(k); ok && st.Score >= best {
			duplicate = true
		} else {
			st, _ := d.st.ops.GetOrCreate(k)
			st.Score, st.Time = best, int64(c.t)
		}
	}
	// The ingress rules usually share one winning item: describe it once, and reuse
	// the whole reason when the score is the same too.
	bodyItem, body := -1, ""
	lastReason, lastScore := "", -1.0
	for slot := range d.cands {
		cand := &d.cands[slot]
		if !cand.ok {
			continue
		}
		reuse := slot <= lastIngressSlot && cand.item == bodyItem
		if !reuse {
			var bb strings.Builder
			bb.Grow(192)
			d.describe(&bb, c, slot, cand)
			body = bb.String()
			bodyItem = -1
			if slot <= lastIngressSlot {
				bodyItem = cand.item
			}
		}
		score := min(cand.score*mult, 100)
		switch {
		case c.failed:
			score = min(score*failedFactor, infoCap)
		case duplicate:
			score = min(score, infoCap)
		}
		score = math.Round(score*10) / 10
		if reuse && score == lastScore {
			out.Add(detection.Finding{
				Rule: slotRules[slot], Severity: detection.SeverityForScore(score), Score: score,
				Reason: lastReason, Subject: c.resourceID, Time: c.t,
			})
			continue
		}
		var b strings.Builder
		b.Grow(len(body) + 96)
		switch {
		case c.failed:
			b.WriteString("Failed call")
			if c.errType != "" {
				b.WriteString(" (" + c.errType + ")")
			}
			b.WriteString(", not an exposure: ")
		case duplicate:
			b.WriteString("Duplicate record of operation " + c.opID + ", already reported: ")
		}
		b.WriteString(body)
		if auto {
			b.WriteString("; automation identity")
			if autoReason != "" {
				b.WriteString(" (" + autoReason + ")")
			}
		}
		if inWindow {
			b.WriteString("; inside change window " + window)
		}
		b.WriteString("; score ")
		var num [24]byte
		b.Write(strconv.AppendFloat(num[:0], score, 'f', 1, 64))
		b.WriteString(".")
		lastReason, lastScore = b.String(), score
		out.Add(detection.Finding{
			Rule:     slotRules[slot],
			Severity: detection.SeverityForScore(score),
			Score:    score,
			Reason:   lastReason,
			Subject:  c.resourceID,
			Time:     c.t,
		})
	}
}

func (d *Detector) automation(id *identity) (string, bool) {
	for _, a := range d.cfg.Automation {
		if a.Principal != "" && !globMatch(a.Principal, id.principal) {
			continue
		}
		if a.UserAgent != "" && !globMatch(a.UserAgent, id.userAgent) {
			continue
		}
		if a.Role != "" && !id.hasRole(a.Role) {
			continue
		}
		return a.Reason, true
	}
	return "", false
}

var dirNames = [...]string{"possibly-ingress", "ingress", "egress"}

// dirName is safe for values read back from a snapshot.
func dirName(d uint8) string {
	if int(d) < len(dirNames) {
		return dirNames[d]
	}
	return dirNames[0]
}

// describe writes the evidence of one candidate: direction, peer, ports, target,
// identity and per-rule annotations.
func (d *Detector) describe(b *strings.Builder, c *recCtx, slot int, cand *candidate) {
	if slot == slotPrefixList {
		b.WriteString("Prefix list " + cand.listID + " gained " + cand.peer)
		if cand.list.Referenced {
			b.WriteString(" while rule " + cand.list.RefRule + " references it for " + dirName(cand.list.RefDir) + " " + cand.list.RefPorts)
		} else {
			b.WriteString(", not referenced by any rule seen yet")
		}
		c.id.describe(b)
		return
	}
	verb := "allow"
	if cand.deny {
		verb = "deny"
	}
	if slot == slotDenyRemoved {
		if cand.disabled {
			b.WriteString("Disabled ")
		} else {
			b.WriteString("Removed ")
		}
	} else if c.change == schema.ChangeModify {
		b.WriteString("Modified ")
	} else {
		b.WriteString("Added ")
	}
	b.WriteString(dirName(cand.dir))
	b.WriteString(" " + verb + " rule")
	if cand.ruleID != "" {
		b.WriteString(" " + cand.ruleID)
	}
	if cand.fromState {
		b.WriteString(" (was ")
		b.WriteString(cand.peer)
		b.WriteString(")")
	} else {
		if cand.dir == dirEgress {
			b.WriteString(" to ")
		} else {
			b.WriteString(" from ")
		}
		b.WriteString(cand.peer)
		if cand.viaList != "" {
			b.WriteString(" (via prefix list " + cand.viaList + ")")
		}
		b.WriteString(" on ")
		if cand.portsText != "" {
			b.WriteString(cand.portsText)
		} else {
			writePorts(b, cand.protocol, cand.rule, &cand.ports)
		}
	}
	if c.resourceID != "" {
		b.WriteString(" of " + c.resourceID)
	}
	c.id.describe(b)
	if cand.unknownDir {
		b.WriteString("; direction unknown")
		if cand.ruleID != "" {
			b.WriteString(" (rule " + cand.ruleID + " not seen before)")
		}
		b.WriteString(", treated as possibly ingress with lower confidence")
	}
	if cand.prev != "" && c.change == schema.ChangeModify {
		b.WriteString("; was " + cand.prev)
		if cand.notWider {
			b.WriteString(", not wider than before")
		}
	}
	if cand.reenabled {
		b.WriteString("; rule re-enabled")
	}
	if cand.defEgress != "" {
		b.WriteString("; " + cand.defEgress + ", so informational")
	}
	if cand.allowed {
		b.WriteString("; allowlisted")
		if cand.allowReason != "" {
			b.WriteString(" (" + cand.allowReason + ")")
		}
	}
}

// portText renders a rule's protocol and ports, e.g. "tcp 22 (high-risk: 22 ssh)".
func portText(protocol string, m pcommon.Map, e *portEval) string {
	var b strings.Builder
	writePorts(&b, protocol, m, e)
	return b.String()
}

func writePorts(b *strings.Builder, protocol string, m pcommon.Map, e *portEval) {
	switch {
	case isAllProtocol(protocol):
		b.WriteString("all protocols and ports")
		return
	case isICMP(protocol):
		b.WriteString(protocol)
		return
	}
	b.WriteString(protocol)
	if e.all {
		b.WriteString(" all ports")
	} else if v, ok := m.Get(schema.RulePortRanges); ok && v.Type() == pcommon.ValueTypeSlice {
		s := v.Slice()
		for j := 0; j < s.Len() && j < 8; j++ {
			if j == 0 {
				b.WriteByte(' ')
			} else {
				b.WriteByte(',')
			}
			b.WriteString(s.At(j).Str())
		}
		if s.Len() > 8 {
			b.WriteString(",…")
		}
	}
	switch {
	case e.all:
	case e.highRisk:
		b.WriteString(" (high-risk: ")
		b.WriteString(strconv.Itoa(int(e.firstRisk)))
		if n, ok := serviceNames[e.firstRisk]; ok {
			b.WriteString(" " + n)
		}
		if e.hrCount > 1 {
			b.WriteString(" and " + strconv.Itoa(e.hrCount-1) + " more")
		}
		b.WriteString(")")
	case e.expected:
		b.WriteString(" (expected internet ports)")
	}
}
