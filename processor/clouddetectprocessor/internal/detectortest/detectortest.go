// Package detectortest holds the helpers every detector's tests use: building a
// detector from its defaults with one change, and listing findings compactly so a test
// asserts exactly which rules fired at which severity.
package detectortest

import (
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
)

// New builds a detector from defaults() changed by mod (nil: the defaults as they
// are), failing the test when build rejects the config. build is the package's New.
func New[C, D any](t testing.TB, defaults func() C, build func(C, *zap.Logger) (D, error), mod func(*C)) D {
	t.Helper()
	cfg := defaults()
	if mod != nil {
		mod(&cfg)
	}
	d, err := build(cfg, zap.NewNop())
	require.NoError(t, err)
	return d
}

// Rules lists findings as "<rule uuid>/<severity>", in order.
func Rules(f detection.Findings) []string {
	var r []string
	for _, x := range f {
		r = append(r, x.Rule.UUID+"/"+x.Severity.String())
	}
	return r
}
