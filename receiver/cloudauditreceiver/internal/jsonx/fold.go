package jsonx

// Key and value spellings differ in case between delivery paths, so comparisons are
// ASCII case-insensitive on the bytes fastjson already holds: no lowered copy is made.

// EqualFold reports whether b equals s ignoring ASCII case (either side may be mixed case).
func EqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(b); i++ {
		if lower(b[i]) != lower(s[i]) {
			return false
		}
	}
	return true
}

// HasPrefixFold reports whether b starts with p ignoring ASCII case.
func HasPrefixFold(b []byte, p string) bool {
	return len(b) >= len(p) && EqualFold(b[:len(p)], p)
}

// HasSuffixFold reports whether b ends with p ignoring ASCII case.
func HasSuffixFold(b []byte, p string) bool {
	return len(b) >= len(p) && EqualFold(b[len(b)-len(p):], p)
}

// IndexFold returns the first index of p in b ignoring ASCII case, or -1.
func IndexFold(b []byte, p string) int {
	for i := 0; i+len(p) <= len(b); i++ {
		if EqualFold(b[i:i+len(p)], p) {
			return i
		}
	}
	return -1
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
