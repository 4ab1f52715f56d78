package envelope

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/valyala/fastjson"
)

// elemMode says what the elements of an envelope array are.
type elemMode uint8

const (
	asRecord   elemMode = iota // an event (with the container's format as hint)
	asAny                      // any value: a bare array may hold envelopes too
	asLogEvent                 // CloudWatch Logs {"id","timestamp","message"}
	asPulled                   // Pub/Sub pull {"ackId","message":{...}}
)

var (
	errTruncated = errors.New("input ends inside this value")
	errMismatch  = errors.New("brackets do not match")
)

func statusErr(st status) error {
	if st == truncated {
		return errTruncated
	}
	return errMismatch
}

func (r *Reader) takeMembers() []member {
	if n := len(r.ms); n > 0 {
		ms := r.ms[n-1]
		r.ms = r.ms[:n-1]
		return ms[:0]
	}
	return make([]member, 0, 32)
}

func (r *Reader) putMembers(ms []member) { r.ms = append(r.ms, ms) }

// object handles the object at b[i]. Its members are scanned without parsing; the
// arrays of delivery envelopes that need no other key to be understood (Records,
// records, logEvents, receivedMessages) are streamed as soon as they are reached, so a
// large S3 object is read in one pass and a truncated one still yields every complete
// record. Anything else is parsed as one event.
func (r *Reader) object(b []byte, i, nest int, pos Pos) (int, status) {
	ms := r.takeMembers()
	defer func() { r.putMembers(ms) }()

	var (
		end      int
		st       status
		streamed bool
		maxDepth int
		control  bool
		data     bool
	)
	j := i + 1
scan:
	for {
		j = skipWS(b, j)
		if j < len(b) && b[j] == ',' && len(ms) > 0 {
			j = skipWS(b, j+1)
		}
		if j >= len(b) {
			end, st = len(b), truncated
			break
		}
		if b[j] == '}' {
			end, st = j+1, complete
			break
		}
		if b[j] != '"' {
			end, st = j+1, mismatch
			break
		}
		ke := skipString(b, j)
		if ke < 0 {
			end, st = len(b), truncated
			break
		}
		key := b[j+1 : ke-1]
		j = skipWS(b, ke)
		if j >= len(b) || b[j] != ':' {
			end, st = min(j+1, len(b)), truncated
			if j < len(b) {
				st = mismatch
			}
			break
		}
		j = skipWS(b, j+1)
		if j < len(b) && b[j] == '[' && !streamed {
			mode, hint, name := elemMode(0), Unknown, ""
			switch string(key) {
			case "Records":
				mode, hint, name = asRecord, CloudTrail, "Records"
			case "records":
				mode, hint, name = asRecord, AzureActivity, "records"
			case "logEvents":
				// AWS writes messageType first; if it has not been seen yet, decide
				// after the scan (a CONTROL_MESSAGE is skipped, not read).
				if data {
					mode, name = asLogEvent, "logEvents"
				}
			case "receivedMessages":
				mode, name = asPulled, "receivedMessages"
			}
			if name != "" {
				e, ast := r.stream(b, j, nest, pos, name, mode, hint)
				streamed = true
				ms = append(ms, member{key: key, start: j, end: e, st: ast})
				if ast != complete {
					end, st = e, ast
					break scan
				}
				j = e
				continue
			}
		}
		e, d, vst := r.sc.value(b, j)
		ms = append(ms, member{key: key, start: j, end: e, depth: d, st: vst})
		if d > maxDepth {
			maxDepth = d
		}
		if string(key) == "messageType" {
			control = string(b[j:e]) == `"CONTROL_MESSAGE"`
			data = string(b[j:e]) == `"DATA_MESSAGE"`
		}
		if vst != complete {
			end, st = e, vst
			if vst == junk {
				st = mismatch
			}
			break
		}
		j = e
	}
	if streamed {
		return end, st
	}
	if control {
		r.sink.Skip(pos, SkipControl)
		return end, st
	}
	if m := find(ms, "logEvents"); isArray(b, m) && find(ms, "messageType") != nil {
		e, ast := r.stream(b, m.start, nest, pos, "logEvents", asLogEvent, Unknown)
		if ast != complete {
			return e, ast
		}
		return end, st
	}
	if isDigest(ms) {
		r.sink.Skip(pos, SkipDigest)
		return end, st
	}
	if m, mode, hint := listEnvelope(b, ms); m != nil {
		name := string(m.key)
		e, ast := r.stream(b, m.start, nest, pos, name, mode, hint)
		if ast != complete {
			return e, ast
		}
		return end, st
	}
	if st != complete {
		r.sink.Reject(pos, ReasonMalformed, statusErr(st))
		return end, st
	}
	r.record(b[i:end], maxDepth+1, nest, pos, Unknown)
	return end, st
}

