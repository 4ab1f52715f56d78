// Package filesource is the `file` source of the cloudaudit receiver: it finds files by
// glob, reads them (NDJSON followed line by line, whole documents once stable), hands
// each object to the decoder and each batch to the pipeline, and checkpoints per file
// only after the pipeline accepted the batch.
package filesource

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.opentelemetry.io/collector/extension/xextension/storage"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/decode"
)

// Decoder turns one object into log records; *decode.Decoder implements it.
type Decoder interface {
	Decode(data []byte, origin string, observed int64, out plog.Logs, onBad func(decode.BadRecord)) decode.Result
}

// Pipeline is where a source delivers batches and reports what it read. The receiver
// implements it (obsreport, internal telemetry, retries); sources stay about their input.
type Pipeline interface {
	// Deliver hands ld to the next consumer. It returns nil once the batch was accepted
	// or permanently refused (then it is counted and dropped, as it can never succeed),
	// and an error only when ctx ended first: the batch was not delivered.
	Deliver(ctx context.Context, ld plog.Logs) error
	// Bad counts and logs one rejected record.
	Bad(br decode.BadRecord)
	// Read counts one object handed to the decoder and the non-events it skipped.
	Read(res decode.Result)
}

// Settings wire a Source.
type Settings struct {
	Config         Config
	Logger         *zap.Logger
	Decoder        Decoder
	Pipeline       Pipeline
	Storage        storage.Client // nil: checkpoints in memory only
	MaxObjectBytes int64          // whole documents above this are rejected unread
	MaxRecordBytes int64          // NDJSON lines above this are rejected
}

// Source is a running file source.
type Source struct {
	set    Settings
	match  *matcher
	cps    checkpoints
	files  map[string]*tracked
	polled bool // the first poll is done (start_at applies only before it)
	cancel context.CancelFunc
	wg     sync.WaitGroup

	// The line being decoded, for positions of bad records (see badInLine).
	badLine, badOffset int64
	onBadLine          func(decode.BadRecord)
}

// tracked is what the source knows about one path between polls.
type tracked struct {
	cp       checkpoint
	lastSize int64 // size at the previous poll, -1 before the first look
	seen     bool  // matched in the current poll
	atEnd    bool  // start_at: end applies: skip what the file holds now
	stamp    stamp // size and modification time when last read
	found    stamp // size and modification time seen by the current poll
	settled  bool  // everything the file held at stamp was handled; nothing to do until it changes
}

// New validates the settings and compiles the globs.
func New(set Settings) (*Source, error) {
	if set.Decoder == nil || set.Pipeline == nil {
		return nil, errors.New("filesource: decoder and pipeline are required")
	}
	if err := set.Config.Validate(); err != nil {
		return nil, err
	}
	m, err := newMatcher(set.Config.Include, set.Config.Exclude)
	if err != nil {
		return nil, err
	}
	if set.Logger == nil {
		set.Logger = zap.NewNop()
	}
	if set.MaxObjectBytes <= 0 {
		set.MaxObjectBytes = decode.DefaultLimits().MaxObjectBytes
	}
	if set.MaxRecordBytes <= 0 {
		set.MaxRecordBytes = decode.DefaultLimits().MaxRecordBytes
	}
	if set.Storage == nil {
		set.Logger.Info("file source has no storage extension: checkpoints are kept in memory only, a restart reads files again from start_at")
	}
	s := &Source{set: set, match: m, cps: checkpoints{client: set.Storage}, files: map[string]*tracked{}}
	s.onBadLine = s.badInLine
	return s, nil
}

// Start polls in a goroutine until Shutdown.
func (s *Source) Start(_ context.Context) {
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.wg.Add(1)
	go s.run(ctx)
}

// Shutdown stops polling and waits for the goroutine; a batch being retried is
// abandoned without a checkpoint, so it is read again after a restart.
func (s *Source) Shutdown(_ context.Context) {
	if s.cancel != nil {
		s.cancel()
	}
	s.wg.Wait()
}

