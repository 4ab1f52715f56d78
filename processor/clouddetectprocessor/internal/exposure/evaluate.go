package exposure

import (
	"net/netip"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
)

// Rule slots, in output order. The three ingress rules usually fire together with one
// score; the first of equals becomes the record's security_rule.*, so the most specific
// comes first: all ports, then a high-risk port, then any port from the world.
const (
	slotAllPorts = iota
	slotHighRisk
	slotAnySource
	slotEgress
	slotDenyRemoved
	slotPrefixList
	numRules
)

// lastIngressSlot ends the ingress slots, which share one description of the rule.
const lastIngressSlot = slotAnySource

var slotRules = [numRules]*detection.Rule{
	RuleAllPortsIngress, RuleHighRiskPortIngress, RuleAnySourceIngress,
	RuleAnyDestinationEgress, RuleDenyRemoved, RulePrefixListWorld,
}

// Score factors (see docs/detections/exposure.md).
const (
	scoreScale        = 85.0 // world × all ports × neutral identity = 85 (critical)
	egressFactor      = 0.4  // leaving is less direct than being reachable
	unknownDirFactor  = 0.8  // ModifySecurityGroupRules on a rule id never seen
	denyRemovedFactor = 0.8  // access widens only if an allow rule lies behind the deny
	unreferencedList  = 0.6  // prefix list not referenced by any rule seen yet
	allowlistFactor   = 0.2
	notWiderFactor    = 0.5
	automationFactor  = 0.5
	windowFactor      = 0.6
	failedFactor      = 0.2
	infoCap           = 19.0 // the highest info score
	defaultEgressCap  = 10.0
)

// recCtx is what every rule of one record shares.
type recCtx struct {
	account, change, method, resourceID, opID, errType string
	failed                                             bool
	t                                                  pcommon.Timestamp
	id                                                 identity
}

// candidate is the evidence for one rule on one record; the strongest one per rule wins.
type candidate struct {
	ok          bool
	score       float64
	item        int
	rule        pcommon.Map
	dir         uint8
	unknownDir  bool
	deny        bool
	disabled    bool // deny disabled rather than removed
	peer        string
	viaList     string
	ports       portEval
	protocol    string
	ruleID      string
	prev        string
	notWider    bool
	reenabled   bool
	allowReason string
	allowed     bool
	defEgress   string
	list        listState
	listID      string
	fromState   bool   // a delete by name: peer holds the remembered summary
	portsText   string // a partial change: the ports as remembered ("tcp 22")
}

func (d *Detector) offer(slot int, c *candidate) {
	if cur := &d.cands[slot]; !cur.ok || c.score > cur.score {
		*cur = *c
		cur.ok = true
	}
}

func (d *Detector) evaluate(res pcommon.Resource, rec plog.LogRecord, attrs pcommon.Map, method string, rules pcommon.Slice, out *detection.Findings) {
	c := recCtx{
		account:    str(res.Attributes(), schema.AttrCloudAccountID),
		change:     str(attrs, schema.AttrRuleChange),
		method:     method,
		resourceID: str(attrs, schema.AttrResourceID),
		opID:       str(attrs, schema.AttrOperationID),
		errType:    str(attrs, schema.AttrErrorType),
		t:          recordTime(rec),
		id:         readIdentity(attrs),
	}
	c.failed = str(attrs, schema.AttrOutcome) == schema.OutcomeFailure
	if d.cfg.FirstSeen.Enabled && !c.failed {
		d.firstSeen(c.account, &c.id, int64(c.t))
	}
	c.id.computeFactor()
	for i := range d.cands {
		d.cands[i] = candidate{}
	}
	list := isPrefixListChange(method, c.resourceID)
	for i := 0; i < rules.Len(); i++ {
		v := rules.At(i)
		if v.Type() != pcommon.ValueTypeMap {
			continue
		}
		if list {
			d.evalListEntry(&c, i, v.Map())
		} else {
			d.evalRule(&c, i, v.Map())
		}
	}
	d.emit(&c, out)
}

func dirCode(s string) uint8 {
	switch {
	case strings.EqualFold(s, schema.DirectionIngress):
		return dirIngress
	case strings.EqualFold(s, schema.DirectionEgress):
		return dirEgress
	}
	return dirUnknown
}