// isDigest recognises CloudTrail digest files, which carry hashes of log files, not events.
func isDigest(ms []member) bool {
	return find(ms, "digestS3Bucket") != nil ||
		(find(ms, "digestStartTime") != nil && find(ms, "digestEndTime") != nil)
}

// listEnvelope recognises list responses whose array key is too common to trust alone:
// Kubernetes lists (kind *List + items), GCP entries.list ({"entries":[...]}) and Azure
// REST lists ({"value":[...]}) — the last two only when nothing but paging keys is beside
// the array.
func listEnvelope(b []byte, ms []member) (*member, elemMode, Kind) {
	if m := find(ms, "items"); isArray(b, m) {
		if k := find(ms, "kind"); k != nil && bytes.HasSuffix(b[k.start:k.end], []byte(`List"`)) {
			return m, asRecord, K8sEvent
		}
	}
	if m := find(ms, "entries"); isArray(b, m) && onlyPaging(ms, m) {
		return m, asRecord, GCPAudit
	}
	if m := find(ms, "value"); isArray(b, m) && onlyPaging(ms, m) {
		return m, asRecord, AzureActivity
	}
	return nil, 0, Unknown
}

func isArray(b []byte, m *member) bool {
	return m != nil && m.start < len(b) && b[m.start] == '['
}

func onlyPaging(ms []member, list *member) bool {
	for i := range ms {
		if &ms[i] == list {
			continue
		}
		k := string(ms[i].key)
		if k != "nextLink" && k != "nextPageToken" && !strings.HasPrefix(k, "@odata") && !strings.HasPrefix(k, "odata.") {
			return false
		}
	}
	return true
}

// array handles a bare top-level array: each element may be an event or an envelope.
func (r *Reader) array(b []byte, i, nest int, pos Pos) (int, status) {
	return r.stream(b, i, nest, pos, "", asAny, Unknown)
}

// stream walks the elements of the array at b[i] one by one.
func (r *Reader) stream(b []byte, i, nest int, pos Pos, key string, mode elemMode, hint Kind) (int, status) {
	return r.sc.elements(b, i, func(idx, s, e, depth int, st status) {
		p := pos.at(key, idx)
		if st != complete {
			r.sink.Reject(p, ReasonMalformed, statusErr(st))
			return
		}
		if depth > r.limits.MaxDepth {
			r.sink.Reject(p, ReasonTooDeep, fmt.Errorf("nesting depth %d exceeds max_depth %d", depth, r.limits.MaxDepth))
			return
		}
		switch mode {
		case asRecord:
			r.record(b[s:e], depth, nest, p, hint)
		case asAny:
			switch b[s] {
			case '{':
				if _, st := r.object(b[:e], s, nest, p); st != complete {
					// object reports its own problems
					_ = st
				}
			case '[':
				r.stream(b[:e], s, nest, p, "", asAny, Unknown)
			default:
				r.sink.Reject(p, ReasonUnknown, fmt.Errorf("element is not an object: %q", clip(b[s:e])))
			}
		case asLogEvent:
			r.logEvent(b[s:e], nest, p)
		case asPulled:
			r.pulled(b[s:e], nest, p)
		}
	})
}

// parse checks the limits of one record and parses it; nil means it was rejected.
func (r *Reader) parse(raw []byte, depth int, pos Pos) (*fastjson.Value, []byte) {
	if depth > r.limits.MaxDepth {
		r.sink.Reject(pos, ReasonTooDeep, fmt.Errorf("nesting depth %d exceeds max_depth %d", depth, r.limits.MaxDepth))
		return nil, nil
	}
	if int64(len(raw)) > r.limits.MaxRecordBytes {
		r.sink.Reject(pos, ReasonTooLarge, fmt.Errorf("record of %d bytes exceeds max_record_bytes %d", len(raw), r.limits.MaxRecordBytes))
		return nil, nil
	}
	// Exporters reject invalid UTF-8 in strings; repair it once here so neither the
	// decoders' attributes nor the body can carry it.
	if !utf8.Valid(raw) {
		raw = bytes.ToValidUTF8(raw, []byte("\uFFFD"))
	}
	v, err := r.p.ParseBytes(raw)
	if err != nil {
		reason := ReasonMalformed
		if strings.Contains(err.Error(), "too big depth") {
			reason = ReasonTooDeep
		}
		r.sink.Reject(pos, reason, err)
		return nil, nil
	}
	return v, raw
}

