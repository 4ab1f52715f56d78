package exposure

import "strings"

// globMatch matches s against a pattern with '*' (any run, including '/') and '?' (one
// byte), ASCII case-insensitively. It allocates nothing.
func globMatch(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && (pattern[p] == '?' || lower(pattern[p]) == lower(s[i])):
			p++
			i++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

func lower(b byte) byte {
	if b >= 'A' && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// containsFold reports whether s contains sub, ASCII case-insensitively.
func containsFold(s, sub string) bool {
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		if strings.EqualFold(s[i:i+n], sub) {
			return true
		}
	}
	return false
}

// roleInARN reports whether an ARN names role: ":role/NAME", ":assumed-role/NAME/...".
func roleInARN(arn, role string) bool {
	for i := 0; i < len(arn); {
		j := strings.Index(arn[i:], "role/")
		if j < 0 {
			return false
		}
		start := i + j + len("role/")
		end := start
		for end < len(arn) && arn[end] != '/' {
			end++
		}
		if strings.EqualFold(arn[start:end], role) {
			return true
		}
		i = start
	}
	return false
}
