package schema

import "strconv"

// protocols the clouds' rule APIs name, with their IANA numbers. The first entry of a
// number is its normalised name; ported says whether rules of the protocol carry ports.
var protocols = [...]struct {
	name   string
	number int64
	ported bool
}{
	{"tcp", 6, true}, {"udp", 17, true}, {"sctp", 132, true},
	{"icmp", 1, false}, {"icmpv6", 58, false}, {"ipv6-icmp", 58, false}, {"icmp6", 58, false},
	{"esp", 50, false}, {"ah", 51, false}, {"gre", 47, false}, {"ipip", 4, false},
}

// NormaliseProtocol returns the rule protocol as the schema writes it, from the way a
// cloud wrote it: a name in any case ("TCP", "Tcp"), an IANA number as text ("6"), or
// one of the every-protocol spellings ("-1", "all", "any", "*"). Known names and
// numbers become the lower-case name ("icmpv6" for 58), other numbers stay numbers,
// other names are lower-cased. Surrounding spaces are ignored; "" stays "".
func NormaliseProtocol(b []byte) string {
	b = trimSpace(b)
	switch {
	case len(b) == 0:
		return ""
	case string(b) == "*" || equalFold(b, ProtocolAll) || equalFold(b, "any"):
		return ProtocolAll
	}
	if n, ok := parseInt(b); ok {
		return ProtocolNumber(n)
	}
	for _, p := range protocols {
		if equalFold(b, p.name) {
			return ProtocolNumber(p.number)
		}
	}
	out := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return string(out)
}

// ProtocolNumber names an IANA protocol number; -1 (AWS's "every protocol") is "all",
// numbers without a name stay numeric text.
func ProtocolNumber(n int64) string {
	if n == -1 {
		return ProtocolAll
	}
	for _, p := range protocols {
		if p.number == n {
			return p.name
		}
	}
	return strconv.FormatInt(n, 10)
}

// ProtocolHasPorts reports whether rules of a normalised protocol carry port ranges
// (tcp, udp, sctp). "all" covers every port but is not listed here: callers give it
// the full range themselves.
func ProtocolHasPorts(p string) bool {
	for _, q := range protocols {
		if q.name == p {
			return q.ported
		}
	}
	return false
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\r') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// equalFold compares ASCII case-insensitively without making a string of b.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		c, d := b[i], s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if 'A' <= d && d <= 'Z' {
			d += 'a' - 'A'
		}
		if c != d {
			return false
		}
	}
	return true
}

// parseInt reads an optionally negative decimal integer of up to 18 digits.
func parseInt(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
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
