package decode

import (
	"bytes"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/valyala/fastjson"
)

// textBase must find where the parser's copy of the text starts (the body's strings are
// substrings at offsets from it), or give up with 0, whatever the first member looks like.
func TestTextBase(t *testing.T) {
	for _, tt := range []struct {
		name, text string
		want       bool // a base can be found
	}{
		{"string first", `{"eventVersion":"1.09","eventName":"RunInstances"}`, true},
		{"spaces", "{ \n\t\"eventVersion\" : \"1.09\" ,\"b\":1}", true},
		{"escaped value", `{"a":"x\"y","b":"z"}`, true},
		{"escaped key", `{"k\"ey":"v","b":"z"}`, true},
		{"object first", `{"userIdentity":{"type":"IAMUser"},"b":"z"}`, true},
		{"number first", `{"n":12,"b":"z"}`, true},
		{"empty string first", `{"a":"","b":"z"}`, true},
		{"empty key", `{"":"v"}`, false},
		{"empty object", `{}`, false},
		{"array", `["a"]`, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var p fastjson.Parser
			raw := []byte(tt.text)
			v, err := p.ParseBytes(raw)
			require.NoError(t, err)
			base := textBase(raw, v)
			if !tt.want {
				assert.Zero(t, base)
				return
			}
			require.NotZero(t, base)
			// The first key sits one byte after the first quote of the text.
			o, _ := v.Object()
			var first []byte
			o.Visit(func(k []byte, _ *fastjson.Value) {
				if first == nil {
					first = k
				}
			})
			at := uintptr(unsafe.Pointer(unsafe.SliceData(first))) - base
			assert.Equal(t, uintptr(bytes.IndexByte(raw, '"')+1), at)
		})
	}
}
