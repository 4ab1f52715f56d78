package decode

import (
	"unsafe"

	"github.com/valyala/fastjson"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

// maxMapKeys bounds the keys of one object converted to a map: pcommon.Map.PutEmpty
// searches the keys already present, so a hostile object with 100k keys would cost
// quadratic time. Larger objects are kept as their JSON text.
const maxMapKeys = 1024

// bodyWriter writes a parsed event into a pcommon.Value straight from fastjson, without
// the map[string]any detour that FromRaw needs. It is also the event's string source
// (event.Strings) for the cloud decoder, so an attribute and the same value in the body
// are one string.
//
// Strings: fastjson parses a private copy of the event text, so every key and value
// that has no escapes is a slice of that copy at the same offset as in the event text.
// The writer makes one Go string of the whole event per record and hands out
// substrings of it, so keys and values cost no allocation each; a string whose bytes
// are not found at the expected offset (it had escapes), or any string when the body
// keeps no text (body: none), comes from the interner.
type bodyWriter struct {
	text string  // the event text, one allocation per record
	base uintptr // address of the parser's copy of the event text; 0 = unknown
	strs *interner
}

// start prepares for one event. raw is its text. With keep, the writer copies raw once
// (the body map's strings and the body string share that copy); without, every string
// comes from the interner.
func (w *bodyWriter) start(raw []byte, v *fastjson.Value, keep bool) {
	w.text, w.base = "", 0
	if !keep {
		return
	}
	w.text = string(raw)
	w.base = textBase(raw, v)
}

// end drops the event text so the writer does not keep it alive.
func (w *bodyWriter) end() { w.text, w.base = "", 0 }

// String implements event.Strings.
func (w *bodyWriter) String(b []byte) string { return w.str(b) }

// textBase returns the address at which fastjson's copy of raw starts, found from the
// first key of v (fastjson returns keys as slices of its copy), or 0.
func textBase(raw []byte, v *fastjson.Value) uintptr {
	o, err := v.Object()
	if err != nil || o.Len() == 0 {
		return 0
	}
	// Find the first key's offset in raw: '{', spaces, '"'.
	i := 1
	for i < len(raw) && (raw[i] == ' ' || raw[i] == '\n' || raw[i] == '\r' || raw[i] == '\t') {
		i++
	}
	if i >= len(raw) || raw[i] != '"' {
		return 0
	}
	var first []byte
	stop := false
	o.Visit(func(k []byte, _ *fastjson.Value) {
		if !stop {
			first, stop = k, true
		}
	})
	if len(first) == 0 {
		return 0
	}
	return uintptr(unsafe.Pointer(unsafe.SliceData(first))) - uintptr(i+1)
}

// str returns b as a string, a substring of the event text when b sits at its place.
func (w *bodyWriter) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if w.base != 0 {
		off := uintptr(unsafe.Pointer(unsafe.SliceData(b))) - w.base
		if off < uintptr(len(w.text)) && uintptr(len(b)) <= uintptr(len(w.text))-off {
			s := w.text[off : off+uintptr(len(b))]
			if s == string(b) { // escapes were undone in place: content differs, copy instead
				return s
			}
		}
	}
	return w.strs.get(b)
}

func (w *bodyWriter) put(dst pcommon.Value, v *fastjson.Value) {
	switch v.Type() {
	case fastjson.TypeObject:
		if !w.fitsMap(v) {
			dst.SetStr(string(v.MarshalTo(nil)))
			return
		}
		w.putMap(dst.SetEmptyMap(), v)
	case fastjson.TypeArray:
		w.putSlice(dst.SetEmptySlice(), v)
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		dst.SetStr(w.str(b))
	case fastjson.TypeNumber:
		if n, err := v.Int64(); err == nil {
			dst.SetInt(n)
		} else {
			dst.SetDouble(v.GetFloat64())
		}
	case fastjson.TypeTrue:
		dst.SetBool(true)
	case fastjson.TypeFalse:
		dst.SetBool(false)
	}
	// null stays an empty value
}

func (w *bodyWriter) fitsMap(v *fastjson.Value) bool {
	o, _ := v.Object()
	return o.Len() <= maxMapKeys
}

// putMap fills m from object v. Leaves go in with Map.Put* rather than PutEmpty + Set*:
// the same single allocation each, without a second write of the value.
func (w *bodyWriter) putMap(m pcommon.Map, v *fastjson.Value) {
	o, _ := v.Object()
	m.EnsureCapacity(o.Len())
	o.Visit(func(kb []byte, x *fastjson.Value) {
		k := w.str(kb)
		switch x.Type() {
		case fastjson.TypeString:
			b, _ := x.StringBytes()
			m.PutStr(k, w.str(b))
		case fastjson.TypeObject:
			if !w.fitsMap(x) {
				m.PutStr(k, string(x.MarshalTo(nil)))
				return
			}
			w.putMap(m.PutEmptyMap(k), x)
		case fastjson.TypeArray:
			w.putSlice(m.PutEmptySlice(k), x)
		case fastjson.TypeNumber:
			if n, err := x.Int64(); err == nil {
				m.PutInt(k, n)
			} else {
				m.PutDouble(k, x.GetFloat64())
			}
		case fastjson.TypeTrue:
			m.PutBool(k, true)
		case fastjson.TypeFalse:
			m.PutBool(k, false)
		default:
			m.PutEmpty(k) // null: an empty value
		}
	})
}

func (w *bodyWriter) putSlice(s pcommon.Slice, v *fastjson.Value) {
	a, _ := v.Array()
	s.EnsureCapacity(len(a))
	for _, e := range a {
		w.put(s.AppendEmpty(), e)
	}
}

// putBody writes the event v into dst; the writer was started on v's text.
func (d *Decoder) putBody(dst pcommon.Value, v *fastjson.Value) {
	d.body.put(dst, v)
}
