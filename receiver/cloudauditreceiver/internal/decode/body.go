package decode

import (
	"unsafe"

	"github.com/valyala/fastjson"
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/pdataslab"
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
	slab *pdataslab.Slab // where the body's values are allocated
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
		o, _ := v.Object()
		if o.Len() > maxMapKeys {
			w.slab.SetStr(dst, string(v.MarshalTo(nil)))
			return
		}
		w.putMap(w.slab.SetEmptyMap(dst, o.Len()), o)
	case fastjson.TypeArray:
		a, _ := v.Array()
		w.putSlice(w.slab.SetEmptySlice(dst, len(a)), a)
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		w.slab.SetStr(dst, w.str(b))
	case fastjson.TypeNumber:
		if n, err := v.Int64(); err == nil {
			w.slab.SetInt(dst, n)
		} else {
			w.slab.SetDouble(dst, v.GetFloat64())
		}
	case fastjson.TypeTrue:
		w.slab.SetBool(dst, true)
	case fastjson.TypeFalse:
		w.slab.SetBool(dst, false)
	}
	// null stays an empty value
}

// putMap fills m (made with room for o's keys) from object o.
func (w *bodyWriter) putMap(m pcommon.Map, o *fastjson.Object) {
	// JSON objects almost never repeat a key, but one that does must end as
	// pcommon.Map.PutX leaves it (one entry, the last value). Searching m for every key
	// costs quadratic time, so only keys whose cheap fingerprint was seen before in this
	// object are searched; the rest are appended.
	var seen uint64
	o.Visit(func(kb []byte, x *fastjson.Value) {
		k := w.str(kb)
		bit := uint64(1) << (keyPrint(k) & 63)
		var dst pcommon.Value
		if seen&bit == 0 {
			seen |= bit
			dst = w.slab.Add(m, k)
		} else {
			dst = w.slab.PutEmpty(m, k)
		}
		w.put(dst, x)
	})
}

// keyPrint is a cheap fingerprint of a key: equal keys have equal prints.
func keyPrint(k string) uint {
	if k == "" {
		return 0
	}
	return uint(len(k))*31 + uint(k[0])*7 + uint(k[len(k)-1])
}

// putSlice fills s (made with len(a) empty elements) from array a.
func (w *bodyWriter) putSlice(s pcommon.Slice, a []*fastjson.Value) {
	for i, e := range a {
		w.put(s.At(i), e)
	}
}

// putBody writes the event v into dst; the writer was started on v's text.
func (d *Decoder) putBody(dst pcommon.Value, v *fastjson.Value) {
	d.body.put(dst, v)
}
