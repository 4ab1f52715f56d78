package exposure

import (
	"testing"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
)

func TestSnapshotRestore(t *testing.T) {
	d, err := New(DefaultConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var out detection.Findings
	for _, e := range []ev{
		sgIngress(withID(in("10.0.0.0/8", "tcp", "22"), "sgr-0123456789abcdef0")),
		sgIngress(withID(in("pl-0123456789abcdef0", "tcp", "3389"), "sgr-0bbbbbbbbbbbbbbb0")),
	} {
		res, rec := build(e)
		d.DetectLog(res, rec, &out)
	}
	snap, err := d.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if d.StateKey() != "exposure" || d.StateStats().Keys == 0 {
		t.Fatalf("state stats %+v", d.StateStats())
	}

	d2, err := New(DefaultConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := d2.Restore(snap); err != nil {
		t.Fatal(err)
	}
	if got, want := d2.StateStats().Keys, d.StateStats().Keys; got != want {
		t.Fatalf("restored %d keys, want %d", got, want)
	}
	// The restored rule id still gives the direction and previous value.
	out = out[:0]
	res, rec := build(modifyRules(withID(noDir("0.0.0.0/0", "tcp", "22"), "sgr-0123456789abcdef0")))
	d2.DetectLog(res, rec, &out)
	checkFindings(t, out, []want{
		{RuleAnySourceIngress, detection.SeverityHigh, 72, 73, []string{"Modified ingress allow rule", "was 10.0.0.0/8 tcp 22"}},
		{RuleHighRiskPortIngress, detection.SeverityHigh, 72, 73, nil},
	}, modifyRules())
	// The restored prefix-list reference still links the list to its rule.
	out = out[:0]
	pl := sgIngress(schema.NetworkRule{Sources: []string{"0.0.0.0/0"}})
	pl.method, pl.resource = "ModifyManagedPrefixList", "pl-0123456789abcdef0"
	res, rec = build(pl)
	d2.DetectLog(res, rec, &out)
	checkFindings(t, out, []want{{RulePrefixListWorld, detection.SeverityHigh, 72, 73, []string{"sgr-0bbbbbbbbbbbbbbb0", "3389 rdp"}}}, pl)

	if err := d2.Restore([]byte(`{"version":99}`)); err == nil {
		t.Fatal("unknown version must be refused")
	}
	if err := d2.Restore([]byte(`not json`)); err == nil {
		t.Fatal("garbage must be refused")
	}
}

func TestStateIsBounded(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxKeys = 10
	cfg.FirstSeen.MaxKeys = 10
	d, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out detection.Findings
	for i := 0; i < 100; i++ {
		e := sgIngress(withID(in("10.0.0.0/8", "tcp", "22"), "sgr-"+string(rune('a'+i%26))+string(rune('a'+i/26))))
		e.ip = "198.51.100." + string(rune('0'+i%10))
		res, rec := build(e)
		d.DetectLog(res, rec, &out)
	}
	if s := d.StateStats(); s.Keys > 50 || s.Evictions == 0 {
		t.Fatalf("state not bounded: %+v", s)
	}
}
