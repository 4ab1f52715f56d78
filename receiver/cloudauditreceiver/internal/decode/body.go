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
// the map[string]any detour that FromRaw needs.
//
// Strings: fastjson parses a private copy of the event text, so every key and value
// that has no escapes is a slice of that copy at the same offset as in the event text.
// The writer makes one Go string of the whole event per record and hands out
// substrings of it, so keys and values cost no allocation each; a string whose bytes
// are not found at the expected offset (it had escapes) is copied, through the
// interner.
type bodyWriter struct {
	text string  // the event text, one allocation per record
	base uintptr // address of the parser's copy of the event text
	strs *interner
}

// start prepares for one event. raw is its text, first the bytes of its first key as
// fastjson returned them (nil when the object is empty).
func (w *bodyWriter) start(raw []byte, v *fastjson.Value) {
	w.text, w.base = "", 0
	o, err := v.Object()
	if err != nil || o.Len() == 0 {
		return
	}
	// Find the first key's offset in raw: '{', spaces, '"'.
	i := 1
	for i < len(raw) && (raw[i] == ' ' || raw[i] == '\n' || raw[i] == '\r' || raw[i] == '\t') {
		i++
	}
	if i >= len(raw) || raw[i] != '"' {
		return
	}
	var first []byte
	stop := false
	o.Visit(func(k []byte, _ *fastjson.Value) {
		if !stop {
			first, stop = k, true
		}
	})
	if len(first) == 0 {
		return
	}
	w.text = string(raw)
	w.base = uintptr(unsafe.Pointer(unsafe.SliceData(first))) - uintptr(i+1)
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
			dst.SetStr(string(v.MarshalTo(nil)))
			return
		}
		m := dst.SetEmptyMap()
		m.EnsureCapacity(o.Len())
		o.Visit(func(k []byte, vv *fastjson.Value) {
			w.put(m.PutEmpty(w.str(k)), vv)
		})
	case fastjson.TypeArray:
		a, _ := v.Array()
		s := dst.SetEmptySlice()
		s.EnsureCapacity(len(a))
		for _, e := range a {
			w.put(s.AppendEmpty(), e)
		}
	case fastjson.TypeString:
		dst.SetStr(w.str(v.GetStringBytes()))
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

// putBody writes the event v (text raw) into dst.
func (d *Decoder) putBody(dst pcommon.Value, v *fastjson.Value, raw []byte) {
	d.body.strs = &d.strs
	d.body.start(raw, v)
	d.body.put(dst, v)
	d.body.text, d.body.base = "", 0
}
