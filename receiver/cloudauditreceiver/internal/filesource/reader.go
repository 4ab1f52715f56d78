package filesource

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/valyala/fastjson"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/decode"
)

// classifyBytes is how much of a file's start is read to decide its mode.
const classifyBytes = 64 << 10

// readBufferSize is the line reader's buffer; longer lines are gathered piecewise.
// A variable so tests can make it tiny.
var readBufferSize = 64 << 10

// readFile reads what is new in one file. Files are opened per poll and closed again, so
// a deleted or rotated file is never held open.
func (s *Source) readFile(ctx context.Context, path string, tr *tracked) {
	f, err := os.Open(path)
	if err != nil {
		s.set.Logger.Debug("cannot open file", zap.String("path", path), zap.Error(err))
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return
	}
	size := fi.Size()
	head, err := readAt(f, 0, min(size, fingerprintSize))
	if err != nil {
		s.set.Logger.Debug("cannot read file", zap.String("path", path), zap.Error(err))
		return
	}

	switch {
	case !tr.cp.sameFile(head):
		s.set.Logger.Info("file replaced (first bytes changed), reading it from the start", zap.String("path", path))
		tr.cp, tr.lastSize = checkpoint{}, -1
	case size < tr.cp.Offset:
		s.set.Logger.Info("file truncated, reading it from the start", zap.String("path", path),
			zap.Int64("size", size), zap.Int64("offset", tr.cp.Offset))
		tr.cp, tr.lastSize = checkpoint{}, -1
	}
	tr.cp.widen(head)
	stable := size == tr.lastSize
	tr.lastSize = size

	if tr.cp.Mode == modeUnknown {
		tr.cp.Mode = s.classify(f, head, size, stable)
		if tr.cp.Mode == modeUnknown {
			// Not enough data yet to tell; once the size held still, only a change can help.
			tr.settled = stable
			return
		}
	}
	if tr.atEnd {
		tr.atEnd = false
		s.skipToEnd(ctx, f, path, tr, size)
		tr.settled = ctx.Err() == nil
		return
	}
	switch tr.cp.Mode {
	case modeLines:
		s.readLines(ctx, f, path, tr, size)
	case modeDoc:
		if stable && size > 0 && (!tr.cp.Done || tr.cp.Offset != size) {
			s.readDoc(ctx, f, path, tr, size)
		}
		// A document waits for one more poll to prove its size stable.
		tr.settled = tr.cp.Done && tr.cp.Offset == size
		return
	}
	tr.settled = ctx.Err() == nil
}

// classify decides how a file is read: gzip (by magic bytes) and pretty-printed JSON are
// documents; a file whose first line is a complete JSON value is NDJSON. A first line
// that is not JSON is NDJSON with a bad line, unless it opens an object or array (a
// pretty-printer's first line). A file without any newline is a document once its size
// is stable and it parses; until then it may be a first line still being written.
func (s *Source) classify(f *os.File, head []byte, size int64, stable bool) string {
	if len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b {
		return modeDoc
	}
	start, err := readAt(f, 0, min(size, classifyBytes))
	if err != nil {
		return modeUnknown
	}
	for len(start) > 0 {
		i := bytes.IndexByte(start, '\n')
		if i < 0 {
			break
		}
		line := bytes.TrimSpace(start[:i])
		start = start[i+1:]
		if len(line) == 0 {
			continue
		}
		if fastjson.ValidateBytes(line) == nil {
			return modeLines
		}
		if last := line[len(line)-1]; last == '{' || last == '[' {
			return modeDoc
		}
		return modeLines
	}
	if !stable || size == 0 {
		return modeUnknown
	}
	if size > s.set.MaxObjectBytes {
		return modeDoc // rejected as too large when read
	}
	all, err := readAt(f, 0, size)
	if err != nil || fastjson.ValidateBytes(bytes.TrimSpace(all)) != nil {
		return modeUnknown
	}
	return modeDoc
}

// skipToEnd applies start_at: end: the file's current content is treated as delivered.
func (s *Source) skipToEnd(ctx context.Context, f *os.File, path string, tr *tracked, size int64) {
	switch tr.cp.Mode {
	case modeDoc:
		tr.cp.Offset, tr.cp.Done = size, true
	default:
		// Stop after the last complete line so a line being written is read whole.
		tr.cp.Offset = lastLineEnd(f, size)
	}
	s.commit(ctx, path, tr)
}

// lastLineEnd returns the offset just after the last newline in the file's final 64 KiB,
// or size when there is none there.
func lastLineEnd(f *os.File, size int64) int64 {
	from := max(0, size-classifyBytes)
	tail, err := readAt(f, from, size-from)
	if err != nil {
		return size
	}
	if i := bytes.LastIndexByte(tail, '\n'); i >= 0 {
		return from + int64(i) + 1
	}
	return size
}

