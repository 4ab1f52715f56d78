package decode

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/valyala/fastjson"
)

// shape counts what building a body map costs in pdata. Through pdata's public API
// (v1.66) every string, number or bool leaf is one allocation (the AnyValue oneof
// wrapper: pcommon.Value.SetStr/SetInt/SetBool allocate internal.AnyValue_*Value), a
// non-empty object or array three (SetEmptyMap/SetEmptySlice allocate the oneof
// wrapper and the KeyValueList/ArrayValue; EnsureCapacity the backing array), an empty
// one two, and null nothing.
type shape struct {
	records, bytes                     int
	leaves, nested, emptyNested, nulls int
}

func (s *shape) add(v *fastjson.Value) {
	s.records++
	s.bytes += len(v.MarshalTo(nil))
	s.walk(v)
}

func (s *shape) walk(v *fastjson.Value) {
	switch v.Type() {
	case fastjson.TypeObject:
		o, _ := v.Object()
		if o.Len() == 0 {
			s.emptyNested++
			return
		}
		s.nested++
		o.Visit(func(_ []byte, x *fastjson.Value) { s.walk(x) })
	case fastjson.TypeArray:
		a, _ := v.Array()
		if len(a) == 0 {
			s.emptyNested++
			return
		}
		s.nested++
		for _, x := range a {
			s.walk(x)
		}
	case fastjson.TypeNull:
		s.nulls++
	default:
		s.leaves++
	}
}

// bodyFloor is the allocations per record that pdata itself needs for the bodies.
func (s *shape) bodyFloor() float64 {
	return float64(s.leaves+3*s.nested+2*s.emptyNested) / float64(s.records)
}

func (s *shape) per(n int) float64 { return float64(n) / float64(s.records) }

func shapeOf(tb testing.TB, data []byte) *shape {
	v, err := fastjson.ParseBytes(data)
	if err != nil {
		tb.Fatal(err)
	}
	s := &shape{}
	for _, r := range v.GetArray("Records") {
		s.add(r)
	}
	return s
}

// TestBenchObjectMatchesRealRecords compares the benchmark records with the real
// CloudTrail recordings in the shared datasets (Stratus Red Team detonations and the
// OTel contrib and Splunk samples): size and the number of leaves and nested values
// per record, which is what decoding costs, must be alike.
func TestBenchObjectMatchesRealRecords(t *testing.T) {
	bench := shapeOf(t, benchObject(benchRecords))
	root := filepath.Join(datasetsDir(t), "aws-cloudtrail")
	real := &shape{}
	for _, dir := range []string{"stratus-red-team", "otel-contrib", "splunk-security-content"} {
		files, _ := filepath.Glob(filepath.Join(root, dir, "*.json"))
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			v, err := fastjson.ParseBytes(data)
			if err != nil {
				continue
			}
			evs := []*fastjson.Value{v}
			if v.Type() == fastjson.TypeArray {
				evs, _ = v.Array()
			} else if v.Exists("Records") {
				evs = v.GetArray("Records")
			}
			for _, e := range evs {
				if e.Exists("eventName") && e.Exists("eventSource") {
					real.add(e)
				}
			}
		}
	}
	if real.records < 50 {
		t.Skipf("only %d real records", real.records)
	}
	t.Logf("bench: %d records, %.0f B, %.1f leaves, %.1f nested, %.1f empty, body floor %.1f allocs/record",
		bench.records, bench.per(bench.bytes), bench.per(bench.leaves), bench.per(bench.nested), bench.per(bench.emptyNested), bench.bodyFloor())
	t.Logf("real:  %d records, %.0f B, %.1f leaves, %.1f nested, %.1f empty, body floor %.1f allocs/record",
		real.records, real.per(real.bytes), real.per(real.leaves), real.per(real.nested), real.per(real.emptyNested), real.bodyFloor())
	assert.InEpsilon(t, real.per(real.bytes), bench.per(bench.bytes), 0.3, "bytes per record")
	assert.InEpsilon(t, real.per(real.leaves), bench.per(bench.leaves), 0.3, "leaves per record")
	assert.InEpsilon(t, real.bodyFloor(), bench.bodyFloor(), 0.35, "pdata allocations per body")
}