// evalRule scores one normalised rule on its own.
func (d *Detector) evalRule(c *recCtx, i int, m pcommon.Map) {
	protocol := str(m, schema.RuleProtocol)
	ruleID := str(m, schema.RuleID)
	deny := strings.EqualFold(str(m, schema.RuleAction), schema.ActionDeny)
	var disabled, hasDisabled bool
	if v, ok := m.Get(schema.RuleDisabled); ok && v.Type() == pcommon.ValueTypeBool {
		disabled, hasDisabled = v.Bool(), true
	}
	var prev *ruleState
	var key uint64
	if ruleID != "" {
		// Keyed by target and rule id: Azure and GCP rule names repeat across NSGs and
		// policies of one subscription or project.
		key = acctKey(c.account, c.resourceID, ruleID)
		prev, _ = d.st.rules.Peek(key)
	}
	dir := dirCode(str(m, schema.RuleDirection))
	unknownDir := false
	if dir == dirUnknown {
		if prev != nil && prev.Dir != dirUnknown {
			dir = prev.Dir // ModifySecurityGroupRules: direction from the rule seen earlier
		} else {
			unknownDir = true
		}
	}
	peerKey := schema.RuleSources
	if dir == dirEgress {
		peerKey = schema.RuleDestinations
	}
	ports := d.evalPorts(protocol, m)
	// A partial change names only the fields it changes: a GCP firewalls.patch logged
	// without resourceOriginalState ({"sourceRanges": [...]}, {"disabled": true}) has no
	// action and no protocol. The rest of the rule is what it was when last seen, so a
	// patch that only widens the sources of "tcp 22" is scored as tcp 22, and one that
	// only disables a deny rule is a deny rule disabled.
	namesSomeFields := c.change == schema.ChangeModify && str(m, schema.RuleAction) == "" &&
		protocol == "" && !nonEmptySlice(m, schema.RulePortRanges)
	partial := namesSomeFields && prev != nil
	portsText := ""
	if namesSomeFields && prev == nil {
		// The same partial change on a rule never seen: what it allows is not in the
		// record. Scored as a wide range of unknown ports, never as "all ports".
		ports = portEval{risk: riskOtherWide}
		portsText = "ports not in the record (rule not seen before)"
	}
	if partial {
		deny = prev.Action == actDeny
		if !hasDisabled {
			disabled = prev.Disabled
		}
		ports = portsFromRisk(prev.PortRisk)
		portsText = prev.portsPart()
		protocol, _, _ = strings.Cut(portsText, " ")
	}
	opening := !deny && c.change != schema.ChangeRemove && !disabled
	peer, kind, breadth, viaList := d.bestPeer(c, m, peerKey, opening, dir, &ports, ruleID)
	if prev != nil && c.change == schema.ChangeModify && !nonEmptySlice(m, peerKey) {
		// A patch that leaves the peers alone (GCP `update --rules=tcp:22` sends only
		// the protocols) keeps the peers the rule had: moving a world-open rule from
		// 443 to 22 widens exposure.
		peer, breadth = prev.peerPart(), prev.Breadth
		kind = peerUnknown
		switch {
		case breadth >= 1:
			kind = peerWorld
		case breadth > 0:
			kind = peerBroad
		}
	}
	fromState := false
	if c.change == schema.ChangeRemove && prev != nil && peer == "" && str(m, schema.RuleAction) == "" {
		// A delete that names only the rule (Azure NSG rule DELETE, GCP firewall delete
		// without the original state, NACL entry delete): what was removed comes from
		// the rule seen earlier.
		fromState = true
		deny = prev.Action == actDeny
		dir, unknownDir = prev.Dir, prev.Dir == dirUnknown
		breadth = prev.Breadth
		ports = portEval{risk: prev.PortRisk}
		peer = prev.summary()
		kind = peerUnknown
	}

	cand := candidate{
		item: i, rule: m, dir: dir, unknownDir: unknownDir, deny: deny, peer: peer, viaList: viaList,
		ports: ports, protocol: protocol, ruleID: ruleID, fromState: fromState, portsText: portsText,
	}
	if prev != nil {
		if c.change == schema.ChangeModify && breadth > 0 {
			cand.prev = prev.summary() // only a modify's reason quotes it
		}
		cand.reenabled = hasDisabled && prev.Disabled && !disabled
		cand.notWider = c.change == schema.ChangeModify && prev.Action == actAllow && !prev.Disabled &&
			prev.Dir == dir && prev.Breadth >= breadth && prev.PortRisk >= ports.risk
	}
	wasDisabled := prev != nil && prev.Disabled

	if !c.failed {
		d.updateRule(c, key, ruleID, dir, deny, disabled, breadth, &ports, peer, protocol, portsText, m, kind)
	}
	if breadth <= 0 {
		return
	}
	dirFactor := 1.0
	switch {
	case dir == dirEgress:
		dirFactor = egressFactor
	case unknownDir:
		dirFactor = unknownDirFactor
	}
	base := scoreScale * breadth * ports.risk * c.id.factor * dirFactor
	if reason, ok := d.allowlisted(c, peer, m, &ports); ok && !fromState {
		cand.allowed, cand.allowReason = true, reason
		base *= allowlistFactor
	}
	if cand.notWider {
		base *= notWiderFactor
	}

	if deny {
		// Removing or disabling a deny rule widens access; adding one narrows it.
		widening := c.change == schema.ChangeRemove || (disabled && !wasDisabled)
		if !widening {
			return
		}
		cand.disabled = disabled && c.change != schema.ChangeRemove
		cand.score = base * denyRemovedFactor
		d.offer(slotDenyRemoved, &cand)
		return
	}
	if !opening {
		return // removing or disabling an allow rule narrows access
	}
	if dir == dirEgress {
		if why := d.defaultEgress(c, kind, protocol, &ports); why != "" {
			cand.defEgress = why
			base = min(base, defaultEgressCap)
		}
		cand.score = base
		d.offer(slotEgress, &cand)
		return
	}
	cand.score = base
	d.offer(slotAnySource, &cand)
	if ports.highRisk {
		d.offer(slotHighRisk, &cand)
	}
	if ports.all {
		d.offer(slotAllPorts, &cand)
	}
}

