package filesource

import (
	"context"
	"github.com/cloudwarden/cloudwarden/internal/storagetest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFollowsGrowingNDJSON(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "trail.ndjson")
	// The third line is still being written: it must wait, not be rejected.
	writeFile(t, path, lines("a1", "a2")+`{"id":"a`)
	client := storagetest.NewClient()
	p := &fakePipeline{}
	startSource(t, testConfig(filepath.Join(dir, "*.ndjson")), p, client)
	waitIDs(t, p, "a1", "a2")
	assert.Empty(t, p.badRecords())

	appendFile(t, path, "3\"}\n"+lines("a4"))
	waitIDs(t, p, "a1", "a2", "a3", "a4")
	assert.Empty(t, p.badRecords())

	fi, err := os.Stat(path)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return loadCheckpoint(t, client, path).Offset == fi.Size() }, 5*time.Second, testPoll)
	cp := loadCheckpoint(t, client, path)
	assert.Equal(t, modeLines, cp.Mode)
	assert.EqualValues(t, 4, cp.Line)
}

func TestGzipDocument(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "2026", "11", "obj.json.gz")
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, gzipBytes(t, `{"Records":[{"id":"g1"},{"id":"skip"},{"id":"g2"}]}`), 0o600))
	client := storagetest.NewClient()
	p := &fakePipeline{}
	startSource(t, testConfig(filepath.Join(dir, "**", "*.json.gz")), p, client)
	waitIDs(t, p, "g1", "g2")
	p.mu.Lock()
	assert.Equal(t, 1, p.objects, "the whole file is one object")
	assert.Equal(t, 1, p.skipped)
	p.mu.Unlock()
	cp := loadCheckpoint(t, client, path)
	assert.Equal(t, modeDoc, cp.Mode)
	assert.True(t, cp.Done)
	assert.Equal(t, 2, cp.Sent)
}

func TestPrettyDocumentInBatches(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "pretty.json")
	writeFile(t, path, "{\n  \"Records\": [\n    {\"id\": \"r1\"},\n    {\"id\": \"r2\"},\n    {\"id\": \"r3\"},\n    {\"id\": \"r4\"},\n    {\"id\": \"r5\"}\n  ]\n}\n")
	cfg := testConfig(filepath.Join(dir, "*.json"))
	cfg.MaxBatchRecords = 2
	p := &fakePipeline{}
	startSource(t, cfg, p, nil)
	waitIDs(t, p, "r1", "r2", "r3", "r4", "r5")
	p.mu.Lock()
	assert.Equal(t, 3, p.calls, "5 records in batches of at most 2")
	p.mu.Unlock()
}

func TestNewFilesAndExclude(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a", "one.json"), lines("f1"))
	cfg := testConfig(filepath.Join(dir, "**", "*.json"))
	cfg.Exclude = []string{filepath.Join(dir, "**", "ignored", "*")}
	p := &fakePipeline{}
	startSource(t, cfg, p, nil)
	waitIDs(t, p, "f1")

	writeFile(t, filepath.Join(dir, "b", "ignored", "two.json"), lines("excluded"))
	writeFile(t, filepath.Join(dir, "b", "c", "d", "three.json"), lines("f3"))
	writeFile(t, filepath.Join(dir, "b", "c", "d", "three.txt"), lines("other"))
	waitIDs(t, p, "f1", "f3")
}

func TestRestartNeitherReemitsNorSkips(t *testing.T) {
	dir := t.TempDir()
	nd := filepath.Join(dir, "live.ndjson")
	gz := filepath.Join(dir, "old.json.gz")
	writeFile(t, nd, lines("n1", "n2", "n3"))
	require.NoError(t, os.WriteFile(gz, gzipBytes(t, lines("z1", "z2")), 0o600))
	cfg := testConfig(filepath.Join(dir, "*"))
	client := storagetest.NewClient()

	p1 := &fakePipeline{}
	s1, err := New(Settings{Config: cfg, Decoder: &idDecoder{}, Pipeline: p1, Storage: client})
	require.NoError(t, err)
	s1.Start(context.Background())
	require.Eventually(t, func() bool { return len(p1.delivered()) == 5 }, 5*time.Second, testPoll)
	s1.Shutdown(context.Background())
	assert.ElementsMatch(t, []string{"n1", "n2", "n3", "z1", "z2"}, p1.delivered())

	// Written while the collector was down.
	appendFile(t, nd, lines("n4", "n5"))

	p2 := &fakePipeline{}
	startSource(t, cfg, p2, client)
	waitIDs(t, p2, "n4", "n5")
}

