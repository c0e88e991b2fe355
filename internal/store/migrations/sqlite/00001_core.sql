-- Tenants, subjects and the audit log.
-- Times are INTEGER microseconds since the Unix epoch, UTC.

-- +goose Up
CREATE TABLE tenants (
    id         TEXT    NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('controller', 'processor')),
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE subjects (
    tenant     TEXT    NOT NULL REFERENCES tenants (id),
    id         TEXT    NOT NULL,
    status     TEXT    NOT NULL CHECK (status IN ('active', 'restricted', 'banned', 'cancelled', 'erased')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant, id)
) STRICT;

CREATE INDEX subjects_by_status ON subjects (tenant, status, id);

-- audit_head holds the next sequence number. Appending updates it in the
-- same transaction as the entries, so the numbering has no gaps.
CREATE TABLE audit_head (
    id       INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    next_seq INTEGER NOT NULL CHECK (next_seq >= 0)
) STRICT;

INSERT INTO audit_head (id, next_seq) VALUES (1, 0);

CREATE TABLE audit_entries (
    seq         INTEGER NOT NULL PRIMARY KEY,
    tenant      TEXT    NOT NULL DEFAULT '',
    at          INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    object_type TEXT    NOT NULL DEFAULT '',
    object_id   TEXT    NOT NULL DEFAULT '',
    subject     TEXT    NOT NULL DEFAULT '',
    fields      TEXT,                 -- JSON array, NULL when empty
    details     TEXT,                 -- JSON object, NULL when empty
    leaf        BLOB    NOT NULL CHECK (length(leaf) = 32)
) STRICT;

CREATE INDEX audit_entries_by_tenant ON audit_entries (tenant, seq);

-- +goose StatementBegin
CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit_entries is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit_entries is append-only');
END;
-- +goose StatementEnd

CREATE TABLE audit_checkpoints (
    id   INTEGER NOT NULL PRIMARY KEY,
    size INTEGER NOT NULL CHECK (size >= 0),
    note BLOB    NOT NULL,
    at   INTEGER NOT NULL
) STRICT;

CREATE INDEX audit_checkpoints_by_size ON audit_checkpoints (size, id);

-- +goose Down
DROP TABLE audit_checkpoints;
DROP TRIGGER audit_entries_no_delete;
DROP TRIGGER audit_entries_no_update;
DROP TABLE audit_entries;
DROP TABLE audit_head;
DROP TABLE subjects;
DROP TABLE tenants;