func (s *Source) run(ctx context.Context) {
	defer s.wg.Done()
	t := time.NewTicker(s.set.Config.PollInterval)
	defer t.Stop()
	for {
		s.poll(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// poll evaluates the globs once and reads every matching file as far as it can.
func (s *Source) poll(ctx context.Context) {
	found := s.match.files()
	for _, tr := range s.files {
		tr.seen = false
	}
	var fresh []string
	for _, f := range found {
		if tr, ok := s.files[f.path]; ok {
			tr.seen, tr.found = true, f.stamp
		} else {
			fresh = append(fresh, f.path)
		}
	}
	s.adoptRenamed(ctx, fresh)

	for _, f := range found {
		if ctx.Err() != nil {
			return
		}
		tr, ok := s.files[f.path]
		if !ok {
			tr = s.track(ctx, f.path)
			s.files[f.path] = tr
		}
		tr.seen = true
		// A settled file that has not changed since is not even opened: trees of
		// thousands of delivered CloudTrail objects cost one stat each per poll.
		if tr.settled && tr.stamp == f.stamp {
			continue
		}
		tr.stamp = f.stamp
		tr.settled = false
		s.readFile(ctx, f.path, tr)
	}
	if ctx.Err() != nil {
		return
	}
	// Forget files that are gone so state stays bounded by the files that exist.
	for path, tr := range s.files {
		if !tr.seen {
			delete(s.files, path)
			if err := s.cps.remove(ctx, path); err != nil {
				s.set.Logger.Warn("cannot delete checkpoint", zap.String("path", path), zap.Error(err))
			}
		}
	}
	s.polled = true
}

// adoptRenamed carries the state of a file that left its path — the path vanished or
// now holds another file — over to a new path holding the same file (same full
// fingerprint): a rotation by rename where both names match the globs continues where
// it was instead of reading the file again. It costs nothing unless new paths appear.
func (s *Source) adoptRenamed(ctx context.Context, fresh []string) {
	if len(fresh) == 0 {
		return
	}
	var gone []string
	for path, tr := range s.files {
		// Only a full fingerprint is distinctive: short prefixes of audit logs look alike.
		if tr.cp.FPLen != fingerprintSize {
			continue
		}
		if !tr.seen {
			gone = append(gone, path)
			continue
		}
		if tr.found != tr.stamp {
			if head, err := readHead(path); err == nil && !tr.cp.sameFile(head) {
				gone = append(gone, path) // replaced: the old file may be among the new paths
			}
		}
	}
	if len(gone) == 0 {
		return
	}
	for _, path := range fresh {
		head, err := readHead(path)
		if err != nil || len(head) < fingerprintSize {
			continue
		}
		for i, old := range gone {
			tr := s.files[old]
			if !tr.cp.sameFile(head) {
				continue
			}
			s.set.Logger.Info("file renamed, continuing from its checkpoint", zap.String("from", old), zap.String("to", path))
			// The old path, if it still exists, is tracked anew as the file it now holds.
			delete(s.files, old)
			tr.seen = true
			s.files[path] = tr
			if err := s.cps.remove(ctx, old); err != nil {
				s.set.Logger.Warn("cannot delete checkpoint", zap.String("path", old), zap.Error(err))
			}
			s.commit(ctx, path, tr)
			gone = append(gone[:i], gone[i+1:]...)
			break
		}
		if len(gone) == 0 {
			return
		}
	}
}

// track starts tracking a path, from its checkpoint when there is one.
func (s *Source) track(ctx context.Context, path string) *tracked {
	tr := &tracked{lastSize: -1}
	cp, found, err := s.cps.load(ctx, path)
	switch {
	case err != nil:
		s.set.Logger.Warn("cannot load checkpoint, reading the file from the start", zap.String("path", path), zap.Error(err))
	case found:
		tr.cp = cp
	case !s.polled && s.set.Config.StartAt == StartAtEnd:
		tr.atEnd = true
	}
	return tr
}