// bestPeer returns the broadest source (or destination) of one rule. A prefix list is
// resolved through state; when the rule opens access through it, the reference is
// remembered so that a later world entry in the list is caught.
func (d *Detector) bestPeer(c *recCtx, m pcommon.Map, key string, opening bool, dir uint8, ports *portEval, ruleID string) (peer string, kind peerKind, breadth float64, viaList string) {
	v, ok := m.Get(key)
	if !ok || v.Type() != pcommon.ValueTypeSlice {
		return "", peerUnknown, 0, ""
	}
	s := v.Slice()
	for j := 0; j < s.Len(); j++ {
		e := s.At(j)
		if e.Type() != pcommon.ValueTypeStr {
			continue
		}
		p := e.Str()
		k, b := d.cls.classify(p)
		via := ""
		if k == peerPrefixList {
			lk := acctKey(c.account, "pl", p)
			if opening && !c.failed {
				ls, _ := d.st.lists.GetOrCreate(lk)
				ls.Referenced = true
				ls.RefDir = dir
				ls.RefPortRisk = ports.risk
				ref := ruleID
				if ref == "" {
					ref = c.resourceID
				}
				ls.RefRule = strings.Clone(ref)
				ls.RefPorts = portText(str(m, schema.RuleProtocol), m, ports)
			}
			if ls, ok := d.st.lists.Peek(lk); ok && ls.World != "" {
				k, b = peerBroad, ls.Breadth
				if b >= 1 {
					k = peerWorld
				}
				via = p
				p = ls.World
			}
		}
		if b > breadth || (j == 0 && b == 0) {
			// The first entry labels a rule with no public peer (for the state summary).
			peer, kind, breadth, viaList = p, k, b, via
		}
	}
	return peer, kind, breadth, viaList
}

