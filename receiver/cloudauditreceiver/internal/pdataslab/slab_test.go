package pdataslab

import (
	"math/rand/v2"
	"runtime"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/featuregate"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

func TestCheckPassesOnLinkedPdata(t *testing.T) {
	// If this fails after a pdata upgrade, the mirrors in mirror.go no longer match
	// pdata's internal structs: update them (the Slab falls back to the API meanwhile).
	require.NoError(t, Check())
	assert.True(t, New().Direct())
	assert.False(t, NewAPI().Direct())
}

func TestPoolingGateFallsBackToAPI(t *testing.T) {
	reg := featuregate.GlobalRegistry()
	require.NoError(t, reg.Set(poolingGate, true))
	t.Cleanup(func() { require.NoError(t, reg.Set(poolingGate, false)) })
	assert.ErrorContains(t, Check(), poolingGate)
	assert.False(t, New().Direct(), "with pdata's pooling on, every wrapper must be pdata's own")
}

// tree is a random JSON-like value.
type tree struct {
	kind int // 0 str, 1 int, 2 double, 3 bool, 4 map, 5 slice, 6 empty
	str  string
	num  int64
	f    float64
	keys []string
	kids []*tree
}

func randTree(r *rand.Rand, depth int) *tree {
	k := r.IntN(7)
	if depth > 4 && (k == 4 || k == 5) {
		k = 0
	}
	t := &tree{kind: k}
	switch k {
	case 0:
		t.str = "s" + strconv.Itoa(r.IntN(1000))
	case 1:
		t.num = r.Int64()
	case 2:
		t.f = r.Float64() * 1e6
	case 3:
		t.num = int64(r.IntN(2))
	case 4, 5:
		n := r.IntN(12)
		for range n {
			// few distinct keys, so objects repeat keys now and then
			t.keys = append(t.keys, "k"+strconv.Itoa(r.IntN(14)))
			t.kids = append(t.kids, randTree(r, depth+1))
		}
	}
	return t
}

func (t *tree) build(s *Slab, dst pcommon.Value) {
	switch t.kind {
	case 0:
		s.SetStr(dst, t.str)
	case 1:
		s.SetInt(dst, t.num)
	case 2:
		s.SetDouble(dst, t.f)
	case 3:
		s.SetBool(dst, t.num == 1)
	case 4:
		m := s.SetEmptyMap(dst, len(t.keys)/2) // too small on purpose: growth is tested too
		for i, k := range t.keys {
			t.kids[i].put(s, m, k)
		}
	case 5:
		sl := s.SetEmptySlice(dst, len(t.kids))
		for i, kid := range t.kids {
			kid.build(s, sl.At(i))
		}
	}
}

// put writes t under key k of m through the Put methods (which replace a repeated key).
func (t *tree) put(s *Slab, m pcommon.Map, k string) {
	switch t.kind {
	case 0:
		s.PutStr(m, k, t.str)
	case 1:
		s.PutInt(m, k, t.num)
	case 2:
		s.PutDouble(m, k, t.f)
	case 3:
		s.PutBool(m, k, t.num == 1)
	case 4:
		sub := s.PutEmptyMap(m, k, len(t.keys))
		for i, kk := range t.keys {
			t.kids[i].put(s, sub, kk)
		}
	case 5:
		sl := s.PutEmptySlice(m, k, len(t.kids))
		for i, kid := range t.kids {
			kid.build(s, sl.At(i))
		}
	case 6:
		s.PutEmpty(m, k)
	}
}

// record builds a log record with t as body and a few attributes, the way the
// decoder does.
func record(s *Slab, lrs plog.LogRecordSlice, t *tree) {
	lr := lrs.AppendEmpty()
	attrs := lr.Attributes()
	s.EnsureCapacity(attrs, 3)
	s.PutStr(attrs, "rpc.method", "RunInstances")
	s.PutBool(attrs, "cloud.mfa", true)
	s.PutStr(attrs, "rpc.method", "TerminateInstances") // replaces, keeps its place
	s.PutInt(attrs, "n", 3)
	t.build(s, lr.Body())
}

func buildLogs(s *Slab, trees []*tree) plog.Logs {
	ld := plog.NewLogs()
	lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	for _, t := range trees {
		record(s, lrs, t)
	}
	return ld
}

func marshal(t *testing.T, ld plog.Logs) []byte {
	b, err := (&plog.ProtoMarshaler{}).MarshalLogs(ld)
	require.NoError(t, err)
	return b
}

func TestDirectMatchesAPI(t *testing.T) {
	require.NoError(t, Check())
	r := rand.New(rand.NewPCG(1, 2))
	var trees []*tree
	for range 300 {
		trees = append(trees, randTree(r, 0))
	}
	direct, api := buildLogs(New(), trees), buildLogs(NewAPI(), trees)
	runtime.GC() // the collector must find everything the direct build points to
	runtime.GC()

	a := api.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	d := direct.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	require.Equal(t, a.Len(), d.Len())
	for i := range a.Len() {
		require.True(t, a.At(i).Body().Equal(d.At(i).Body()), "body %d", i)
		require.Equal(t, a.At(i).Body().AsRaw(), d.At(i).Body().AsRaw(), "body %d", i)
		require.Equal(t, a.At(i).Attributes().AsRaw(), d.At(i).Attributes().AsRaw(), "attributes %d", i)
	}
	// Byte-identical on the wire, and readable back by pdata's own decoder.
	wire := marshal(t, direct)
	require.Equal(t, marshal(t, api), wire)
	back, err := (&plog.ProtoUnmarshaler{}).UnmarshalLogs(wire)
	require.NoError(t, err)
	assert.Equal(t, 300, back.LogRecordCount())
}

func TestDirectValuesBehaveUnderPdataMutation(t *testing.T) {
	s := New()
	require.True(t, s.Direct())
	ld := plog.NewLogs()
	lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	// Two neighbours carved from the same chunks.
	first, second := lrs.AppendEmpty(), lrs.AppendEmpty()
	m1 := s.SetEmptyMap(first.Body(), 2)
	s.PutStr(m1, "a", "1")
	s.PutStr(m1, "b", "2")
	m2 := s.SetEmptyMap(second.Body(), 2)
	s.PutStr(m2, "c", "3")
	s.PutStr(m2, "d", "4")
	sl := s.PutEmptySlice(m2, "list", 2)
	s.SetStr(sl.At(0), "x")
	s.SetInt(sl.At(1), 5)

	// pdata's own writes on values the slab built: growth past the carved capacity
	// must reallocate, never spill into the neighbour.
	m1.PutStr("e", "5")
	m1.PutEmptyMap("f").PutStr("g", "6")
	m1.Remove("a")
	v, _ := m1.Get("b")
	v.SetStr("two")
	sl.AppendEmpty().SetBool(true)
	sl.At(0).SetEmptyMap().PutInt("h", 7)
	runtime.GC()

	assert.Equal(t, map[string]any{"b": "two", "e": "5", "f": map[string]any{"g": "6"}}, first.Body().AsRaw())
	assert.Equal(t, map[string]any{"c": "3", "d": "4", "list": []any{map[string]any{"h": int64(7)}, int64(5), true}},
		second.Body().AsRaw())

	// Copies and moves are pdata's and independent of the slab.
	cp := pcommon.NewValueEmpty()
	second.Body().CopyTo(cp)
	m2.PutStr("c", "changed")
	got, _ := cp.Map().Get("c")
	assert.Equal(t, "3", got.Str())
}

func TestDirectBuildAllocatesInChunks(t *testing.T) {
	s := New()
	require.True(t, s.Direct())
	lr := plog.NewLogRecord()
	build := func() {
		m := s.SetEmptyMap(lr.Body(), 8)
		for i := range 8 {
			s.PutStr(m, keys[i], "value")
		}
		sub := s.PutEmptyMap(m, "nested", 4)
		s.PutInt(sub, "a", 1)
		s.PutBool(sub, "b", true)
		s.PutDouble(sub, "c", 1.5)
		s.SetStr(s.PutEmptySlice(sub, "d", 1).At(0), "x")
	}
	// Through the API this body costs 8+3 wrappers, 2×3 for the maps, 3 for the
	// list and its element: ~24 allocations. From chunks it is a fraction of one.
	allocs := testing.AllocsPerRun(200, build)
	assert.Less(t, allocs, 1.5, "allocations per body")
	api := NewAPI()
	apiAllocs := testing.AllocsPerRun(200, func() {
		m := api.SetEmptyMap(lr.Body(), 8)
		for i := range 8 {
			api.PutStr(m, keys[i], "value")
		}
	})
	assert.GreaterOrEqual(t, apiAllocs, 8.0, "the API allocates per value")
}

var keys = [...]string{"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7"}

func TestReleaseStartsFreshChunks(t *testing.T) {
	s := New()
	a, b := pcommon.NewValueEmpty(), pcommon.NewValueEmpty()
	s.SetStr(a, "a")
	s.Release()
	s.SetStr(b, "b")
	// After Release the two wrappers come from different chunks (different arrays):
	// values of two outputs must not keep each other alive.
	pa := uintptr(valueOrig(a).value.data)
	pb := uintptr(valueOrig(b).value.data)
	assert.NotEqual(t, pa+16, pb, "second value must not be the next element of the first chunk")
	assert.Equal(t, "a", a.Str())
	assert.Equal(t, "b", b.Str())
}

// FuzzDirectMatchesAPI builds a tree shaped by the fuzzer's bytes both ways.
func FuzzDirectMatchesAPI(f *testing.F) {
	f.Add(uint64(1), uint64(2))
	f.Add(uint64(42), uint64(7))
	f.Fuzz(func(t *testing.T, a, b uint64) {
		r := rand.New(rand.NewPCG(a, b))
		trees := []*tree{randTree(r, 0), randTree(r, 0)}
		direct, api := buildLogs(New(), trees), buildLogs(NewAPI(), trees)
		require.Equal(t, marshal(t, api), marshal(t, direct))
	})
}
