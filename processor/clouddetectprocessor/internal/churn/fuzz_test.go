package churn

import "testing"

func FuzzRestore(f *testing.F) {
	d, _ := New(DefaultConfig(), nil)
	a := action{group: "web-asg", dir: dirOut}
	d.observe(&a, 1e18, nil)
	b, _ := d.Snapshot()
	f.Add(b)
	f.Add([]byte("SC\x01\x01"))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, _ := New(DefaultConfig(), nil)
		_ = d.Restore(b) // must not panic
		if _, err := d.Snapshot(); err != nil {
			t.Fatal(err)
		}
	})
}
