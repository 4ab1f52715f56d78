package cloudtrail

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
)

// TestDemoSamples keeps the bundled demo data (<repo>/testdata/aws, used by make run)
// decodable and carrying the signals the demo shows.
func TestDemoSamples(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", "..", "..", "..", "testdata", "aws"))
	require.NoError(t, err)

	data, err := os.ReadFile(filepath.Join(root, "cloudtrail-s3-object.json"))
	require.NoError(t, err)
	v := fastjson.MustParseBytes(data)
	records := v.GetArray("Records")
	require.Len(t, records, 10)
	exposures := 0
	for i, r := range records {
		ev := event.New()
		require.NoError(t, Decode(r, ev), "Records[%d]", i)
		if hasAnyIngressAllow(ev) {
			exposures++
		}
	}
	assert.Equal(t, 3, exposures, "open SSH, its revoke and the NACL entry carry ingress /0 rules")

	var lines []string
	for _, name := range []string{"cloudtrail.ndjson", "eventbridge-autoscaling.ndjson"} {
		f, err := os.ReadFile(filepath.Join(root, name))
		require.NoError(t, err)
		sc := bufio.NewScanner(bytes.NewReader(f))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
	}
	var directions []string
	for i, line := range lines {
		v := fastjson.MustParse(line)
		ev := event.New()
		if Matches(v) {
			require.NoError(t, Decode(v, ev), "line %d", i)
			continue
		}
		err := DecodeEventBridge(v, ev)
		if errors.Is(err, event.ErrSkip) {
			continue
		}
		require.NoError(t, err, "line %d", i)
		if d, ok := ev.Attrs().Get(schema.AttrScalingDirection); ok {
			directions = append(directions, d.Str())
		}
	}
	assert.Equal(t, []string{"out", "out", "in", "out", "out", "in", "in", "out", "out", "out", "in", "in", "out", "out"}, directions)
}
