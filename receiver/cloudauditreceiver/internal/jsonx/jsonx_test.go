package jsonx

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/valyala/fastjson"
)

func TestFold(t *testing.T) {
	assert.True(t, EqualFold([]byte("ResultType"), "resultType"))
	assert.True(t, EqualFold([]byte("TRUE"), "true"))
	assert.True(t, EqualFold(nil, ""))
	assert.False(t, EqualFold([]byte("resultTyp"), "resultType"))
	assert.False(t, EqualFold([]byte("result_type"), "resultType"))
	assert.True(t, HasPrefixFold([]byte("/SUBSCRIPTIONS/abc"), "/subscriptions/"))
	assert.False(t, HasPrefixFold([]byte("/sub"), "/subscriptions/"))
	assert.True(t, HasSuffixFold([]byte("Microsoft.Network/WRITE"), "/write"))
	assert.False(t, HasSuffixFold([]byte("write"), "/write"))
	assert.Equal(t, 2, IndexFold([]byte("/x/ResourceGroups/rg"), "/resourcegroups/"))
	assert.Equal(t, -1, IndexFold([]byte("/x/rg"), "/resourcegroups/"))
	assert.Equal(t, 0, IndexFold([]byte("abc"), ""))
}

func TestLookups(t *testing.T) {
	v := fastjson.MustParse(`{"resultType":"Success","insertid":"i1","n":null,"s":"x","num":3}`)
	assert.Equal(t, "Success", string(Bytes(GetFold(v, "ResultType"))))
	assert.Equal(t, "Success", string(Bytes(GetFold(v, "resultType"))))
	assert.Nil(t, GetFold(v, "missing"))
	assert.Nil(t, GetFold(fastjson.MustParse(`[1]`), "0"))
	assert.Nil(t, GetFold(nil, "x"))
	assert.Equal(t, "i1", string(Bytes(Either(v, "insertId", "insertid"))))
	assert.Equal(t, "x", string(Bytes(Either(v, "s", "insertid"))))
	assert.Nil(t, Either(v, "missing", ""))
	assert.Nil(t, Either(fastjson.MustParse(`"s"`), "s", "t"))
	assert.Nil(t, Bytes(v.Get("num")))
	assert.Nil(t, Bytes(v.Get("n")))
	assert.Nil(t, Bytes(nil))
	assert.Equal(t, "", View(nil))
	assert.Equal(t, "abc", View([]byte("abc")))
}

func TestInt(t *testing.T) {
	for in, want := range map[string]int64{
		`22`: 22, `-1`: -1, `22.9`: 22, `"22"`: 22, `" -1 "`: -1, `"+5"`: 5, "\"\\t7\"": 7,
		`"123456789012345678"`: 123456789012345678, `9007199254740992`: 1 << 53,
	} {
		got, ok := Int(fastjson.MustParse(in))
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{`"1234567890123456789"`, `""`, `"-"`, `"+"`, `"1.5"`, `"0x10"`, `"2 2"`, `true`, `null`, `{}`, `[]`, `1e300`, `-9007199254740994`} {
		_, ok := Int(fastjson.MustParse(bad))
		assert.False(t, ok, bad)
	}
	_, ok := Int(nil)
	assert.False(t, ok)
}

func TestBool(t *testing.T) {
	for in, want := range map[string]bool{
		`true`: true, `false`: false, `"True"`: true, `"FALSE"`: false, `"yes"`: true, `"No"`: false,
		`"1"`: true, `"0"`: false, `1`: true, `0`: false,
	} {
		got, ok := Bool(fastjson.MustParse(in))
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{`2`, `"maybe"`, `""`, `null`, `{}`, `-1`} {
		_, ok := Bool(fastjson.MustParse(bad))
		assert.False(t, ok, bad)
	}
	_, ok := Bool(nil)
	assert.False(t, ok)
}

func TestParseTime(t *testing.T) {
	fallback := []string{time.RFC3339Nano, time.RFC1123}
	for in, want := range map[string]string{
		"2025-04-15T10:16:32.9873441Z":      "2025-04-15T10:16:32.9873441Z",
		"2025-04-15t10:16:32z":              "2025-04-15T10:16:32Z",
		"2025-04-15T12:16:32+02:00":         "2025-04-15T10:16:32Z",
		"2025-04-15T05:46:32-04:30":         "2025-04-15T10:16:32Z",
		"2018-09-10 18:12:00.6132593":       "2018-09-10T18:12:00.6132593Z",
		"2018-09-10T18:12:00":               "2018-09-10T18:12:00Z",
		"2018-09-10 18:12:00.1234567891234": "2018-09-10T18:12:00.123456789Z",
		"Mon, 10 Sep 2018 18:12:00 UTC":     "2018-09-10T18:12:00Z",
		"2025-04-15T10:16:32.5+00:00":       "2025-04-15T10:16:32.5Z",
	} {
		got, ok := ParseTime([]byte(in), fallback)
		assert.True(t, ok, in)
		w, err := time.Parse(time.RFC3339Nano, want)
		assert.NoError(t, err)
		assert.True(t, w.Equal(got), "%s: got %s", in, got)
	}
	for _, bad := range []string{"", "...", "2025-13-04 09:12:44", "2025-03-04 09:12:44 junk", "2025-03-04T24:00:00Z", "2025-03-04T09:12:44.Z", "2025-03-04T09:12:44+0200", "Mon, 10 Sep 2018"} {
		_, ok := ParseTime([]byte(bad), fallback)
		assert.False(t, ok, bad)
	}
	_, ok := ParseTime([]byte("Mon, 10 Sep 2018 18:12:00 UTC"), nil)
	assert.False(t, ok, "no fallback layouts: only the fast path")
}
