package envelope

import (
	"bytes"
	"fmt"
	"runtime/debug"

	"github.com/klauspost/compress/gzip"
	"github.com/valyala/fastjson"
)

// maxNest bounds how many layers of wrapping (gzip in base64 in a Pub/Sub message in
// a CloudWatch message ...) one object may have.
const maxNest = 6

// Reader unwraps objects. It reuses its parser and buffers, so it is not safe for
// concurrent use; keep one per goroutine.
type Reader struct {
	limits Limits
	pin    Kind
	sink   Sink

	p    fastjson.Parser
	sc   scanner
	gz   *gzip.Reader
	bufs [maxNest + 1][]byte // gzip / base64 output of a whole input, per wrapping layer
	data [maxNest + 1][]byte // payload taken out of a record (message, data), per layer
	ms   [][]member          // member lists, a stack because objects nest through messages
}

// New returns a Reader. pin != Unknown sends every event to that decoder (the delivery
// wrapping is still undone).
func New(limits Limits, pin Kind) *Reader {
	return &Reader{limits: limits, pin: pin}
}

// Read walks one object and hands every event, skip and rejection to sink.
func (r *Reader) Read(data []byte, sink Sink) {
	r.sink = sink
	defer func() {
		// Last line of defence: a bug must cost this object, not the process.
		if e := recover(); e != nil {
			sink.Reject(Pos{Index: -1}, ReasonPanic, fmt.Errorf("panic: %v\n%s", e, debug.Stack()))
		}
		r.sink = nil
	}()
	if int64(len(data)) > r.limits.MaxObjectBytes {
		sink.Reject(Pos{Index: -1}, ReasonTooLarge, fmt.Errorf("object of %d bytes exceeds max_object_bytes %d", len(data), r.limits.MaxObjectBytes))
		return
	}
	r.input(data, 0, Pos{Index: -1})
}

// input handles any supported input: gzip, base64, or JSON text of one or more values.
func (r *Reader) input(b []byte, nest int, at Pos) {
	if nest > maxNest {
		r.sink.Reject(at, ReasonTooDeep, fmt.Errorf("more than %d layers of wrapping", maxNest))
		return
	}
	if isGzip(b) {
		out, err := r.gunzip(b, r.bufs[nest], r.limits.MaxDecompressedBytes)
		if err == errTooLarge {
			r.sink.Reject(at, ReasonTooLarge, err)
			return
		}
		if out != nil {
			r.bufs[nest] = out[:0]
		}
		if err != nil {
			r.sink.Reject(at, ReasonDecompress, err)
		}
		if len(out) > 0 {
			r.input(out, nest+1, at)
		}
		return
	}
	i := skipWS(b, 0)
	if bytes.HasPrefix(b[i:], []byte("\xef\xbb\xbf")) { // UTF-8 BOM
		i = skipWS(b, i+3)
	}
	if i == len(b) {
		return
	}
	if c := b[i]; c != '{' && c != '[' {
		if looksBase64(b[i:]) {
			out, err := decodeBase64(b[i:], r.bufs[nest])
			if err == nil {
				r.bufs[nest] = out[:0]
				if int64(len(out)) > r.limits.MaxDecompressedBytes {
					r.sink.Reject(at, ReasonTooLarge, errTooLarge)
					return
				}
				r.input(out, nest+1, at)
				return
			}
		}
	}
	r.values(b, i, nest, at)
}

// values walks the top-level JSON values of b: one document, NDJSON, or values written
// back to back. A value that cannot be read is reported once and the walk resumes at the
// next line that starts with '{' or '[', so one bad line never costs its neighbours.
func (r *Reader) values(b []byte, i, nest int, at Pos) {
	line := 1 + bytes.Count(b[:i], []byte{'\n'})
	last, nth := i, 0
	prevLine := 0
	lineMode := false
	for {
		i = skipWS(b, i)
		if i >= len(b) {
			return
		}
		line += bytes.Count(b[last:i], []byte{'\n'})
		last = i
		if line == prevLine {
			nth++
		} else {
			nth, prevLine = 1, line
		}
		pos := at
		pos.Line, pos.Nth = line, nth
		// After a value ran to the end of input unclosed, read the rest line by line:
		// otherwise every following broken line would again be scanned to the end,
		// quadratic on a large damaged NDJSON file.
		w := b
		if lineMode {
			if nl := bytes.IndexByte(b[i:], '\n'); nl >= 0 {
				w = b[:i+nl]
			}
		}
		var end int
		var st status
		switch w[i] {
		case '{':
			end, st = r.object(w, i, nest, pos)
		case '[':
			end, st = r.array(w, i, nest, pos)
		default:
			end, _, st = r.sc.value(w, i)
			if st == complete {
				st = junk
			}
			r.sink.Reject(pos, ReasonMalformed, fmt.Errorf("not a JSON object or array: %q", clip(b[i:end])))
		}
		if st == complete {
			line += bytes.Count(b[last:end], []byte{'\n'})
			last, i = end, end
			continue
		}
		if st == truncated {
			lineMode = true
		}
		// Resynchronise at the next line beginning with '{' or '[' in column 0, where
		// NDJSON lines start (nested lines of pretty-printed JSON are indented).
		next := resync(b, i)
		if next < 0 {
			return
		}
		line += bytes.Count(b[last:next], []byte{'\n'})
		last, i = next, next
	}
}

func resync(b []byte, from int) int {
	for {
		j := bytes.IndexByte(b[from:], '\n')
		if j < 0 {
			return -1
		}
		from += j + 1
		if from < len(b) && (b[from] == '{' || b[from] == '[') {
			return from
		}
	}
}

func clip(b []byte) []byte {
	if len(b) > 40 {
		return b[:40]
	}
	return b
}