func TestCheckpointOnlyAfterAcceptance(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "pretty.json")
	writeFile(t, path, "{\"Records\": [\n{\"id\": \"r1\"}, {\"id\": \"r2\"}, {\"id\": \"r3\"}, {\"id\": \"r4\"}, {\"id\": \"r5\"}\n]}\n")
	nd := filepath.Join(dir, "lines.ndjson")
	writeFile(t, nd, lines("l1", "l2", "l3"))
	cfg := testConfig(filepath.Join(dir, "*"))
	cfg.MaxBatchRecords = 2
	client := storagetest.NewClient()

	// The consumer accepts the first batch only and then never recovers.
	p1 := &fakePipeline{accept: func(call int) bool { return call == 1 }}
	s1, err := New(Settings{Config: cfg, Decoder: &idDecoder{}, Pipeline: p1, Storage: client})
	require.NoError(t, err)
	s1.Start(context.Background())
	require.Eventually(t, func() bool {
		p1.mu.Lock()
		defer p1.mu.Unlock()
		return p1.calls >= 2
	}, 5*time.Second, testPoll)
	s1.Shutdown(context.Background())
	// Files are read in path order: lines.ndjson first.
	require.Equal(t, []string{"l1", "l2"}, p1.delivered())
	cp := loadCheckpoint(t, client, nd)
	assert.EqualValues(t, 2, cp.Line, "checkpoint covers the accepted batch only")
	_, found, _ := checkpoints{client: client}.load(context.Background(), path)
	assert.False(t, found, "the document was never accepted")

	p2 := &fakePipeline{}
	startSource(t, cfg, p2, client)
	waitIDs(t, p2, "l3", "r1", "r2", "r3", "r4", "r5")
}

func TestRestartInsideLargeDocument(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "big.json.gz")
	require.NoError(t, os.WriteFile(path, gzipBytes(t, `{"Records":[{"id":"r1"},{"id":"r2"},{"id":"r3"},{"id":"r4"},{"id":"r5"}]}`), 0o600))
	cfg := testConfig(path)
	cfg.MaxBatchRecords = 2
	client := storagetest.NewClient()

	p1 := &fakePipeline{accept: func(call int) bool { return call == 1 }}
	s1, err := New(Settings{Config: cfg, Decoder: &idDecoder{}, Pipeline: p1, Storage: client})
	require.NoError(t, err)
	s1.Start(context.Background())
	require.Eventually(t, func() bool { return len(p1.delivered()) == 2 }, 5*time.Second, testPoll)
	s1.Shutdown(context.Background())
	cp := loadCheckpoint(t, client, path)
	assert.Equal(t, 2, cp.Sent)
	assert.False(t, cp.Done)

	p2 := &fakePipeline{}
	startSource(t, cfg, p2, client)
	waitIDs(t, p2, "r3", "r4", "r5")
}

func TestBadLineBetweenGoodOnes(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mixed.ndjson")
	first := lines("b1")
	writeFile(t, path, first+"{\"id\": broken\n\n"+lines("b2")+`{"noid":1}`+"\n"+lines("b3"))
	p := &fakePipeline{}
	startSource(t, testConfig(path), p, nil)
	waitIDs(t, p, "b1", "b2", "b3")
	bad := p.badRecords()
	require.Len(t, bad, 2)
	assert.Equal(t, path, bad[0].Origin)
	assert.Equal(t, "malformed_json", bad[0].Reason)
	assert.Equal(t, "line 2 (byte "+itoa(len(first))+")", bad[0].Position)
	assert.Equal(t, "invalid_field", bad[1].Reason)
	assert.True(t, strings.HasPrefix(bad[1].Position, "line 5 "), bad[1].Position)
}

