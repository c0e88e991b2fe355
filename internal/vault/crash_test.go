package vault_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/keys"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/vault"
)

// crashEnv, when set, makes TestCrash the child: a writer on the data
// directory it names.
const crashEnv = "TRUSTEE_VAULT_CRASH_DIR"

// TestCrash kills a process writing to the vault with SIGKILL at random
// points, restarts it, and checks after each round that every batch the
// writer acknowledged is present and decrypts, that no batch is half
// written (each batch's records are all there or none are, and match
// their audit entry), that interrupted shreds are finished, and that the
// audit log verifies.
func TestCrash(t *testing.T) {
	if dir := os.Getenv(crashEnv); dir != "" {
		crashChild(dir, os.Getenv(crashEnv+"_ROUND"))
		return
	}
	if testing.Short() {
		t.Skip("-short: skipping the crash test")
	}
	dir := filepath.Join(t.TempDir(), "trustee-data")
	acked := map[string]string{} // record id → batch tag
	start := time.Now()
	rounds, kills := 0, 0
	for rounds < 5 || (rounds < 10 && time.Since(start) < 8*time.Second) {
		killed, lines := crashRound(t, dir, rounds)
		kills += killed
		for _, l := range lines {
			f := strings.Fields(l)
			for _, id := range f[2:] {
				acked[id] = f[1]
			}
		}
		checkAfterCrash(t, dir, acked)
		rounds++
	}
	if kills < 5 {
		t.Errorf("only %d of %d rounds ended in a kill", kills, rounds)
	}
	if len(acked) < 100 {
		t.Errorf("only %d records acknowledged in %d rounds", len(acked), rounds)
	}
	t.Logf("%d rounds, %d kills, %d acknowledged records, %v", rounds, kills, len(acked), time.Since(start).Round(time.Millisecond))
}

// crashRound runs the child until it is ready, lets it write for 50 to 500
// ms, kills it, and returns the complete "ack" lines it printed.
func crashRound(t *testing.T, dir string, round int) (killed int, acks []string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrash$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+dir, crashEnv+"_ROUND="+strconv.Itoa(round))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1024)
	go func() {
		defer close(lines)
		r := bufio.NewReader(out)
		for {
			l, err := r.ReadString('\n')
			if err != nil { // a line cut by the kill is not an acknowledgement
				return
			}
			lines <- strings.TrimSuffix(l, "\n")
		}
	}()
	ready := time.After(10 * time.Second)
wait:
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				cmd.Wait()
				t.Fatalf("round %d: the writer exited before it was ready", round)
			}
			if l == "ready" {
				break wait
			}
		case <-ready:
			cmd.Process.Kill()
			t.Fatalf("round %d: the writer did not start", round)
		}
	}
	time.Sleep(time.Duration(50+rand.IntN(451)) * time.Millisecond)
	if err := cmd.Process.Kill(); err == nil { // SIGKILL
		killed = 1
	}
	cmd.Wait()
	for l := range lines {
		if strings.HasPrefix(l, "ack ") {
			acks = append(acks, l)
		}
	}
	return killed, acks
}

