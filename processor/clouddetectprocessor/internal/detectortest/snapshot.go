package detectortest

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
)

// SnapshotFormat pins a detector's on-disk format: a detector built by fresh and given
// state by fill must write exactly golden (hex), and a fresh detector that restores
// golden must write it back unchanged. Keep golden as written by the build that
// introduced the format, so state kept by an older build is known to still load.
func SnapshotFormat[D detection.Persistent](t *testing.T, golden string, fresh func() D, fill func(D)) {
	t.Helper()
	d := fresh()
	fill(d)
	b, err := d.Snapshot()
	require.NoError(t, err)
	assert.Equal(t, golden, hex.EncodeToString(b), "same state, same bytes")

	old, err := hex.DecodeString(golden)
	require.NoError(t, err)
	d2 := fresh()
	require.NoError(t, d2.Restore(old))
	b2, err := d2.Snapshot()
	require.NoError(t, err)
	assert.Equal(t, golden, hex.EncodeToString(b2), "restored state writes the same bytes")
}
