// Package datasets locates the shared development datasets for tests. They live
// beside the repository (<repo root>/../shared/datasets, see its PROVENANCE.md) and
// are never copied into it, so every test that reads them skips cleanly where they
// are absent (a plain clone, CI).
package datasets

import (
	"archive/zip"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
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

// EachFile calls fn with the name (relative to dir) and content of every data file under
// dir, in lexical order. Members of .zip archives are passed one by one as
// "archive.zip!member". labels.csv and Markdown files are not data and are passed over.
func EachFile(t testing.TB, dir string, fn func(name string, data []byte)) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() || e.Name() == "labels.csv" || strings.HasSuffix(e.Name(), ".md") {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		if !strings.HasSuffix(path, ".zip") {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			fn(rel, data)
			return nil
		}
		zr, err := zip.OpenReader(path)
		if err != nil {
			return err
		}
		defer zr.Close()
		for _, m := range zr.File {
			if m.FileInfo().IsDir() || strings.HasPrefix(m.Name, "__MACOSX") {
				continue
			}
			rc, err := m.Open()
			if err != nil {
				return err
			}
			data, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				return err
			}
			fn(rel+"!"+m.Name, data)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("reading datasets under %s: %v", dir, err)
	}
}

// Label is one row of a dataset kind's labels.csv (see PROVENANCE.md).
type Label struct {
	File     string // relative to the kind folder; "a.zip!member" for zip members
	Index    int    // record index in the file, -1 when the row names an id instead
	ID       string // eventID / insertId, from the id column or the notes
	Exposure bool   // expected_exposure_flag
	Notes    string
}

var idInNotes = regexp.MustCompile(`eventID/insertId=([^ |"]+)`)

// Labels reads a labels.csv; a missing file has no labels.
func Labels(t testing.TB, path string) []Label {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []Label
	for _, r := range rows[1:] {
		l := Label{File: r[0], Index: -1, Exposure: r[2] == "true", Notes: r[3]}
		if n, err := strconv.Atoi(r[1]); err == nil {
			l.Index = n
		} else {
			l.ID = r[1]
		}
		if m := idInNotes.FindStringSubmatch(r[3]); m != nil {
			l.ID = m[1]
		}
		out = append(out, l)
	}
	return out
}
