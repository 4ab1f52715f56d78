package envelope

import "bytes"

// The scanner finds where JSON values begin and end without building them. It lets the
// reader stream the elements of a {"Records":[...]} array one by one (each parsed alone,
// so one broken element costs only itself), measure each record's size and nesting depth
// before parsing it, and split NDJSON and back-to-back JSON values. It checks only what
// it needs for that: string boundaries and bracket pairing; fastjson validates the rest.

// status of a scanned value.
type status uint8

const (
	complete  status = iota
	truncated        // input ended inside the value
	mismatch         // a closing bracket did not match its opener; the value ends there
	junk             // not the start of a JSON value
)

// stackBits bounds the bracket-type stack; deeper values are still measured (their
// depth counted) but only the first levels are checked for pairing, so 100k-deep input
// costs no memory.
const stackBits = 1024

type scanner struct {
	stack [stackBits / 64]uint64 // bit set = array, clear = object
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }

// skipWS returns the index of the first non-space byte at or after i.
func skipWS(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// skipString returns the index just after the string that starts at b[i] == '"', or -1
// when the input ends inside it. IndexByte makes this fast on string-heavy audit JSON.
func skipString(b []byte, i int) int {
	start := i + 1
	i = start
	for {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return -1
		}
		j += i
		n := 0
		for k := j - 1; k >= start && b[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return j + 1
		}
		i = j + 1
	}
}

// value returns the end (exclusive) of the JSON value starting at b[i], its nesting
// depth (1 for a flat object or array, 0 for a scalar) and whether it is complete.
func (s *scanner) value(b []byte, i int) (end, depth int, st status) {
	if i >= len(b) {
		return i, 0, truncated
	}
	switch c := b[i]; c {
	case '"':
		e := skipString(b, i)
		if e < 0 {
			return len(b), 0, truncated
		}
		return e, 0, complete
	case '{', '[':
		return s.nested(b, i)
	case '}', ']', ',', ':':
		return i + 1, 0, junk
	default:
		// A scalar (number, true, false, null) or garbage: up to the next delimiter.
		j := i
		for j < len(b) {
			c := b[j]
			if c == ',' || c == '}' || c == ']' || c == '{' || c == '[' || c == '"' || c == ':' || isSpace(c) {
				break
			}
			j++
		}
		if j == i {
			return i + 1, 0, junk
		}
		return j, 0, complete
	}
}

func (s *scanner) nested(b []byte, i int) (end, depth int, st status) {
	d, maxd := 0, 0
	for i < len(b) {
		switch c := b[i]; c {
		case '"':
			e := skipString(b, i)
			if e < 0 {
				return len(b), maxd, truncated
			}
			i = e
			continue
		case '{', '[':
			if d < stackBits {
				w, bit := d/64, uint64(1)<<(d%64)
				if c == '[' {
					s.stack[w] |= bit
				} else {
					s.stack[w] &^= bit
				}
			}
			d++
			if d > maxd {
				maxd = d
			}
		case '}', ']':
			d--
			if d < stackBits {
				isArr := s.stack[d/64]&(uint64(1)<<(d%64)) != 0
				if isArr != (c == ']') {
					return i + 1, maxd, mismatch
				}
			}
			if d == 0 {
				return i + 1, maxd, complete
			}
		}
		i++
	}
	return len(b), maxd, truncated
}

// member is one key/value pair at the top of an object.
type member struct {
	key        []byte // raw key text without quotes (escapes not undone; envelope keys have none)
	start, end int    // value span
	depth      int
	st         status
}

// find returns the member with the given key, or nil.
func find(ms []member, key string) *member {
	for i := range ms {
		if string(ms[i].key) == key {
			return &ms[i]
		}
	}
	return nil
}

// elements calls fn for each element of the array at b[i] == '['. fn gets the element's
// index, span, depth and status. A broken element ends at its mismatched bracket and the
// walk goes on with the next one; only the end of input stops it. elements returns the
// end of the array and whether it was closed.
func (s *scanner) elements(b []byte, i int, fn func(idx, start, end, depth int, st status)) (int, status) {
	i++ // '['
	idx := 0
	for {
		i = skipWS(b, i)
		if i >= len(b) {
			return len(b), truncated
		}
		switch b[i] {
		case ']':
			return i + 1, complete
		case ',':
			i = skipWS(b, i+1)
			if i >= len(b) {
				return len(b), truncated
			}
			if b[i] == ']' { // trailing comma: tolerated
				return i + 1, complete
			}
		}
		e, d, st := s.value(b, i)
		fn(idx, i, e, d, st)
		idx++
		if st == truncated {
			return len(b), truncated
		}
		i = e
	}
}
