package filesource

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// pattern is one compiled glob. Segments are matched with filepath.Match except `**`,
// which matches zero or more whole path segments (the standard library has no `**`).
type pattern struct {
	segs     []string
	root     string // the longest leading directory without glob characters: where the walk starts
	rootSegs int
	deep     bool // contains `**`; otherwise the walk depth is bounded
}

func compilePattern(p string) (pattern, error) {
	if p == "" {
		return pattern{}, errors.New("empty glob")
	}
	segs := splitPath(filepath.Clean(p))
	var pt pattern
	pt.segs = segs
	n := 0
	for ; n < len(segs); n++ {
		if hasMeta(segs[n]) {
			break
		}
	}
	for _, s := range segs {
		if s == "**" {
			pt.deep = true
			continue
		}
		if strings.Contains(s, "**") {
			return pattern{}, errors.New("`**` must be a whole path segment")
		}
		if _, err := filepath.Match(s, ""); err != nil {
			return pattern{}, err
		}
	}
	if n == len(segs) {
		// A plain path: the "root" is the file itself.
		n = len(segs) - 1
	}
	pt.rootSegs = n
	pt.root = joinSegs(segs[:n])
	return pt, nil
}

func hasMeta(s string) bool { return strings.ContainsAny(s, `*?[\`) }

// splitPath splits on "/" after ToSlash, so an absolute path keeps a leading "" segment.
func splitPath(p string) []string { return strings.Split(filepath.ToSlash(p), "/") }

func joinSegs(segs []string) string {
	switch {
	case len(segs) == 0:
		return "."
	case len(segs) == 1 && segs[0] == "":
		return "/"
	}
	return filepath.FromSlash(strings.Join(segs, "/"))
}

func (p pattern) match(path string) bool {
	return matchSegs(p.segs, splitPath(filepath.Clean(path)))
}

func matchSegs(ps, xs []string) bool {
	for len(ps) > 0 {
		if ps[0] == "**" {
			for i := 0; i <= len(xs); i++ {
				if matchSegs(ps[1:], xs[i:]) {
					return true
				}
			}
			return false
		}
		if len(xs) == 0 {
			return false
		}
		if ok, _ := filepath.Match(ps[0], xs[0]); !ok {
			return false
		}
		ps, xs = ps[1:], xs[1:]
	}
	return len(xs) == 0
}

// matcher finds the files selected by include minus exclude.
type matcher struct {
	include []pattern
	exclude []pattern
}

func newMatcher(include, exclude []string) (*matcher, error) {
	m := &matcher{}
	for _, s := range include {
		p, err := compilePattern(s)
		if err != nil {
			return nil, err
		}
		m.include = append(m.include, p)
	}
	for _, s := range exclude {
		p, err := compilePattern(s)
		if err != nil {
			return nil, err
		}
		m.exclude = append(m.exclude, p)
	}
	return m, nil
}

func (m *matcher) excluded(path string) bool {
	for _, p := range m.exclude {
		if p.match(path) {
			return true
		}
	}
	return false
}

// stamp is what the walk saw of a file: enough to leave an unchanged file unopened.
type stamp struct {
	size int64
	mod  int64 // modification time, Unix nanoseconds
}

// found is one matching file.
type found struct {
	path string
	stamp
}

// files walks every include root and returns the matching regular files, sorted so
// files are read in a stable order (date-named CloudTrail objects in time order).
func (m *matcher) files() []found {
	seen := map[string]stamp{}
	for _, p := range m.include {
		maxDepth := len(p.segs) - p.rootSegs
		_ = filepath.WalkDir(p.root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				// Unreadable directories and a root that does not exist yet are not
				// errors: the next poll looks again.
				if d != nil && d.IsDir() && path != p.root {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if !p.deep && path != p.root && len(splitPath(path))-p.rootSegs >= maxDepth {
					return fs.SkipDir
				}
				return nil
			}
			if !p.match(path) || m.excluded(path) {
				return nil
			}
			var fi fs.FileInfo
			var statErr error
			if d.Type().IsRegular() {
				fi, statErr = d.Info()
			} else {
				// Follow a symlink only when it points at a regular file.
				fi, statErr = os.Stat(path)
			}
			if statErr != nil || !fi.Mode().IsRegular() {
				return nil
			}
			seen[path] = stamp{size: fi.Size(), mod: fi.ModTime().UnixNano()}
			return nil
		})
	}
	out := make([]found, 0, len(seen))
	for p, st := range seen {
		out = append(out, found{path: p, stamp: st})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}
