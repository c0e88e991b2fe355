package vault_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for raw SQL on PostgreSQL
	_ "modernc.org/sqlite"             // the "sqlite" driver, for raw SQL on SQLite

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/store/pgtest"
	"github.com/trustee-dev/trustee/internal/vault"
)

// backend is one database the vault runs on. setup returns the options of
// a fresh vault and raw SQL access to its data database: what an attacker
// (or a backup) with access to the database, but not the key store, has.
type backend struct {
	name  string
	setup func(t testing.TB) (vault.Options, *rawDB)
}

var backends = []backend{
	{"sqlite", func(t testing.TB) (vault.Options, *rawDB) {
		dir := t.TempDir()
		o := vault.Options{DataDir: filepath.Join(dir, "trustee-data")}
		path := filepath.Join(o.DataDir, "db", "trustee.db")
		return o, &rawDB{name: "sqlite", path: path}
	}},
	{"postgres", func(t testing.TB) (vault.Options, *rawDB) {
		dir := t.TempDir()
		data, ks := pgtest.Schema(t), pgtest.Schema(t) // skips when unreachable
		o := vault.Options{
			DataDir:  filepath.Join(dir, "trustee-data"),
			Database: data,
			RootKey:  "file://" + filepath.ToSlash(filepath.Join(dir, "keys", "root.key")),
			KeyStore: ks,
		}
		return o, &rawDB{name: "postgres", url: data}
	}},
}

// forEach runs body as a subtest on every backend.
func forEach(t *testing.T, body func(t *testing.T, b backend)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { body(t, b) })
	}
}

// rawDB is direct SQL access to a vault's data database.
type rawDB struct {
	name string
	path string // SQLite file
	url  string // PostgreSQL URL
	db   *sql.DB
}

func (r *rawDB) open(t testing.TB) *sql.DB {
	t.Helper()
	if r.db != nil {
		return r.db
	}
	var err error
	if r.name == "sqlite" {
		r.db, err = sql.Open("sqlite", "file:"+r.path+"?_pragma=busy_timeout(10000)")
	} else {
		r.db, err = sql.Open("pgx", r.url)
	}
	if err != nil {
		t.Fatal(err)
	}
	r.db.SetMaxOpenConns(1)
	t.Cleanup(func() { r.db.Close() })
	return r.db
}

// rebind turns ? placeholders into $1, $2... for PostgreSQL.
func (r *rawDB) rebind(q string) string {
	if r.name == "sqlite" {
		return q
	}
	var b strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

func (r *rawDB) exec(t testing.TB, q string, args ...any) {
	t.Helper()
	if _, err := r.open(t).Exec(r.rebind(q), args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func (r *rawDB) queryRow(t testing.TB, q string, args ...any) *sql.Row {
	t.Helper()
	return r.open(t).QueryRow(r.rebind(q), args...)
}

// disableAuditTriggers does what an attacker with database access does
// first: the triggers that keep audit_entries append-only go.
func (r *rawDB) disableAuditTriggers(t testing.TB) {
	t.Helper()
	if r.name == "sqlite" {
		r.exec(t, "DROP TRIGGER audit_entries_no_update")
		r.exec(t, "DROP TRIGGER audit_entries_no_delete")
		return
	}
	r.exec(t, "ALTER TABLE audit_entries DISABLE TRIGGER ALL")
}

// openVault opens a vault and closes it when t ends.
func openVault(t testing.TB, o vault.Options) *vault.Vault {
	t.Helper()
	v, err := vault.Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := v.Close(); err != nil {
			t.Error(err)
		}
	})
	return v
}

// fixture is a vault with tenant t1 and subjects alice and bob, and tenant
// t2 with subject alice (the same id, another tenant).
type fixture struct {
	v   *vault.Vault
	o   vault.Options
	raw *rawDB
}

const actor = "apikey:test"

func newFixture(t testing.TB, b backend) *fixture {
	t.Helper()
	o, raw := b.setup(t)
	f := &fixture{o: o, raw: raw}
	f.v = openVault(t, o)
	ctx := context.Background()
	for _, tn := range []string{"t1", "t2"} {
		if _, err := f.v.CreateTenant(ctx, actor, store.Tenant{ID: tn, Name: "Tenant " + tn, Kind: store.KindController}); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []store.Subject{{Tenant: "t1", ID: "alice"}, {Tenant: "t1", ID: "bob"}, {Tenant: "t2", ID: "alice"}} {
		if _, err := f.v.CreateSubject(ctx, actor, s); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// put stores values and fails t on error.
func (f *fixture) put(t testing.TB, tenant, subject string, vals ...vault.Value) []string {
	t.Helper()
	ids, err := f.v.PutRecords(context.Background(), actor, tenant, subject, vals)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// all reads every value of a subject.
func (f *fixture) all(t testing.TB, tenant, subject string) ([]vault.Record, error) {
	t.Helper()
	var out []vault.Record
	var p store.Page
	for {
		rs, next, err := f.v.Records(context.Background(), actor, tenant, subject, vault.ReasonProcessing, store.Page{After: p.After, Limit: store.MaxLimit})
		if err != nil {
			return out, err
		}
		out = append(out, rs...)
		if next == "" {
			return out, nil
		}
		p.After = next
	}
}

// entries returns the whole audit log.
func entries(t testing.TB, v *vault.Vault) []audit.StoredEntry {
	t.Helper()
	ctx := context.Background()
	n, err := v.AuditSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []audit.StoredEntry
	if err := v.AuditEntries(ctx, 0, n, func(e audit.StoredEntry) error { out = append(out, e); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// actions returns the actions of entries, with the subject for those that
// name one: "record.create:alice".
func actions(es []audit.StoredEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Action
		if e.Subject != "" {
			out[i] += ":" + e.Subject
		}
	}
	return out
}

// verifyOK checkpoints and verifies the audit log, failing t on a problem.
func verifyOK(t testing.TB, v *vault.Vault) audit.Report {
	t.Helper()
	ctx := context.Background()
	if _, err := v.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	rep, err := v.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK {
		t.Fatalf("audit log does not verify: %v", rep)
	}
	return rep
}

// count returns the number of records of a subject, straight from the
// store.
func count(t testing.TB, v *vault.Vault, tenant, subject string) int64 {
	t.Helper()
	var n int64
	err := v.Store().Read(context.Background(), func(r store.Reader) error {
		var err error
		n, err = r.CountRecords(context.Background(), tenant, store.RecordFilter{Subject: subject})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func wantErr(t testing.TB, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error %v, want %v", err, target)
	}
}

func values(n int, field string) []vault.Value {
	out := make([]vault.Value, n)
	for i := range out {
		out[i] = vault.Value{Field: field, Purpose: "service", Plain: fmt.Appendf(nil, "%s value %d", field, i)}
	}
	return out
}

// fmtAll formats x with every verb that could reveal a field.
func fmtAll(x any) string {
	return fmt.Sprintf("%v|%+v|%#v|%s|%x|%X|%q|%d", x, x, x, x, x, x, x, x)
}

// hexOf is the lower-case hex of s, as %x would print it.
func hexOf(s string) string { return fmt.Sprintf("%x", s) }
