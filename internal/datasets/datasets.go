// Package datasets locates the shared development datasets for tests. They live
// beside the repository (<repo root>/../shared/datasets, see its PROVENANCE.md) and
// are never copied into it, so every test that reads them skips cleanly where they
// are absent (a plain clone, CI).
package datasets

import (
	"os"
	"path/filepath"
	"testing"
)

// Root returns the repository root: the nearest directory above the working
// directory (the test's package) that holds go.mod. The test is skipped when there
// is none.
func Root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Skip("working directory unknown: " + err.Error())
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("repository root (go.mod) not found")
		}
		dir = parent
	}
}

// Dir returns <repo root>/../shared/datasets, skipping the test when it is absent.
func Dir(t testing.TB) string {
	t.Helper()
	return existing(t, filepath.Join(Root(t), "..", "shared", "datasets"))
}

// Kind returns one dataset directory, such as "aws-cloudtrail" or "gcp-audit",
// skipping the test when it is absent.
func Kind(t testing.TB, kind string) string {
	t.Helper()
	return existing(t, filepath.Join(Dir(t), kind))
}

func existing(t testing.TB, d string) string {
	t.Helper()
	if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
		t.Skip("dataset directory absent: " + d)
	}
	return d
}