func TestTooLongLineIsRejected(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "long.ndjson")
	long := `{"id":"` + strings.Repeat("x", 200<<10) + `"}` + "\n"
	writeFile(t, path, lines("s1")+long+lines("s2"))
	p := &fakePipeline{}
	s, err := New(Settings{Config: testConfig(path), Decoder: &idDecoder{}, Pipeline: p, MaxRecordBytes: 100 << 10})
	require.NoError(t, err)
	s.Start(context.Background())
	defer s.Shutdown(context.Background())
	waitIDs(t, p, "s1", "s2")
	bad := p.badRecords()
	require.Len(t, bad, 1)
	assert.Equal(t, "too_large", bad[0].Reason)
	assert.True(t, strings.HasPrefix(bad[0].Position, "line 2 "), bad[0].Position)
}

func TestTruncationAndReplacement(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rot.ndjson")
	writeFile(t, path, lines("t1", "t2", "t3"))
	p := &fakePipeline{}
	startSource(t, testConfig(path), p, storagetest.NewClient())
	waitIDs(t, p, "t1", "t2", "t3")

	// copytruncate rotation: the file is emptied and written again.
	require.NoError(t, os.Truncate(path, 0))
	time.Sleep(3 * testPoll)
	appendFile(t, path, lines("u1"))
	waitIDs(t, p, "t1", "t2", "t3", "u1")

	// Replaced by a longer file with different first bytes.
	writeFile(t, path, lines("v1", "v2", "v3", "v4"))
	waitIDs(t, p, "t1", "t2", "t3", "u1", "v1", "v2", "v3", "v4")
}

func TestStartAtEnd(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "old.ndjson")
	writeFile(t, path, lines("old1", "old2"))
	cfg := testConfig(filepath.Join(dir, "*.ndjson"))
	cfg.StartAt = StartAtEnd
	p := &fakePipeline{}
	startSource(t, cfg, p, nil)
	time.Sleep(5 * testPoll)
	appendFile(t, path, lines("new1"))
	// A file that appears after the first poll is new: read from its beginning.
	writeFile(t, filepath.Join(dir, "fresh.ndjson"), lines("fresh1"))
	require.Eventually(t, func() bool { return len(p.delivered()) == 2 }, 5*time.Second, testPoll)
	assert.ElementsMatch(t, []string{"new1", "fresh1"}, p.delivered())
}

func TestRemovedFileForgetsCheckpoint(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "gone.ndjson")
	writeFile(t, path, lines("g1"))
	client := storagetest.NewClient()
	p := &fakePipeline{}
	startSource(t, testConfig(filepath.Join(dir, "*")), p, client)
	waitIDs(t, p, "g1")
	require.NoError(t, os.Remove(path))
	require.Eventually(t, func() bool {
		b, _ := client.Get(context.Background(), key(path))
		return b == nil
	}, 5*time.Second, testPoll)
}

func TestShutdownWhileConsumerRefuses(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "x.ndjson"), lines("x1"))
	p := &fakePipeline{accept: func(int) bool { return false }}
	s, err := New(Settings{Config: testConfig(filepath.Join(dir, "*")), Decoder: &idDecoder{}, Pipeline: p})
	require.NoError(t, err)
	s.Start(context.Background())
	require.Eventually(t, func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.calls > 0
	}, 5*time.Second, testPoll)
	s.Shutdown(context.Background()) // returns: goleak in TestMain checks the goroutine ended
	assert.Empty(t, p.delivered())
}

func TestNewRejectsBadSettings(t *testing.T) {
	_, err := New(Settings{Config: testConfig("/x/*"), Pipeline: &fakePipeline{}})
	require.Error(t, err)
	cfg := testConfig()
	_, err = New(Settings{Config: cfg, Decoder: &idDecoder{}, Pipeline: &fakePipeline{}})
	require.ErrorContains(t, err, "include")
}

func itoa(n int) string { return strconv.Itoa(n) }
