// Package nab runs the clouddetect anomaly scorer over Numenta Anomaly Benchmark
// (NAB) CSV series and writes NAB results files, so NAB's scorer (or the team's
// nabscore) can score it. It lives beside the processor, not under cmd/, because the
// scorer is internal to the processor; cmd/cloudwarden-eval is a thin wrapper.
package nab

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/anomaly"
)

// DetectorName is the directory and file prefix NAB expects for our results.
const DetectorName = "cloudwarden"

// Run parses the subcommand flags (args excludes "nab"), scores every
// <category>/<file>.csv under -data with the anomaly scorer and writes
// <out>/cloudwarden/<category>/cloudwarden_<file>.csv (timestamp,value,anomaly_score).
func Run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("nab", flag.ContinueOnError)
	cfg := anomaly.DefaultConfig()
	data := fs.String("data", "", "NAB data directory (<category>/<file>.csv); default <repo root>/../shared/datasets/nab/data")
	out := fs.String("out", "results", "results directory")
	// Tuning flags: every scorer setting can be overridden for experiments; the
	// defaults are what the product ships.
	fs.DurationVar(&cfg.Season, "season", cfg.Season, "seasonal period (0 disables)")
	fs.Float64Var(&cfg.LevelHalfLife, "level-half-life", cfg.LevelHalfLife, "level half-life (points)")
	fs.Float64Var(&cfg.SeasonHalfLife, "season-half-life", cfg.SeasonHalfLife, "seasonal profile half-life (cycles of the season)")
	fs.Float64Var(&cfg.ScaleHalfLife, "scale-half-life", cfg.ScaleHalfLife, "residual scale half-life (points)")
	fs.IntVar(&cfg.ShortWindow, "short-window", cfg.ShortWindow, "short averaging window (points)")
	fs.Float64Var(&cfg.LongHalfLife, "long-half-life", cfg.LongHalfLife, "long distribution half-life (points)")
	fs.IntVar(&cfg.Warmup, "warmup", cfg.Warmup, "warm-up points")
	fs.Float64Var(&cfg.AlertScore, "alert-score", cfg.AlertScore, "gate threshold")
	fs.IntVar(&cfg.Sustain, "sustain", cfg.Sustain, "gate: consecutive points")
	fs.IntVar(&cfg.Hold, "hold", cfg.Hold, "gate: hold after an alert (points)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *data == "" {
		root, err := repoRoot()
		if err != nil {
			return fmt.Errorf("no -data given and %w", err)
		}
		*data = filepath.Join(root, "..", "shared", "datasets", "nab", "data")
	}
	scorer, err := anomaly.New(cfg)
	if err != nil {
		return err
	}
	n, err := WriteResults(scorer, *data, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d files under %s\n", n, filepath.Join(*out, DetectorName))
	return nil
}

// WriteResults scores every <category>/<file>.csv under data, each file with a fresh
// series state, and writes the results under out. It returns the number of files.
func WriteResults(scorer *anomaly.Scorer, data, out string) (int, error) {
	files, err := filepath.Glob(filepath.Join(data, "*", "*.csv"))
	if err != nil {
		return 0, err
	}
	if len(files) == 0 {
		return 0, fmt.Errorf("no <category>/<file>.csv under %s", data)
	}
	sort.Strings(files)

	var wg sync.WaitGroup
	errs := make([]error, len(files))
	sem := make(chan struct{}, 8)
	for i, f := range files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			cat := filepath.Base(filepath.Dir(f))
			dst := filepath.Join(out, DetectorName, cat, DetectorName+"_"+filepath.Base(f))
			errs[i] = scoreFile(scorer, f, dst)
		}()
	}
	wg.Wait()
	return len(files), errors.Join(errs...)
}

// repoRoot walks up from the working directory to the directory holding go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// nabTime parses NAB timestamps ("2006-01-02 15:04:05", optional fraction) as UTC.
func nabTime(s string) (time.Time, error) {
	return time.Parse("2006-01-02 15:04:05.999999999", s)
}

// scoreFile streams one NAB CSV through a fresh series state and writes its results.
func scoreFile(scorer *anomaly.Scorer, src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	outF, err := os.Create(dst)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(outF)
	fmt.Fprintln(w, "timestamp,value,anomaly_score")

	var st anomaly.State
	sc := bufio.NewScanner(in)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if line == 1 || text == "" {
			continue // header
		}
		ts, val, ok := strings.Cut(text, ",")
		if !ok {
			outF.Close()
			return fmt.Errorf("%s:%d: want timestamp,value", src, line)
		}
		t, err := nabTime(ts)
		if err != nil {
			outF.Close()
			return fmt.Errorf("%s:%d: %w", src, line, err)
		}
		x, err := strconv.ParseFloat(val, 64)
		if err != nil {
			outF.Close()
			return fmt.Errorf("%s:%d: %w", src, line, err)
		}
		res := scorer.Update(&st, t.UnixNano(), x)
		fmt.Fprintf(w, "%s,%s,%s\n", ts, val, strconv.FormatFloat(res.Score, 'f', 6, 64))
	}
	if err := sc.Err(); err != nil {
		outF.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		outF.Close()
		return err
	}
	return outF.Close()
}
