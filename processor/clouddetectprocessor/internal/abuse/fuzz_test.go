package abuse

import "testing"

func FuzzRestore(f *testing.F) {
	d, _ := New(DefaultConfig(), nil)
	d.learn("web-asg", "web")
	b, _ := d.Snapshot()
	f.Add(b)
	f.Add([]byte("AB\x01\x02"))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, _ := New(DefaultConfig(), nil)
		_ = d.Restore(b) // must not panic
		if _, err := d.Snapshot(); err != nil {
			t.Fatal(err)
		}
	})
}
