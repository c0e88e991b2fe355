-- The vault: encrypted records and blob metadata.

-- +goose Up
CREATE TABLE records (
    tenant       text COLLATE "C" NOT NULL,
    id           uuid        NOT NULL,  -- UUIDv7: ascending in creation order
    subject      text COLLATE "C" NOT NULL,
    field        text        NOT NULL,
    purpose      text        NOT NULL,
    collected_at timestamptz NOT NULL,
    ciphertext   bytea       NOT NULL,
    blind_index  bytea,
    device       text        NOT NULL DEFAULT '',
    region       text        NOT NULL DEFAULT '',
    PRIMARY KEY (tenant, id),
    FOREIGN KEY (tenant, subject) REFERENCES subjects (tenant, id)
);

CREATE INDEX records_by_subject ON records (tenant, subject, id);
CREATE INDEX records_by_index ON records (tenant, field, blind_index, id) WHERE blind_index IS NOT NULL;

CREATE TABLE blobs (
    tenant       text COLLATE "C" NOT NULL,
    id           text COLLATE "C" NOT NULL,
    subject      text COLLATE "C" NOT NULL,
    field        text        NOT NULL,
    purpose      text        NOT NULL,
    object_key   text        NOT NULL,
    size         bigint      NOT NULL CHECK (size >= 0),
    content_type text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant, id),
    FOREIGN KEY (tenant, subject) REFERENCES subjects (tenant, id)
);

CREATE INDEX blobs_by_subject ON blobs (tenant, subject, id);

-- +goose Down
DROP TABLE blobs;
DROP TABLE records;
