package envelope

import "strconv"

// Pos locates an event inside its object. It is a plain value, rendered only when
// something is reported, so good records cost nothing here (also not nested ones: the
// first enclosing level is kept inline, deeper levels are rendered to text).
type Pos struct {
	Line  int    // 1-based line where the top-level value starts
	Nth   int    // 1-based value number on that line when several share it (Firehose concatenation)
	Key   string // the array the event came from ("Records", "logEvents", ...); "" for a bare array
	Index int    // element index in that array; -1 when not from an array

	in *frame // enclosing message for nested input (CloudWatch message, Pub/Sub data); nil at top
}

type frame struct {
	Line, Nth int
	Key       string
	Index     int
	Field     string // the field that held the nested input: "message", "data"
	outer     string // rendered position of deeper enclosing levels
}

// String renders e.g. "Records[3]", "line 12", "line 3 logEvents[0]",
// "receivedMessages[1] data line 2". Line 1 is left out when an array index or an
// enclosing message says more.
func (p Pos) String() string {
	b := make([]byte, 0, 48)
	if p.in != nil {
		b = append(b, p.in.outer...)
		b = appendPart(b, p.in.Line, p.in.Nth, p.in.Key, p.in.Index, p.in.outer != "")
		if len(b) > 0 {
			b = append(b, ' ')
		}
		b = append(b, p.in.Field...)
	}
	b = appendPart(b, p.Line, p.Nth, p.Key, p.Index, p.in != nil)
	if len(b) == 0 {
		return "object"
	}
	return string(b)
}

func appendPart(b []byte, line, nth int, key string, idx int, inner bool) []byte {
	if line > 0 && (line > 1 || nth > 1 || (idx < 0 && !inner)) {
		if len(b) > 0 {
			b = append(b, ' ')
		}
		b = append(b, "line "...)
		b = strconv.AppendInt(b, int64(line), 10)
		if nth > 1 {
			b = append(b, " value "...)
			b = strconv.AppendInt(b, int64(nth), 10)
		}
	}
	if idx >= 0 {
		if len(b) > 0 {
			b = append(b, ' ')
		}
		b = append(b, key...)
		b = append(b, '[')
		b = strconv.AppendInt(b, int64(idx), 10)
		b = append(b, ']')
	}
	return b
}

func (p Pos) at(key string, idx int) Pos {
	p.Key, p.Index = key, idx
	return p
}

// nested starts the position of input found in a field of the event at p. The frame is
// allocated once per nested message (not per record of a large object).
func (p Pos) nested(field string) Pos {
	f := &frame{Line: p.Line, Nth: p.Nth, Key: p.Key, Index: p.Index, Field: field}
	if p.in != nil {
		f.outer = Pos{Index: -1, in: p.in}.String()
	}
	return Pos{Index: -1, in: f}
}
