// Package storetest is the one conformance suite every [store.Store]
// implementation must pass in full: CRUD of every entity, tenant
// isolation, concurrent writers, atomicity, the audit rule, pagination, the
// consent ledger, declaration versions (one active, also under racing
// activations), API keys, guardians, permission states, tenant links and
// the audit log, trusted keys, legal holds and webhook endpoints. Each backend's tests call [Run] with a
// function that opens a fresh, empty store.
//
// The package also holds the migration test ([RunMigrations]) and the
// benchmarks ([BenchInsertRecords], [BenchFindByIndex], [BenchAuditAppend])
// shared by the backends.
package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/store"
)

// Opener opens a fresh, empty store whose clock is clk, and arranges for it
// to be closed when t ends (t.Cleanup). It may call t.Skip.
type Opener func(t testing.TB, clk clock.Clock) store.Store

// Epoch is where the suite's fake clocks start.
var Epoch = time.Date(2026, 3, 1, 9, 30, 0, 123456789, time.UTC)

// Run runs the whole conformance suite. Each sub-test opens its own store
// and runs in parallel with the others.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store, clk *clock.Fake)
	}{
		{"Tenants", testTenants},
		{"Subjects", testSubjects},
		{"Records", testRecords},
		{"RecordBatchAtomic", testRecordBatchAtomic},
		{"Blobs", testBlobs},
		{"ConsentLedger", testConsentLedger},
		{"Requests", testRequests},
		{"SubjectProfile", testSubjectProfile},
		{"Guardians", testGuardians},
		{"PermissionStates", testPermissionStates},
		{"APIKeys", testAPIKeys},
		{"Declarations", testDeclarations},
		{"DeclarationRace", testDeclarationRace},
		{"TenantLinks", testTenantLinks},
		{"TrustedKeys", testTrustedKeys},
		{"Holds", testHolds},
		{"WebhookEndpoints", testWebhookEndpoints},
		{"InvalidInput", testInvalidInput},
		{"InvalidAccessInput", testInvalidAccessInput},
		{"InvalidRightsInput", testInvalidRightsInput},
		{"TenantIsolation", testTenantIsolation},
		{"ConcurrentWriters", testConcurrentWriters},
		{"ReadModifyWrite", testReadModifyWrite},
		{"Atomicity", testAtomicity},
		{"Unaudited", testUnaudited},
		{"BrokenTx", testBrokenTx},
		{"ReadOnly", testReadOnly},
		{"ReadSnapshot", testReadSnapshot},
		{"Pagination", testPagination},
		{"AuditLog", testAuditLog},
		{"AuditVerify", testAuditVerify},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clk := clock.NewFake(Epoch)
			s := open(t, clk)
			tc.fn(t, s, clk)
		})
	}
}

// testAudit is the audit entry the suite's writes append.
func testAudit(action string) audit.Entry {
	return audit.Entry{Actor: "system:storetest", Action: action}
}

// write runs fn in a transaction that appends one audit entry after it.
func write(t testing.TB, s store.Store, fn func(tx store.Tx) error) {
	t.Helper()
	if err := s.Write(context.Background(), func(tx store.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		_, err := tx.Audit(context.Background(), testAudit("storetest.write"))
		return err
	}); err != nil {
		t.Fatalf("Write: %v", err)
	}
}

// read runs fn in a read transaction and fails t on error.
func read(t testing.TB, s store.Store, fn func(r store.Reader) error) {
	t.Helper()
	if err := s.Read(context.Background(), fn); err != nil {
		t.Fatalf("Read: %v", err)
	}
}

// seed creates tenant and its subjects.
func seed(t testing.TB, s store.Store, tenant string, subjects ...string) {
	t.Helper()
	ctx := context.Background()
	write(t, s, func(tx store.Tx) error {
		if _, err := tx.GetTenant(ctx, tenant); errors.Is(err, store.ErrNotFound) {
			if _, err := tx.CreateTenant(ctx, store.Tenant{ID: tenant, Name: "Tenant " + tenant, Kind: store.KindController}); err != nil {
				return err
			}
		}
		for _, id := range subjects {
			if _, err := tx.CreateSubject(ctx, store.Subject{Tenant: tenant, ID: id}); err != nil {
				return err
			}
		}
		return nil
	})
}

// newID returns a fresh record id (UUIDv7: ids made later sort later).
func newID(t testing.TB) string {
	u, err := uuid.NewV7()
	if err != nil {
		t.Fatal(err)
	}
	return u.String()
}

// rec returns a record of subject for field, with a recognisable
// ciphertext and, when index is not "", a blind index.
func rec(t testing.TB, tenant, subject, field, index string) store.Record {
	id := newID(t)
	r := store.Record{
		Tenant: tenant, ID: id, Subject: subject, Field: field, Purpose: "service",
		Ciphertext: []byte("sealed:" + id), Device: "dev-1", Region: "cn-north",
	}
	if index != "" {
		r.Index = []byte(index)
	}
	return r
}

// mustErr fails t unless err wraps want.
func mustErr(t testing.TB, err, want error, what string) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: got error %v, want %v", what, err, want)
	}
}

// mustInvalid fails t unless err is an *InvalidError naming field.
func mustInvalid(t testing.TB, err error, field, what string) {
	t.Helper()
	var ie *store.InvalidError
	if !errors.As(err, &ie) {
		t.Fatalf("%s: got error %v, want *store.InvalidError for %q", what, err, field)
	}
	if ie.Field != field {
		t.Fatalf("%s: InvalidError names %q (%v), want %q", what, ie.Field, err, field)
	}
	if !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("%s: %v does not wrap ErrInvalid", what, err)
	}
}

// auditSize returns the log's size.
func auditSize(t testing.TB, s store.Store) int64 {
	t.Helper()
	n, err := s.AuditSize(context.Background())
	if err != nil {
		t.Fatalf("AuditSize: %v", err)
	}
	return n
}

// allEntries returns every stored audit entry.
func allEntries(t testing.TB, s store.Store) []audit.StoredEntry {
	t.Helper()
	var out []audit.StoredEntry
	if err := s.AuditEntries(context.Background(), 0, 1<<62, func(se audit.StoredEntry) error {
		out = append(out, se)
		return nil
	}); err != nil {
		t.Fatalf("AuditEntries: %v", err)
	}
	return out
}

// checkContiguous fails t unless the log holds exactly Seq 0..n-1, each
// with its leaf hash.
func checkContiguous(t testing.TB, s store.Store) []audit.StoredEntry {
	t.Helper()
	n := auditSize(t, s)
	es := allEntries(t, s)
	if int64(len(es)) != n {
		t.Fatalf("audit log holds %d entries, AuditSize says %d", len(es), n)
	}
	for i, se := range es {
		if se.Seq != int64(i) {
			t.Fatalf("audit entry %d has Seq %d", i, se.Seq)
		}
		if se.Leaf != se.LeafHash() {
			t.Fatalf("audit entry %d: stored leaf differs from LeafHash", i)
		}
	}
	return es
}

func eq[T comparable](t testing.TB, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
}

func fmtIDs[T any](items []T, id func(T) string) string {
	s := "["
	for i, it := range items {
		if i > 0 {
			s += " "
		}
		s += id(it)
	}
	return s + "]"
}