// crashChild writes batches until it is killed: after each PutRecords
// returns it prints "ack <tag> <record ids...>". The tag names the round,
// the batch and its size, and is stored as each record's device, so that
// a batch can be counted after the crash. Every 10th batch it also stores
// and shreds a throwaway subject, so that kills land inside shreds too.
func crashChild(dir, round string) {
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "crash child:", err)
		os.Exit(2)
	}
	ctx := context.Background()
	v, err := vault.Open(ctx, vault.Options{DataDir: dir})
	if err != nil {
		fail(err)
	}
	if _, err := v.CreateTenant(ctx, "system:crash", store.Tenant{ID: "t1", Name: "t1", Kind: store.KindController}); err != nil && !errors.Is(err, store.ErrConflict) {
		fail(err)
	}
	subjects := []string{"s1", "s2", "s3"}
	for _, s := range subjects {
		if _, _, err := v.EnsureSubject(ctx, "system:crash", "t1", s); err != nil {
			fail(err)
		}
	}
	fmt.Println("ready")
	for i := 0; ; i++ {
		n := 1 + rand.IntN(300)
		tag := fmt.Sprintf("r%s-b%d-n%d", round, i, n)
		vals := make([]vault.Value, n)
		for j := range vals {
			vals[j] = vault.Value{Field: "note", Purpose: "service", Plain: []byte(tag + "/" + strconv.Itoa(j)), Device: tag}
			if j%10 == 0 {
				vals[j] = vault.Value{Field: "email", Purpose: "login", Plain: []byte(tag + "/" + strconv.Itoa(j) + "@example.com"),
					Lookup: keys.NormEmail, Device: tag}
			}
		}
		ids, err := v.PutRecords(ctx, "system:crash", "t1", subjects[i%len(subjects)], vals)
		if err != nil {
			fail(err)
		}
		fmt.Println("ack", tag, strings.Join(ids, " ")) // one write(2)
		if i%10 == 9 {
			tmp := fmt.Sprintf("tmp-r%s-%d", round, i)
			if _, _, err := v.EnsureSubject(ctx, "system:crash", "t1", tmp); err != nil {
				fail(err)
			}
			if _, err := v.PutRecords(ctx, "system:crash", "t1", tmp, vals[:min(len(vals), 20)]); err != nil {
				fail(err)
			}
			if _, err := v.PutBlob(ctx, "system:crash", store.BlobMeta{Tenant: "t1", Subject: tmp, Field: "voice", Purpose: "service"},
				io.LimitReader(neverEnding('v'), 100_000)); err != nil {
				fail(err)
			}
			if _, err := v.Shred(ctx, "system:crash", "t1", tmp); err != nil {
				fail(err)
			}
		}
	}
}

type neverEnding byte

func (b neverEnding) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

// checkAfterCrash reopens the vault (which finishes interrupted shreds)
// and checks what the test promises.
func checkAfterCrash(t *testing.T, dir string, acked map[string]string) {
	t.Helper()
	ctx := context.Background()
	v, err := vault.Open(ctx, vault.Options{DataDir: dir})
	if err != nil {
		t.Fatalf("restart: %v", err)
	}
	defer v.Close()

	// Every record of every live subject, decrypted.
	byID := map[string]vault.Record{}
	batches := map[string][]string{} // tag → record ids
	var subjects []store.Subject
	err = v.Store().Read(ctx, func(r store.Reader) error {
		var err error
		subjects, _, err = r.ListSubjects(ctx, "t1", store.SubjectFilter{}, store.Page{Limit: store.MaxLimit})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range subjects {
		if s.Status == store.StatusErased {
			if n := count(t, v, "t1", s.ID); n != 0 {
				t.Errorf("erased subject %s has %d records after restart", s.ID, n)
			}
			continue
		}
		if strings.HasPrefix(s.ID, "tmp-") {
			continue // a shred killed before its first step: nothing to check
		}
		var p store.Page
		for {
			rs, next, err := v.Records(ctx, "system:check", "t1", s.ID, vault.ReasonProcessing, store.Page{After: p.After, Limit: store.MaxLimit})
			if err != nil {
				t.Fatalf("read %s: %v", s.ID, err)
			}
			for _, r := range rs {
				if !strings.HasPrefix(string(r.Plain), r.Device+"/") {
					t.Fatalf("record %s does not decrypt to its batch's value", r.ID)
				}
				byID[r.ID] = r
				batches[r.Device] = append(batches[r.Device], r.ID)
			}
			if next == "" {
				break
			}
			p.After = next
		}
	}
	for id, tag := range acked {
		r, ok := byID[id]
		if !ok {
			t.Fatalf("acknowledged record %s of batch %s is missing", id, tag)
		}
		if r.Device != tag {
			t.Fatalf("record %s is in batch %s, acknowledged in %s", id, r.Device, tag)
		}
	}
	// All or nothing: each batch present has all its records, and matches
	// exactly one "record.create" entry.
	digests := map[string]string{} // ids_sha256 → count
	for _, e := range entries(t, v) {
		if e.Action == "record.create" {
			digests[e.Details["ids_sha256"]] = e.Details["count"]
		}
	}
	for tag, ids := range batches {
		want := tag[strings.LastIndex(tag, "-n")+2:]
		if strconv.Itoa(len(ids)) != want {
			t.Fatalf("batch %s has %d records, want %s", tag, len(ids), want)
		}
		if c, ok := digests[vault.IDsDigest(ids)]; !ok || c != want {
			t.Fatalf("batch %s has no matching record.create entry", tag)
		}
	}
	rep, err := v.Verify(ctx)
	if err != nil || !rep.OK {
		t.Fatalf("audit log after crash: %v, %v", rep, err)
	}
	if _, err := v.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
}
