package filesource

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPatternMatch(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"/var/log/cloudtrail/**/*.json.gz", "/var/log/cloudtrail/a.json.gz", true},
		{"/var/log/cloudtrail/**/*.json.gz", "/var/log/cloudtrail/AWSLogs/1/CloudTrail/eu-west-1/2025/03/04/x.json.gz", true},
		{"/var/log/cloudtrail/**/*.json.gz", "/var/log/cloudtrail/x.json", false},
		{"/var/log/cloudtrail/**/*.json.gz", "/var/log/other/x.json.gz", false},
		{"/var/log/*/x.json", "/var/log/a/x.json", true},
		{"/var/log/*/x.json", "/var/log/a/b/x.json", false},
		{"/var/log/**", "/var/log/a/b/c", true},
		{"/var/log/**/CloudTrail-Digest/**", "/var/log/AWSLogs/1/CloudTrail-Digest/eu-west-1/d.json.gz", true},
		{"/var/log/**/CloudTrail-Digest/**", "/var/log/AWSLogs/1/CloudTrail/eu-west-1/d.json.gz", false},
		{"/a/**/b/**/c.json", "/a/b/c.json", true},
		{"/a/**/b/**/c.json", "/a/x/b/y/z/c.json", true},
		{"/a/**/b/**/c.json", "/a/x/y/c.json", false},
		{"/a/x[0-9].json", "/a/x7.json", true},
		{"/a/x[0-9].json", "/a/xa.json", false},
		{"/a/?.json", "/a/b.json", true},
		{"rel/*.json", "rel/a.json", true},
		{"./rel/*.json", "rel/a.json", true},
	}
	for _, tt := range tests {
		p, err := compilePattern(tt.pattern)
		require.NoError(t, err, tt.pattern)
		assert.Equal(t, tt.want, p.match(tt.path), "%s ~ %s", tt.pattern, tt.path)
	}
}

func TestPatternErrors(t *testing.T) {
	for _, bad := range []string{"", "/a/[.json", "/a/b**/c"} {
		_, err := compilePattern(bad)
		assert.Error(t, err, bad)
	}
}

func TestPatternRoot(t *testing.T) {
	for pattern, root := range map[string]string{
		"/var/log/cloudtrail/**/*.json.gz": "/var/log/cloudtrail",
		"/var/log/a.json":                  "/var/log",
		"/*.json":                          "/",
		"*.json":                           ".",
		"logs/*/x.json":                    "logs",
	} {
		p, err := compilePattern(filepath.FromSlash(pattern))
		require.NoError(t, err)
		assert.Equal(t, filepath.FromSlash(root), p.root, pattern)
	}
}

func TestMatcherFiles(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"a.json", "b.txt", "s/c.json", "s/t/d.json", "s/skip/e.json"} {
		writeFile(t, filepath.Join(dir, f), "{}\n")
	}
	require.NoError(t, os.Symlink(filepath.Join(dir, "a.json"), filepath.Join(dir, "link.json")))
	require.NoError(t, os.Symlink(filepath.Join(dir, "s"), filepath.Join(dir, "dirlink.json")))

	m, err := newMatcher([]string{filepath.Join(dir, "**", "*.json")}, []string{filepath.Join(dir, "**", "skip", "*")})
	require.NoError(t, err)
	want := []string{"a.json", "link.json", "s/c.json", "s/t/d.json"}
	for i := range want {
		want[i] = filepath.Join(dir, want[i])
	}
	assert.Equal(t, want, paths(m.files()))

	// Without `**` the walk does not descend past the pattern's depth.
	m, err = newMatcher([]string{filepath.Join(dir, "*", "*.json")}, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{filepath.Join(dir, "s", "c.json")}, paths(m.files()))

	// A root that does not exist yet is not an error: files may appear later.
	m, err = newMatcher([]string{filepath.Join(dir, "later", "*.json")}, nil)
	require.NoError(t, err)
	assert.Empty(t, m.files())
}

func FuzzPatternMatch(f *testing.F) {
	f.Add("/var/log/**/*.json.gz", "/var/log/a/b/c.json.gz")
	f.Add("/a/[0-9]*.json", "/a/1.json")
	f.Add("**", "x")
	f.Add("/a/**/**/b", "/a/b")
	f.Fuzz(func(t *testing.T, pattern, path string) {
		p, err := compilePattern(pattern)
		if err != nil {
			return
		}
		_ = p.match(path)
		if !hasMeta(pattern) && filepath.Clean(pattern) == filepath.Clean(path) && len(path) > 0 {
			if !p.match(path) {
				t.Fatalf("literal pattern %q does not match itself", pattern)
			}
		}
	})
}

func paths(fs []found) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.path
	}
	return out
}
