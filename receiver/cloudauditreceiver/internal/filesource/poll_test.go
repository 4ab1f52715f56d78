package filesource

import (
	"context"
	"github.com/cloudwarden/cloudwarden/internal/storagetest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests call poll directly, so each step is one poll and nothing is timed.

func TestDocumentWaitsForStableSizeThenSettles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "obj.json.gz")
	require.NoError(t, os.WriteFile(path, gzipBytes(t, `{"Records":[{"id":"d1"}]}`), 0o600))
	p := &fakePipeline{}
	s, err := New(Settings{Config: testConfig(filepath.Join(dir, "*")), Decoder: &idDecoder{}, Pipeline: p})
	require.NoError(t, err)
	ctx := context.Background()

	s.poll(ctx)
	assert.Empty(t, p.delivered(), "first sight: the size is not yet known to be stable")
	s.poll(ctx)
	assert.Equal(t, []string{"d1"}, p.delivered())
	tr := s.files[path]
	assert.True(t, tr.settled)
	s.poll(ctx)
	assert.Equal(t, 1, p.objects, "a settled, unchanged document is not read again")

	// Rewritten with new content: a new file at the same path.
	future := time.Now().Add(time.Minute)
	require.NoError(t, os.WriteFile(path, gzipBytes(t, `{"Records":[{"id":"e1"},{"id":"e2"}]}`), 0o600))
	require.NoError(t, os.Chtimes(path, future, future))
	s.poll(ctx)
	s.poll(ctx)
	assert.Equal(t, []string{"d1", "e1", "e2"}, p.delivered())
}

func TestGzipWithAppendedMemberSendsOnlyNewRecords(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "multi.gz")
	first := gzipBytes(t, lines("m1", "m2"))
	require.NoError(t, os.WriteFile(path, first, 0o600))
	client := storagetest.NewClient()
	p := &fakePipeline{}
	s, err := New(Settings{Config: testConfig(path), Decoder: &idDecoder{}, Pipeline: p, Storage: client})
	require.NoError(t, err)
	ctx := context.Background()
	s.poll(ctx)
	s.poll(ctx)
	require.Equal(t, []string{"m1", "m2"}, p.delivered())

	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.Write(gzipBytes(t, lines("m3")))
	require.NoError(t, err)
	require.NoError(t, f.Close())
	s.poll(ctx)
	s.poll(ctx)
	assert.Equal(t, []string{"m1", "m2", "m3"}, p.delivered())
	assert.Equal(t, 3, loadCheckpoint(t, client, path).Sent)
}

func TestStartAtEndStopsAfterLastCompleteLine(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.ndjson")
	writeFile(t, path, lines("old")+`{"id":"ne`)
	cfg := testConfig(path)
	cfg.StartAt = StartAtEnd
	p := &fakePipeline{}
	s, err := New(Settings{Config: cfg, Decoder: &idDecoder{}, Pipeline: p})
	require.NoError(t, err)
	ctx := context.Background()
	s.poll(ctx)
	appendFile(t, path, "w\"}\n")
	s.poll(ctx)
	assert.Equal(t, []string{"new"}, p.delivered(), "the line being written at start is read whole")
}

func TestRenameRotationContinues(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "audit.ndjson")
	var ids []string
	for i := range 30 { // > 1 KiB, so the fingerprint is complete
		ids = append(ids, "event-with-a-longer-identifier-"+strconv.Itoa(i))
	}
	writeFile(t, path, lines(ids...))
	client := storagetest.NewClient()
	p := &fakePipeline{}
	s, err := New(Settings{Config: testConfig(filepath.Join(dir, "audit.ndjson*")), Decoder: &idDecoder{}, Pipeline: p, Storage: client})
	require.NoError(t, err)
	ctx := context.Background()
	s.poll(ctx)
	require.Equal(t, ids, p.delivered())

	// Written just before rotation, then renamed away; a new file takes the name.
	appendFile(t, path, lines("tail"))
	require.NoError(t, os.Rename(path, path+".1"))
	writeFile(t, path, lines("new1"))
	s.poll(ctx)
	// Paths are read in order: the new audit.ndjson, then the renamed audit.ndjson.1.
	assert.Equal(t, append(ids, "new1", "tail"), p.delivered(), "nothing re-read, nothing skipped")
	assert.EqualValues(t, 31, loadCheckpoint(t, client, path+".1").Line)
	assert.EqualValues(t, 1, loadCheckpoint(t, client, path).Line)

	// Renamed again, the old name vanishing: the checkpoint moves with the file.
	appendFile(t, path+".1", lines("tail2"))
	require.NoError(t, os.Rename(path+".1", path+".2"))
	s.poll(ctx)
	assert.Equal(t, append(ids, "new1", "tail", "tail2"), p.delivered())
	assert.EqualValues(t, 32, loadCheckpoint(t, client, path+".2").Line)
	b, _ := client.Get(ctx, key(path+".1"))
	assert.Nil(t, b, "the old name's checkpoint is gone")
}
