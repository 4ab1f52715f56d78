package jsonx

import "github.com/valyala/fastjson"

// maxExact bounds JSON numbers read as integers: beyond 2^53 a float64 no longer
// holds every integer, so the value would silently be a different one.
const maxExact = 1 << 53

// maxDigits keeps decimal strings inside int64 without an overflow check per digit.
const maxDigits = 18

// Int reads an integer written as a JSON number (22, 22.0) or a decimal string
// ("22", " -1 ", "+5"); proto3 JSON writes int64 fields as strings, and exporters
// stringify ports and counts. Fractions are truncated toward zero.
func Int(v *fastjson.Value) (int64, bool) {
	if v == nil {
		return 0, false
	}
	switch v.Type() {
	case fastjson.TypeNumber:
		f, err := v.Float64()
		if err != nil || f != f || f > maxExact || f < -maxExact {
			return 0, false
		}
		return int64(f), true
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		return ParseInt(b)
	}
	return 0, false
}

// ParseInt reads a decimal integer: optional spaces or tabs around it, an optional
// sign, then 1 to 18 digits and nothing else.
func ParseInt(b []byte) (int64, bool) {
	b = TrimSpace(b)
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 || len(b) > maxDigits {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// TrimSpace drops spaces and tabs at both ends of b (the padding seen in hand-edited
// and re-serialised exports), without copying.
func TrimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// Bool reads true/false, the strings "true"/"false", "yes"/"no", "1"/"0" in any case,
// and the numbers 1/0. ok is false for anything else, so absent and unreadable differ
// from false.
func Bool(v *fastjson.Value) (val, ok bool) {
	if v == nil {
		return false, false
	}
	switch v.Type() {
	case fastjson.TypeTrue:
		return true, true
	case fastjson.TypeFalse:
		return false, true
	case fastjson.TypeNumber:
		n, ok := Int(v)
		if !ok || (n != 0 && n != 1) {
			return false, false
		}
		return n == 1, true
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		switch {
		case EqualFold(b, "true"), EqualFold(b, "yes"), EqualFold(b, "1"):
			return true, true
		case EqualFold(b, "false"), EqualFold(b, "no"), EqualFold(b, "0"):
			return false, true
		}
	}
	return false, false
}
