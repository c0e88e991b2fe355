package sqlite_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/store/sqlite"
)

const crashEnv = "TRUSTEE_STORE_CRASH_DB"

// TestCrashRecovery kills a writer process with SIGKILL in the middle of a
// stream of transactions and checks that every write it acknowledged is in
// the database, whole, and that the audit log has no gap.
func TestCrashRecovery(t *testing.T) {
	if path := os.Getenv(crashEnv); path != "" {
		crashWriter(path) // never returns: the parent kills it
	}
	if testing.Short() {
		t.Skip("-short: skipping the crash test")
	}
	path := filepath.Join(t.TempDir(), "trustee.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashRecovery$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acked []string
	lines := bufio.NewScanner(out)
	deadline := time.Now().Add(30 * time.Second)
	for len(acked) < 400 && time.Now().Before(deadline) && lines.Scan() {
		if id, ok := strings.CutPrefix(lines.Text(), "ack "); ok {
			acked = append(acked, id)
		}
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	cmd.Wait()
	if len(acked) < 50 {
		t.Fatalf("writer acknowledged only %d writes", len(acked))
	}

	ctx := context.Background()
	s, err := sqlite.Open(ctx, path, clock.Real{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Read(ctx, func(r store.Reader) error {
		for _, id := range acked {
			if _, err := r.GetSubject(ctx, "t1", id); err != nil {
				return fmt.Errorf("acknowledged subject %s: %w", id, err)
			}
			n, err := r.CountRecords(ctx, "t1", store.RecordFilter{Subject: id})
			if err != nil {
				return err
			}
			if n != 10 {
				return fmt.Errorf("acknowledged subject %s has %d records, want 10", id, n)
			}
		}
		n, err := r.CountSubjects(ctx, "t1", store.SubjectFilter{})
		if err == nil && n < int64(len(acked)) {
			err = fmt.Errorf("%d subjects, %d acknowledged", n, len(acked))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	size, err := s.AuditSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var next int64
	err = s.AuditEntries(ctx, 0, size, func(se audit.StoredEntry) error {
		if se.Seq != next || se.Leaf != se.LeafHash() {
			return fmt.Errorf("audit entry %d: Seq %d, leaf ok %v", next, se.Seq, se.Leaf == se.LeafHash())
		}
		next++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if next != size || size < int64(len(acked))+1 {
		t.Fatalf("audit log: %d entries, size %d, %d writes acknowledged", next, size, len(acked))
	}
	t.Logf("killed after %d acknowledged writes; %d audit entries intact", len(acked), size)
}

// crashWriter writes transactions to the store at path forever, printing
// "ack <subject>" after each commit.
func crashWriter(path string) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path, clock.Real{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	err = s.Write(ctx, func(tx store.Tx) error {
		if _, err := tx.CreateTenant(ctx, store.Tenant{ID: "t1", Name: "t1", Kind: store.KindController}); err != nil {
			return err
		}
		_, err := tx.Audit(ctx, audit.Entry{Actor: "operator", Action: "tenant.create", Tenant: "t1"})
		return err
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	w := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		id := fmt.Sprintf("s%06d", i)
		err := s.Write(ctx, func(tx store.Tx) error {
			if _, err := tx.CreateSubject(ctx, store.Subject{Tenant: "t1", ID: id}); err != nil {
				return err
			}
			recs := make([]store.Record, 10)
			for j := range recs {
				recs[j] = store.Record{Tenant: "t1", ID: uuid.Must(uuid.NewV7()).String(), Subject: id,
					Field: "phone", Purpose: "service", Ciphertext: []byte("sealed")}
			}
			if err := tx.InsertRecords(ctx, recs); err != nil {
				return err
			}
			_, err := tx.Audit(ctx, audit.Entry{Tenant: "t1", Actor: "system:crash", Action: "record.create", Subject: id})
			return err
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Fprintf(w, "ack %s\n", id)
		w.Flush()
	}
}
