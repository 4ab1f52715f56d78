package keyed

import "testing"

func TestMapEvictsLeastRecentlyUsed(t *testing.T) {
	m := New[int](3)
	for k := uint64(1); k <= 3; k++ {
		v, created := m.GetOrCreate(k)
		if !created {
			t.Fatalf("key %d: want created", k)
		}
		*v = int(k) * 10
	}
	// touch 1 so 2 becomes the oldest
	if v, ok := m.Get(1); !ok || *v != 10 {
		t.Fatalf("get 1 = %v %v", v, ok)
	}
	v, created := m.GetOrCreate(4)
	if !created || *v != 0 {
		t.Fatalf("new key should start at zero, got %d created=%v", *v, created)
	}
	if _, ok := m.Peek(2); ok {
		t.Fatal("key 2 should have been evicted")
	}
	if m.Len() != 3 || m.Evictions() != 1 {
		t.Fatalf("len=%d evictions=%d, want 3 and 1", m.Len(), m.Evictions())
	}
	var order []uint64
	m.Range(func(k uint64, _ *int) bool { order = append(order, k); return true })
	want := []uint64{4, 1, 3}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("order %v, want %v", order, want)
		}
	}
}

func TestRangeOldestIsReverseOfRange(t *testing.T) {
	m := New[int](4)
	for _, k := range []uint64{5, 6, 7, 8} {
		m.GetOrCreate(k)
	}
	m.Get(6)
	m.Delete(7)
	var oldest []uint64
	m.RangeOldest(func(k uint64, _ *int) bool { oldest = append(oldest, k); return true })
	want := []uint64{5, 8, 6}
	if len(oldest) != len(want) {
		t.Fatalf("oldest first %v, want %v", oldest, want)
	}
	for i := range want {
		if oldest[i] != want[i] {
			t.Fatalf("oldest first %v, want %v", oldest, want)
		}
	}
	// restoring in that order rebuilds the same recency
	back := New[int](4)
	for _, k := range oldest {
		back.GetOrCreate(k)
	}
	var a, b []uint64
	m.Range(func(k uint64, _ *int) bool { a = append(a, k); return true })
	back.Range(func(k uint64, _ *int) bool { b = append(b, k); return true })
	if len(a) != len(b) || a[0] != b[0] || a[1] != b[1] || a[2] != b[2] {
		t.Fatalf("restored order %v, want %v", b, a)
	}
	n := 0
	m.RangeOldest(func(uint64, *int) bool { n++; return false })
	if n != 1 {
		t.Fatalf("stop after first: visited %d", n)
	}
}

func TestMapDeleteReusesSlot(t *testing.T) {
	m := New[string](2)
	a, _ := m.GetOrCreate(1)
	*a = "a"
	m.Delete(1)
	if m.Len() != 0 {
		t.Fatalf("len after delete = %d", m.Len())
	}
	b, created := m.GetOrCreate(2)
	if !created || *b != "" {
		t.Fatalf("reused slot not cleared: %q", *b)
	}
	if len(m.slots) != 1 {
		t.Fatalf("slot not reused: %d slots", len(m.slots))
	}
}

func TestMapStaysBounded(t *testing.T) {
	m := New[[4]uint64](1000)
	for k := uint64(0); k < 100000; k++ {
		m.GetOrCreate(Hash("svc", string(rune(k))))
	}
	if m.Len() > 1000 || len(m.slots) > 1000 {
		t.Fatalf("len=%d slots=%d exceed bound", m.Len(), len(m.slots))
	}
}

func TestHashSeparatesParts(t *testing.T) {
	if Hash("ab", "c") == Hash("a", "bc") {
		t.Fatal("parts must be separated")
	}
	if first, again := Hash("x"), Hash("x"); first != again {
		t.Fatal("hash must be deterministic")
	}
}

func BenchmarkGetExisting(b *testing.B) {
	m := New[int](1024)
	for k := uint64(0); k < 1024; k++ {
		m.GetOrCreate(k)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m.Get(uint64(i & 1023))
	}
}
