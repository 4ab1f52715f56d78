// Package exposure is the network-exposure detector (ATT&CK AN1188): it scores every
// normalised network rule of a firewall / security-group change on its own — never by
// pairing one rule's source with another rule's port — by breadth × port risk ×
// identity risk, and keeps bounded state for the cases one record cannot decide
// (rule ids without direction, prefix lists, duplicate records of one operation).
package exposure

import (
	"fmt"
	"net/netip"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/schedule"
)

// Detector is the exposure detector. It is not safe for concurrent use; the processor
// serialises calls.
type Detector struct {
	cfg      Config
	logger   *zap.Logger
	cls      *classifier
	highRisk *portSet
	expected *portSet
	allow    []allowRule
	windows  *schedule.Set
	st       *state

	cands [numRules]candidate // reused for every network-rule record
}

type allowRule struct {
	resource  string
	prefix    netip.Prefix
	hasPrefix bool
	ports     *portSet
	reason    string
}

var _ detection.LogDetector = (*Detector)(nil)

// New builds a detector from a validated configuration.
func New(cfg Config, logger *zap.Logger) (*Detector, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = zap.NewNop()
	}
	hr, _ := parsePortList(cfg.HighRiskPorts)
	ex, _ := parsePortList(cfg.ExpectedPorts)
	win, err := schedule.Compile(cfg.ChangeWindows)
	if err != nil {
		return nil, fmt.Errorf("change_windows: %w", err)
	}
	d := &Detector{
		cfg:      cfg,
		logger:   logger,
		cls:      newClassifier(&cfg),
		highRisk: newPortSet(hr),
		expected: newPortSet(ex),
		windows:  win,
	}
	for _, a := range cfg.Allowlist {
		ar := allowRule{resource: a.Resource, reason: a.Reason}
		if a.CIDR != "" {
			ar.prefix = netip.MustParsePrefix(a.CIDR).Masked()
			ar.hasPrefix = true
		}
		if len(a.Ports) > 0 {
			ps, _ := parsePortList(a.Ports)
			ar.ports = newPortSet(ps)
		}
		d.allow = append(d.allow, ar)
	}
	d.st = newState(&d.cfg)
	return d, nil
}

// DetectLog inspects one log record. Records without cloud.network_rule.rules cost one
// pass over the attribute keys and allocate nothing.
func (d *Detector) DetectLog(res pcommon.Resource, rec plog.LogRecord, out *detection.Findings) {
	attrs := rec.Attributes()
	// Most audit records are reads; rpc.method sits near the front of the attributes,
	// so this skips the full key scan for them. Reads never carry network rules.
	method := ""
	if v, ok := attrs.Get(schema.AttrRPCMethod); ok && v.Type() == pcommon.ValueTypeStr {
		method = v.Str()
		if isReadOnly(method) {
			return
		}
	}
	var rules pcommon.Value
	var haveRules bool
	for k, v := range attrs.All() {
		// Comparing lengths first keeps the common miss to an integer compare.
		if len(k) == len(schema.AttrRules) && k == schema.AttrRules {
			rules, haveRules = v, true
			break
		}
	}
	if !haveRules {
		if method == "CreateSecurityGroup" {
			d.noteGroupCreated(res, rec, attrs)
		}
		return
	}
	if rules.Type() != pcommon.ValueTypeSlice {
		return
	}
	m := method
	d.evaluate(res, rec, attrs, m, rules.Slice(), out)
}

// noteGroupCreated remembers a new security group, so the all-traffic egress rule added
// to it right after is recognised as the default egress rule being re-added.
func (d *Detector) noteGroupCreated(res pcommon.Resource, rec plog.LogRecord, attrs pcommon.Map) {
	if str(attrs, schema.AttrOutcome) == schema.OutcomeFailure {
		return
	}
	id := str(attrs, schema.AttrResourceID)
	if id == "" {
		return
	}
	v, _ := d.st.groups.GetOrCreate(acctKey(str(res.Attributes(), schema.AttrCloudAccountID), "sg", id))
	*v = int64(recordTime(rec))
}

func recordTime(rec plog.LogRecord) pcommon.Timestamp {
	if t := rec.Timestamp(); t != 0 {
		return t
	}
	return rec.ObservedTimestamp()
}

// isReadOnly reports whether a method only reads: AWS Get*/Describe*/List*/Head*/
// Lookup*/BatchGet*, GCP *.get / *.list / *.aggregatedList, Azure */read.
func isReadOnly(m string) bool {
	switch {
	case strings.HasPrefix(m, "Get"), strings.HasPrefix(m, "Describe"), strings.HasPrefix(m, "List"),
		strings.HasPrefix(m, "Head"), strings.HasPrefix(m, "Lookup"), strings.HasPrefix(m, "BatchGet"):
		return true
	case strings.HasSuffix(m, ".get"), strings.HasSuffix(m, ".list"), strings.HasSuffix(m, ".aggregatedList"):
		return true
	case len(m) > 5 && strings.EqualFold(m[len(m)-5:], "/read"):
		return true
	}
	return false
}

// isPrefixListChange reports whether the record changes a managed prefix list (its
// rules' sources are the list's entries) rather than a firewall.
func isPrefixListChange(method, resourceID string) bool {
	return strings.Contains(method, "PrefixList") || strings.HasPrefix(resourceID, "pl-")
}
