package envelope

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"

	"github.com/klauspost/compress/gzip"
)

var errTooLarge = errors.New("decompressed size exceeds max_decompressed_bytes")

func isGzip(b []byte) bool { return len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b }

// gunzip decompresses b (all concatenated members, as Firehose writes them) into buf,
// reading at most limit bytes so a gzip bomb costs no more than the limit. On a corrupt
// or truncated stream it returns what was decompressed so far with the error, so the
// complete records before the damage can still be used.
func (r *Reader) gunzip(b []byte, buf []byte, limit int64) ([]byte, error) {
	br := bytes.NewReader(b)
	if r.gz == nil {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return buf[:0], err
		}
		r.gz = zr
	} else if err := r.gz.Reset(br); err != nil {
		return buf[:0], err
	}
	r.gz.Multistream(true)
	w := bytes.NewBuffer(buf[:0])
	if hint := int64(len(b)) * 8; hint < limit {
		w.Grow(int(hint))
	}
	n, err := io.Copy(w, io.LimitReader(r.gz, limit+1))
	if n > limit {
		return nil, errTooLarge
	}
	return w.Bytes(), err
}

// looksBase64 reports whether b (trimmed, not JSON) is entirely base64 text, the way
// Kinesis, Pub/Sub and Firehose hand over binary payloads.
func looksBase64(b []byte) bool {
	if len(b) < 4 {
		return false
	}
	for _, c := range b {
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9',
			c == '+', c == '/', c == '=', c == '-', c == '_', isSpace(c):
		default:
			return false
		}
	}
	return true
}

// decodeBase64 accepts standard and URL alphabets, with or without padding, and
// MIME-style line breaks.
func decodeBase64(src []byte, buf []byte) ([]byte, error) {
	if bytes.ContainsAny(src, " \r\n\t") {
		clean := make([]byte, 0, len(src))
		for _, c := range src {
			if !isSpace(c) {
				clean = append(clean, c)
			}
		}
		src = clean
	}
	enc := base64.StdEncoding
	if bytes.ContainsAny(src, "-_") {
		enc = base64.URLEncoding
	}
	if len(src)%4 != 0 {
		enc = enc.WithPadding(base64.NoPadding)
		src = bytes.TrimRight(src, "=")
	}
	n := enc.DecodedLen(len(src))
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	m, err := enc.Decode(buf[:n], src)
	return buf[:m], err
}
