package filesource

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadLines checks the line reader's bookkeeping on arbitrary content: every
// complete non-blank line is one object or one rejection, the checkpoint stops right
// after the last newline, and the line count matches.
func FuzzReadLines(f *testing.F) {
	f.Add([]byte("{\"id\":\"a\"}\n{\"id\":\"b\"}\n{\"id\":\"c"), int64(64))
	f.Add([]byte("\n\n  \r\n{\"id\":\"a\"}\r\n"), int64(8))
	f.Add([]byte("{\"id\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}\nnot json\n"), int64(20))
	f.Add([]byte{0x1f, 0x8b, '\n', 0, '\n'}, int64(1))
	old := readBufferSize
	readBufferSize = 16
	defer func() { readBufferSize = old }()
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, content []byte, maxRecord int64) {
		if maxRecord <= 0 || maxRecord > 1<<20 {
			maxRecord = 64
		}
		path := filepath.Join(dir, "f")
		if err := os.WriteFile(path, content, 0o600); err != nil {
			t.Fatal(err)
		}
		p := &fakePipeline{}
		s, err := New(Settings{Config: testConfig(path), Decoder: &idDecoder{}, Pipeline: p, MaxRecordBytes: maxRecord})
		if err != nil {
			t.Fatal(err)
		}
		fh, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer fh.Close()
		tr := &tracked{}
		s.readLines(context.Background(), fh, path, tr, int64(len(content)))

		wantOffset := int64(bytes.LastIndexByte(content, '\n') + 1)
		if tr.cp.Offset != wantOffset {
			t.Fatalf("offset %d, want %d", tr.cp.Offset, wantOffset)
		}
		complete := bytes.Split(content[:wantOffset], []byte("\n"))
		complete = complete[:len(complete)-1]
		if tr.cp.Line != int64(len(complete)) {
			t.Fatalf("line %d, want %d", tr.cp.Line, len(complete))
		}
		var objects, tooLarge int
		for _, l := range complete {
			switch {
			case int64(len(l))+1 > maxRecord:
				tooLarge++
			case len(bytes.TrimSpace(l)) > 0:
				objects++
			}
		}
		var gotTooLarge int
		for _, br := range p.badRecords() {
			if br.Reason == "too_large" {
				gotTooLarge++
			}
		}
		if p.objects != objects || gotTooLarge != tooLarge {
			t.Fatalf("objects %d too_large %d, want %d and %d", p.objects, gotTooLarge, objects, tooLarge)
		}
	})
}