func (d *Detector) updateRule(c *recCtx, key uint64, ruleID string, dir uint8, deny, disabled bool, breadth float64, ports *portEval, peer, protocol, portsText string, m pcommon.Map, kind peerKind) {
	if c.change == schema.ChangeRemove {
		if ruleID != "" {
			d.st.rules.Delete(key)
		}
		// The default egress rule revoked (Terraform does this right after creating a
		// group, then re-adds it when the configuration asks for it).
		if !deny && dir == dirEgress && kind == peerWorld && ports.all && c.resourceID != "" {
			v, _ := d.st.groups.GetOrCreate(acctKey(c.account, "sg", c.resourceID))
			*v = int64(c.t)
		}
		return
	}
	if ruleID == "" {
		return
	}
	rs, _ := d.st.rules.GetOrCreate(key)
	if dir != dirUnknown || rs.Dir == dirUnknown {
		rs.Dir = dir
	}
	rs.Action = actAllow
	if deny {
		rs.Action = actDeny
	}
	rs.Disabled = disabled
	rs.Breadth = breadth
	rs.PortRisk = ports.risk
	if peer == "" {
		peer = "no peer"
	}
	if portsText != "" {
		rs.setSummaryText(peer, portsText) // a partial change keeps the ports seen before
		return
	}
	pv, hasPorts := m.Get(schema.RulePortRanges)
	hasPorts = hasPorts && pv.Type() == pcommon.ValueTypeSlice
	var ps pcommon.Slice
	if hasPorts {
		ps = pv.Slice()
	}
	rs.setSummary(peer, protocol, ps, hasPorts, ports.all)
}

// nonEmptySlice reports whether m[key] is a list with at least one entry.
func nonEmptySlice(m pcommon.Map, key string) bool {
	v, ok := m.Get(key)
	return ok && v.Type() == pcommon.ValueTypeSlice && v.Slice().Len() > 0
}

// portsFromRisk rebuilds the port evaluation of a rule known only from state (its
// remembered port risk): all ports at 1.0, a high-risk port at 0.85 or more.
func portsFromRisk(risk float64) portEval {
	return portEval{risk: risk, all: risk >= riskAllPorts, highRisk: risk >= riskHighRisk, expected: risk == riskExpected}
}

// evalPorts scores the ports of one rule.
func (d *Detector) evalPorts(protocol string, m pcommon.Map) portEval {
	var e portEval
	switch {
	case isAllProtocol(protocol):
		return d.allPorts()
	case isICMP(protocol):
		e.risk = riskICMP
		return e
	case !hasPorts(protocol):
		e.risk = riskNoPorts
		return e
	}
	v, ok := m.Get(schema.RulePortRanges)
	if !ok || v.Type() != pcommon.ValueTypeSlice || v.Slice().Len() == 0 {
		// tcp/udp without ports means every port (GCP "allowed: [{IPProtocol: tcp}]").
		return d.allPorts()
	}
	s := v.Slice()
	width, parsed := 0, 0
	allExpected := true
	for j := 0; j < s.Len(); j++ {
		pp, ok := parsePort(s.At(j).Str())
		if !ok {
			allExpected = false
			continue
		}
		if pp.all {
			return d.allPorts()
		}
		parsed++
		width += int(pp.r.to) - int(pp.r.from) + 1
		if n := d.highRisk.count(pp.r); n > 0 {
			if !e.highRisk {
				e.firstRisk, _ = d.highRisk.first(pp.r)
			}
			e.highRisk = true
			e.hrCount += n
		}
		if !d.expected.covers(pp.r) {
			allExpected = false
		}
	}
	switch {
	case e.highRisk && e.hrCount >= 3:
		e.risk = riskHighRiskWide
	case e.highRisk:
		e.risk = riskHighRisk
	case parsed > 0 && allExpected:
		e.risk, e.expected = riskExpected, true
	case width > 1024:
		e.risk = riskOtherWide
	default:
		e.risk = riskOther
	}
	return e
}

// allPorts is the worst case: every port, so every high-risk port too.
func (d *Detector) allPorts() portEval {
	e := portEval{all: true, risk: riskAllPorts, highRisk: true}
	e.firstRisk, _ = d.highRisk.first(portRange{0, 65535})
	e.hrCount = d.highRisk.count(portRange{0, 65535})
	return e
}