// record parses one event candidate, unwraps the small envelopes that hold a payload
// (Pub/Sub push and bare messages, Firehose HTTP records), and hands the event on.
func (r *Reader) record(raw []byte, depth, nest int, pos Pos, hint Kind) {
	v, raw := r.parse(raw, depth, pos)
	if v == nil {
		return
	}
	o, err := v.Object()
	if err != nil {
		r.sink.Reject(pos, ReasonUnknown, fmt.Errorf("event is a JSON %s, not an object", v.Type()))
		return
	}
	if data := v.Get("data"); data != nil && data.Type() == fastjson.TypeString && isDataWrapper(v, o) {
		r.payload(data, nest, pos, "data")
		return
	}
	if msg := v.Get("message"); msg != nil && msg.Type() == fastjson.TypeObject {
		if data := msg.Get("data"); data != nil && data.Type() == fastjson.TypeString {
			r.payload(data, nest, pos, "message.data") // Pub/Sub push
			return
		}
	}
	kind := r.classify(v, hint)
	if kind == Unknown {
		r.sink.Reject(pos, ReasonUnknown, errors.New("no decoder recognises this event"))
		return
	}
	r.sink.Event(kind, v, raw, pos)
}

// isDataWrapper: a Pub/Sub message ({"data","messageId","publishTime","attributes"}) or
// a Firehose HTTP endpoint record ({"data"}). Events themselves never look like that.
func isDataWrapper(v *fastjson.Value, o *fastjson.Object) bool {
	return o.Len() == 1 || v.Exists("messageId") || v.Exists("message_id") ||
		v.Exists("publishTime") || v.Exists("publish_time") || v.Exists("attributes")
}

// payload base64-decodes a string field and reads the result as any supported input.
func (r *Reader) payload(field *fastjson.Value, nest int, pos Pos, name string) {
	src := field.GetStringBytes()
	np := pos.nested(name)
	if nest >= maxNest {
		r.sink.Reject(np, ReasonTooDeep, fmt.Errorf("more than %d layers of wrapping", maxNest))
		return
	}
	out, err := decodeBase64(src, r.data[nest])
	if err != nil {
		r.sink.Reject(np, ReasonInvalidField, fmt.Errorf("%s is not base64: %w", name, err))
		return
	}
	r.data[nest] = out[:0]
	if int64(len(out)) > r.limits.MaxDecompressedBytes {
		r.sink.Reject(np, ReasonTooLarge, errTooLarge)
		return
	}
	r.input(out, nest+1, np)
}

// logEvent reads one CloudWatch Logs event; its message is itself any supported input.
func (r *Reader) logEvent(raw []byte, nest int, pos Pos) {
	v, _ := r.parse(raw, 0, pos)
	if v == nil {
		return
	}
	msg := v.Get("message")
	if msg == nil || msg.Type() != fastjson.TypeString {
		r.sink.Reject(pos, ReasonInvalidField, errors.New("log event has no string message"))
		return
	}
	np := pos.nested("message")
	if nest >= maxNest {
		r.sink.Reject(np, ReasonTooDeep, fmt.Errorf("more than %d layers of wrapping", maxNest))
		return
	}
	// Copy: the message lives in the parser's buffer, which the next parse reuses.
	r.data[nest] = append(r.data[nest][:0], msg.GetStringBytes()...)
	r.input(r.data[nest], nest+1, np)
}

// pulled reads one element of a Pub/Sub pull response.
func (r *Reader) pulled(raw []byte, nest int, pos Pos) {
	v, _ := r.parse(raw, 0, pos)
	if v == nil {
		return
	}
	data := v.Get("message", "data")
	if data == nil || data.Type() != fastjson.TypeString {
		r.sink.Reject(pos, ReasonInvalidField, errors.New("received message has no string message.data"))
		return
	}
	r.payload(data, nest, pos, "message.data")
}
