package errorrate

import (
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

func FuzzRestore(f *testing.F) {
	d, _ := New(DefaultConfig(), nil)
	d.count("checkout", "/cart", 1e18, 1, 10, nil)
	out, _ := d.Snapshot()
	f.Add(out)
	f.Add([]byte("ER\x01\x05"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		d, _ := New(DefaultConfig(), nil)
		_ = d.Restore(b) // must not panic
		if _, err := d.Snapshot(); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzStatusClass(f *testing.F) {
	for _, s := range []string{"200", "503", "5xx", "", "-50", "99999", "5X"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := statusClass(pcommon.NewValueStr(s))
		if c < -1 || c > 1 {
			t.Fatalf("class %d", c)
		}
		if c == 1 && s[0] != '5' {
			t.Fatalf("%q read as 5xx", s)
		}
	})
}