// readLines reads complete lines after the checkpoint, each one object for the decoder,
// and delivers them in batches of at most max_batch_records records (a line is never
// split). A trailing line without a newline waits for the next poll.
func (s *Source) readLines(ctx context.Context, f *os.File, path string, tr *tracked, size int64) {
	if tr.cp.Offset >= size {
		return
	}
	r := bufio.NewReaderSize(io.NewSectionReader(f, tr.cp.Offset, size-tr.cp.Offset), readBufferSize)
	batch := plog.NewLogs()
	records := 0
	pos, line := tr.cp.Offset, tr.cp.Line
	var long []byte // a line longer than the reader's buffer, gathered up to MaxRecordBytes
	var longLen int64
	for ctx.Err() == nil {
		chunk, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			longLen += int64(len(chunk))
			if longLen <= s.set.MaxRecordBytes {
				long = append(long, chunk...)
			} else {
				long = long[:0]
			}
			continue
		}
		if err != nil {
			break // io.EOF: the rest is a partial line, read again next poll
		}
		data := chunk
		n := int64(len(chunk))
		if longLen > 0 {
			n += longLen
			data = append(long, chunk...)
			long, longLen = long[:0], 0
		}
		lineStart := pos
		pos += n
		line++
		switch trimmed := bytes.TrimSpace(data); {
		case n > s.set.MaxRecordBytes:
			s.set.Pipeline.Bad(decode.BadRecord{
				Origin: path, Position: position(line, lineStart, ""), Reason: "too_large",
				Err: fmt.Errorf("line of %d bytes exceeds max_record_bytes %d", n, s.set.MaxRecordBytes),
			})
		case len(trimmed) > 0:
			s.badLine, s.badOffset = line, lineStart
			res := s.set.Decoder.Decode(trimmed, path, time.Now().UnixNano(), batch, s.onBadLine)
			s.set.Pipeline.Read(res)
			records += res.Emitted
		}
		if records >= s.set.Config.MaxBatchRecords {
			if !s.deliver(ctx, path, tr, batch, pos, line) {
				return
			}
			batch, records = plog.NewLogs(), 0
		}
	}
	if pos != tr.cp.Offset {
		s.deliver(ctx, path, tr, batch, pos, line)
	}
}

// deliver hands a batch to the pipeline and, once accepted, moves the checkpoint to
// (pos, line). It returns false when the source is shutting down.
func (s *Source) deliver(ctx context.Context, path string, tr *tracked, batch plog.Logs, pos, line int64) bool {
	if batch.LogRecordCount() > 0 {
		if err := s.set.Pipeline.Deliver(ctx, batch); err != nil {
			return false
		}
	}
	tr.cp.Offset, tr.cp.Line = pos, line
	s.commit(ctx, path, tr)
	return true
}

// readDoc decodes a whole document and delivers its records in batches; the checkpoint
// counts the records already accepted, so a restart in the middle of a large object
// resumes after them. A document that changes later is decoded again and the records
// already delivered are not sent twice (a gzip file with an appended member).
func (s *Source) readDoc(ctx context.Context, f *os.File, path string, tr *tracked, size int64) {
	if size > s.set.MaxObjectBytes {
		s.set.Pipeline.Bad(decode.BadRecord{
			Origin: path, Position: "whole file", Reason: "too_large",
			Err: fmt.Errorf("file of %d bytes exceeds max_object_bytes %d", size, s.set.MaxObjectBytes),
		})
		tr.cp.Offset, tr.cp.Done = size, true
		s.commit(ctx, path, tr)
		return
	}
	data, err := readAt(f, 0, size)
	if err != nil {
		s.set.Logger.Debug("cannot read file", zap.String("path", path), zap.Error(err))
		return
	}
	out := plog.NewLogs()
	res := s.set.Decoder.Decode(data, path, time.Now().UnixNano(), out, s.set.Pipeline.Bad)
	s.set.Pipeline.Read(res)
	total := out.LogRecordCount()
	from := min(tr.cp.Sent, total)
	for from < total {
		to := min(from+s.set.Config.MaxBatchRecords, total)
		if err := s.set.Pipeline.Deliver(ctx, slice(out, from, to)); err != nil {
			return
		}
		from = to
		if from < total {
			tr.cp.Sent, tr.cp.Done = from, false
			s.commit(ctx, path, tr)
		}
	}
	tr.cp.Sent, tr.cp.Offset, tr.cp.Done = total, size, true
	s.commit(ctx, path, tr)
}

func (s *Source) commit(ctx context.Context, path string, tr *tracked) {
	// The checkpoint is written even while shutting down: the batch it covers was accepted.
	if err := s.cps.save(context.WithoutCancel(ctx), path, tr.cp); err != nil {
		s.set.Logger.Warn("cannot save checkpoint; records may be read again after a restart",
			zap.String("path", path), zap.Error(err))
	}
}

// badInLine prefixes the decoder's position with the line being decoded. It is one
// method value made at New, so decoding a line allocates no callback.
func (s *Source) badInLine(br decode.BadRecord) {
	inner := br.Position
	if inner == "line 1" || inner == "object" {
		inner = "" // the decoder saw one line: the file position says it all
	}
	br.Position = position(s.badLine, s.badOffset, inner)
	s.set.Pipeline.Bad(br)
}

func position(line, offset int64, inner string) string {
	var p string
	if offset >= 0 {
		p = fmt.Sprintf("line %d (byte %d)", line, offset)
	}
	switch {
	case p == "":
		return inner
	case inner == "":
		return p
	}
	return p + ", " + inner
}

func readHead(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAt(f, 0, fingerprintSize)
}

func readAt(f *os.File, off, n int64) ([]byte, error) {
	b := make([]byte, n)
	got, err := f.ReadAt(b, off)
	if err != nil && (!errors.Is(err, io.EOF) || int64(got) != n) {
		if errors.Is(err, io.EOF) {
			return b[:got], nil
		}
		return nil, err
	}
	return b, nil
}
