-- Tenants, subjects and the audit log.
-- Keys are text COLLATE "C" so that they sort bytewise, as in SQLite, and
-- keyset pagination walks the same order in both backends.

-- +goose Up
CREATE TABLE tenants (
    id         text COLLATE "C" NOT NULL PRIMARY KEY,
    name       text        NOT NULL,
    kind       text        NOT NULL CHECK (kind IN ('controller', 'processor')),
    created_at timestamptz NOT NULL
);

CREATE TABLE subjects (
    tenant     text COLLATE "C" NOT NULL REFERENCES tenants (id),
    id         text COLLATE "C" NOT NULL,
    status     text        NOT NULL CHECK (status IN ('active', 'restricted', 'banned', 'cancelled', 'erased')),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant, id)
);

CREATE INDEX subjects_by_status ON subjects (tenant, status, id);

-- audit_head holds the next sequence number. Appending locks and updates
-- its one row in the same transaction as the entries, so concurrent writers
-- take turns and the numbering has no gaps.
CREATE TABLE audit_head (
    id       integer NOT NULL PRIMARY KEY CHECK (id = 1),
    next_seq bigint  NOT NULL CHECK (next_seq >= 0)
);

INSERT INTO audit_head (id, next_seq) VALUES (1, 0);

CREATE TABLE audit_entries (
    seq         bigint      NOT NULL PRIMARY KEY,
    tenant      text COLLATE "C" NOT NULL DEFAULT '',
    at          timestamptz NOT NULL,
    actor       text        NOT NULL,
    action      text        NOT NULL,
    object_type text        NOT NULL DEFAULT '',
    object_id   text        NOT NULL DEFAULT '',
    subject     text        NOT NULL DEFAULT '',
    fields      text[],                -- NULL when empty
    details     json,                  -- object, NULL when empty
    leaf        bytea       NOT NULL CHECK (length(leaf) = 32)
);

CREATE INDEX audit_entries_by_tenant ON audit_entries (tenant, seq);

-- +goose StatementBegin
CREATE FUNCTION trustee_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION trustee_append_only();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION trustee_append_only();

CREATE TABLE audit_checkpoints (
    id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    size bigint      NOT NULL CHECK (size >= 0),
    note bytea       NOT NULL,
    at   timestamptz NOT NULL
);

CREATE INDEX audit_checkpoints_by_size ON audit_checkpoints (size, id);

-- +goose Down
DROP TABLE audit_checkpoints;
DROP TABLE audit_entries;
DROP FUNCTION trustee_append_only();
DROP TABLE audit_head;
DROP TABLE subjects;
DROP TABLE tenants;
