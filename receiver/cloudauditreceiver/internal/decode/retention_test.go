package decode

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
)

// Outputs of successive Decode calls must be freed independently: values of one output
// may not share slab chunks with the next (a shared chunk links every output to the one
// before, and nothing is ever freed).
func TestDecoderDoesNotRetainEarlierOutputs(t *testing.T) {
	d, err := New(Config{})
	require.NoError(t, err)
	data := benchObject(1000)
	decodeOnce := func() {
		out := plog.NewLogs()
		res := d.Decode(data, "retention", 1, out, nil)
		require.Equal(t, 1000, res.Emitted)
	}
	decodeOnce()
	heap := func() uint64 {
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	base := heap()
	for range 20 {
		decodeOnce()
	}
	// One output of 1,000 records is ~5 MB; retaining them would add ~100 MB.
	assert.Less(t, heap(), base+16<<20, "heap after 20 dropped outputs")
	runtime.KeepAlive(d) // the decoder lives on, as in a receiver; so do its chunks
}
