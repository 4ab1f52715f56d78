package datasets

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRootHoldsGoMod(t *testing.T) {
	_, err := os.Stat(filepath.Join(Root(t), "go.mod"))
	require.NoError(t, err)
}

func TestKindSkipsWhenAbsent(t *testing.T) {
	// Run in a subtest: a skip there must not end this test, and must be reported.
	var reached bool
	t.Run("absent", func(t *testing.T) {
		Kind(t, "no-such-dataset-kind")
		reached = true
	})
	assert.False(t, reached, "Kind returned for a directory that does not exist")
}

func TestKindFindsPresent(t *testing.T) {
	d := Kind(t, "aws-cloudtrail") // skips where the shared datasets are absent
	assert.Equal(t, "aws-cloudtrail", filepath.Base(d))
	assert.Equal(t, filepath.Join(Dir(t), "aws-cloudtrail"), d)
}