// allowlisted reports the first allowlist entry that covers this exposure.
func (d *Detector) allowlisted(c *recCtx, peer string, m pcommon.Map, ports *portEval) (string, bool) {
	for i := range d.allow {
		a := &d.allow[i]
		if a.resource != "" && !globMatch(a.resource, c.resourceID) {
			continue
		}
		if a.hasPrefix && !prefixWithin(peer, a.prefix) {
			continue
		}
		if a.ports != nil && !portsWithin(m, ports, a.ports) {
			continue
		}
		return a.reason, true
	}
	return "", false
}

func prefixWithin(peer string, allowed netip.Prefix) bool {
	if allowed.Bits() == 0 {
		return true // the allowlist entry accepts the world
	}
	p, err := netip.ParsePrefix(peer)
	if err != nil {
		a, err := netip.ParseAddr(peer)
		if err != nil {
			return false
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	return allowed.Bits() <= p.Bits() && allowed.Contains(p.Addr())
}

func portsWithin(m pcommon.Map, ports *portEval, allowed *portSet) bool {
	if ports.all {
		return false
	}
	v, ok := m.Get(schema.RulePortRanges)
	if !ok || v.Type() != pcommon.ValueTypeSlice {
		return false
	}
	s := v.Slice()
	for j := 0; j < s.Len(); j++ {
		pp, ok := parsePort(s.At(j).Str())
		if !ok || !allowed.covers(pp.r) {
			return false
		}
	}
	return true
}

// defaultEgress explains why an all-traffic egress rule to the world is no widening,
// or returns "". Every cloud allows all egress by default (AWS security groups' and
// NACLs' default egress rules, Azure's AllowInternetOutBound, GCP's implied egress
// allow), so such a rule restores the default: Terraform re-adds it explicitly,
// CloudFormation and others right after CreateSecurityGroup. Egress opened to the world
// on specific ports is not a default and is scored.
func (d *Detector) defaultEgress(c *recCtx, kind peerKind, protocol string, ports *portEval) string {
	if kind != peerWorld || !ports.all || !isAllProtocol(protocol) {
		return ""
	}
	if containsFold(c.id.userAgent, "terraform") {
		return "the default egress rule re-added by Terraform"
	}
	if c.resourceID != "" {
		if t, ok := d.st.groups.Peek(acctKey(c.account, "sg", c.resourceID)); ok {
			if dt := int64(c.t) - *t; dt >= 0 && dt <= int64(d.cfg.DefaultEgressWindow) {
				return "the default egress rule re-added right after the group was created"
			}
		}
	}
	return "the same as every cloud's default egress (all traffic to anywhere)"
}

// evalListEntry handles a managed prefix list change: its rules' sources are entries.
func (d *Detector) evalListEntry(c *recCtx, i int, m pcommon.Map) {
	listID := c.resourceID // pl-…, or the list's name when CloudTrail gave no id
	if listID == "" {
		listID = str(m, schema.RuleID)
	}
	if listID == "" {
		return
	}
	var peer string
	var breadth float64
	for _, key := range [...]string{schema.RuleSources, schema.RuleDestinations} {
		v, ok := m.Get(key)
		if !ok || v.Type() != pcommon.ValueTypeSlice {
			continue
		}
		s := v.Slice()
		for j := 0; j < s.Len(); j++ {
			e := s.At(j).Str()
			if _, b := d.cls.classify(e); b > breadth {
				peer, breadth = e, b
			}
		}
	}
	lk := acctKey(c.account, "pl", listID)
	if c.change == schema.ChangeRemove {
		if ls, ok := d.st.lists.Peek(lk); ok && !c.failed && peer != "" && ls.World == peer {
			ls.World, ls.Breadth = "", 0
		}
		return
	}
	if breadth <= 0 {
		return
	}
	var ls listState
	if !c.failed {
		p, _ := d.st.lists.GetOrCreate(lk)
		p.World, p.Breadth = strings.Clone(peer), breadth
		ls = *p
	} else if p, ok := d.st.lists.Peek(lk); ok {
		ls = *p
	}
	factor := unreferencedList * riskOther
	if ls.Referenced {
		factor = ls.RefPortRisk
		if ls.RefDir == dirEgress {
			factor *= egressFactor
		}
	}
	cand := candidate{item: i, rule: m, peer: peer, list: ls, listID: listID}
	cand.score = scoreScale * breadth * factor * c.id.factor
	d.offer(slotPrefixList, &cand)
}
