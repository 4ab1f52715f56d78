package filesource

import (
	"context"
	"encoding/json"
	"hash/fnv"

	"go.opentelemetry.io/collector/extension/xextension/storage"
)

// fingerprintSize is how many leading bytes identify a file. A file shorter than this
// is identified by what it has so far; the fingerprint widens as the file grows.
const fingerprintSize = 1024

// File modes, decided once per file from its first bytes.
const (
	modeUnknown = ""
	modeLines   = "lines" // NDJSON: followed line by line with byte offsets
	modeDoc     = "doc"   // one document (gzip or pretty-printed JSON): decoded whole once stable
)

// checkpoint is the persisted state of one file. It is written only after the next
// consumer accepted everything it covers.
type checkpoint struct {
	FPLen  int    `json:"fp_len"` // bytes covered by FP
	FP     uint64 `json:"fp"`     // FNV-1a of the first FPLen bytes
	Mode   string `json:"mode"`
	Offset int64  `json:"offset"` // lines: next unread byte; doc: file size when last decoded
	Line   int64  `json:"line"`   // lines: complete lines before Offset (for positions in logs)
	Sent   int    `json:"sent"`   // doc: records of the document already accepted
	Done   bool   `json:"done"`   // doc: every record of the document at Offset was delivered
}

func fingerprint(head []byte) uint64 {
	h := fnv.New64a()
	_, _ = h.Write(head)
	return h.Sum64()
}

// sameFile reports whether head (the current first bytes) still belongs to the file the
// checkpoint describes; a different prefix means the path now holds another file.
func (c *checkpoint) sameFile(head []byte) bool {
	if c.FPLen == 0 {
		return true
	}
	return len(head) >= c.FPLen && fingerprint(head[:c.FPLen]) == c.FP
}

// widen updates the fingerprint when more leading bytes are available.
func (c *checkpoint) widen(head []byte) {
	if len(head) > c.FPLen {
		c.FPLen = len(head)
		c.FP = fingerprint(head)
	}
}

// checkpoints persists per-file state in a storage client; a nil client keeps the state
// in memory only (the tracked files are the memory).
type checkpoints struct {
	client storage.Client
}

// key is one per path; the fingerprint lives in the value, so a file that grows keeps
// its key while a different file at the same path is recognised and read anew.
func key(path string) string { return "file/" + path }

func (s checkpoints) load(ctx context.Context, path string) (checkpoint, bool, error) {
	if s.client == nil {
		return checkpoint{}, false, nil
	}
	b, err := s.client.Get(ctx, key(path))
	if err != nil || b == nil {
		return checkpoint{}, false, err
	}
	var c checkpoint
	if err := json.Unmarshal(b, &c); err != nil {
		return checkpoint{}, false, err
	}
	return c, true, nil
}

func (s checkpoints) save(ctx context.Context, path string, c checkpoint) error {
	if s.client == nil {
		return nil
	}
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return s.client.Set(ctx, key(path), b)
}

func (s checkpoints) remove(ctx context.Context, path string) error {
	if s.client == nil {
		return nil
	}
	return s.client.Delete(ctx, key(path))
}
