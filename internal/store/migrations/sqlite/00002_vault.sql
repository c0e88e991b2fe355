-- The vault: encrypted records and blob metadata.

-- +goose Up
CREATE TABLE records (
    tenant       TEXT    NOT NULL,
    id           TEXT    NOT NULL,  -- UUIDv7: ascending in creation order
    subject      TEXT    NOT NULL,
    field        TEXT    NOT NULL,
    purpose      TEXT    NOT NULL,
    collected_at INTEGER NOT NULL,
    ciphertext   BLOB    NOT NULL,
    blind_index  BLOB,
    device       TEXT    NOT NULL DEFAULT '',
    region       TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (tenant, id),
    FOREIGN KEY (tenant, subject) REFERENCES subjects (tenant, id)
) STRICT;

CREATE INDEX records_by_subject ON records (tenant, subject, id);
CREATE INDEX records_by_index ON records (tenant, field, blind_index, id) WHERE blind_index IS NOT NULL;

CREATE TABLE blobs (
    tenant       TEXT    NOT NULL,
    id           TEXT    NOT NULL,
    subject      TEXT    NOT NULL,
    field        TEXT    NOT NULL,
    purpose      TEXT    NOT NULL,
    object_key   TEXT    NOT NULL,
    size         INTEGER NOT NULL CHECK (size >= 0),
    content_type TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (tenant, id),
    FOREIGN KEY (tenant, subject) REFERENCES subjects (tenant, id)
) STRICT;

CREATE INDEX blobs_by_subject ON blobs (tenant, subject, id);

-- +goose Down
DROP TABLE blobs;
DROP TABLE records;
