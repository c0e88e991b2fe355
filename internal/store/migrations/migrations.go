// Package migrations holds the schema of each store backend as embedded,
// numbered SQL migrations in goose's format (-- +goose Up / Down). Both
// dialects keep the same numbering, so that version n means the same
// tables in SQLite and PostgreSQL:
//
//  1. tenants, subjects and the audit log (head, entries, checkpoints)
//  2. the vault: records and blob metadata
//  3. the ledgers: consent events and rights requests
//  4. access and profiles: subjects' age bracket and region, guardians,
//     OS permission states, API keys, declaration versions, tenant links
//  5. rights: trusted keys (apps' and agents' signing keys), legal holds,
//     webhook endpoints
package migrations

import (
	"embed"
	"io/fs"
)

// Latest is the schema version the current code reads and writes.
const Latest int64 = 5

//go:embed sqlite/*.sql
var sqliteFS embed.FS

//go:embed postgres/*.sql
var postgresFS embed.FS

// SQLite returns the SQLite migrations, at the root of the file system.
func SQLite() fs.FS { return sub(sqliteFS, "sqlite") }

// Postgres returns the PostgreSQL migrations, at the root of the file system.
func Postgres() fs.FS { return sub(postgresFS, "postgres") }

func sub(f embed.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic("migrations: " + err.Error()) // dir is a constant embedded above
	}
	return s
}
