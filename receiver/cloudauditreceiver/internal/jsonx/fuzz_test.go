package jsonx

import (
	"strconv"
	"testing"
	"time"

	"github.com/valyala/fastjson"
)

// FuzzParseInt checks ParseInt never panics and agrees with strconv on what it accepts.
func FuzzParseInt(f *testing.F) {
	for _, s := range []string{"22", " -1 ", "+5", "", "-", "123456789012345678", "1234567890123456789", "0x1", "\t9\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := ParseInt([]byte(s))
		if !ok {
			return
		}
		want, err := strconv.ParseInt(string(TrimSpace([]byte(s))), 10, 64)
		if err != nil || want != n {
			t.Fatalf("ParseInt(%q) = %d, strconv says %d, %v", s, n, want, err)
		}
	})
}

// FuzzValue runs every reader over arbitrary JSON: no panic; Int of a JSON number stays
// within ±2^53 (beyond, float64 loses integers), Int of a string is ParseInt's answer
// (proto3 JSON writes int64 as strings, which are exact at any of their 18 digits).
func FuzzValue(f *testing.F) {
	for _, s := range []string{`{"a":"1"}`, `22`, `"true"`, `1e300`, `-0`, `"yes"`, `{"A":{"b":[1]}}`, `null`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := fastjson.Parse(s)
		if err != nil {
			return
		}
		n, ok := Int(v)
		switch v.Type() {
		case fastjson.TypeNumber:
			if ok && (n > maxExact || n < -maxExact) {
				t.Fatalf("Int(%s) = %d out of range", s, n)
			}
		case fastjson.TypeString:
			want, wantOK := ParseInt(v.GetStringBytes())
			if n != want || ok != wantOK {
				t.Fatalf("Int(%s) = %d, %v; ParseInt says %d, %v", s, n, ok, want, wantOK)
			}
		}
		Bool(v)
		Bytes(GetFold(v, "a"))
		Either(v, "a", "A")
	})
}

// FuzzParseTime: no panic, failure returns the zero time, and whatever the fast
// path accepts survives a round trip through RFC 3339.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2025-04-15T10:16:32.9873441Z", "2018-09-10 18:12:00.6132593", "2025-04-15T12:16:32+02:00", "x", "2025-02-30T00:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := ParseTime([]byte(s), []string{time.RFC3339Nano, time.RFC1123})
		if !ok {
			if !got.IsZero() {
				t.Fatalf("ParseTime(%q) failed but returned %s", s, got)
			}
			return
		}
		// RFC 3339 has four-digit years only; an offset can move year 0000 before it.
		if ft, fast := fastTime([]byte(s)); fast && ft.Year() >= 1 && ft.Year() <= 9999 {
			back, err := time.Parse(time.RFC3339Nano, ft.Format(time.RFC3339Nano))
			if err != nil || !back.Equal(ft) || !ft.Equal(got) {
				t.Fatalf("ParseTime(%q) = %s does not round-trip: %v", s, got, err)
			}
		}
	})
}
