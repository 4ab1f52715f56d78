package event

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

type upper struct{ calls int }

func (u *upper) String(b []byte) string {
	u.calls++
	out := make([]byte, len(b))
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		out[i] = c
	}
	return string(out)
}

func TestStrAndPutBytes(t *testing.T) {
	ev := New()
	assert.Equal(t, "abc", ev.Str([]byte("abc")), "without Text: a copy")
	ev.PutBytes("k", []byte("v"))
	ev.PutBytes("empty", nil)
	assert.Equal(t, map[string]any{"k": "v"}, ev.Attrs().AsRaw())

	u := &upper{}
	ev.Text = u
	assert.Equal(t, "ABC", ev.Str([]byte("abc")))
	assert.Empty(t, ev.Str(nil), "empty input never reaches Text")
	ev.PutBytes("k2", []byte("x"))
	assert.Equal(t, 2, u.calls)
	got, _ := ev.Attrs().Get("k2")
	assert.Equal(t, "X", got.Str())
}
