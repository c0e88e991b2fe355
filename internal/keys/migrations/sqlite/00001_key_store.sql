-- The key store: wrapped keys only, never an unwrapped one.

-- +goose Up
-- Tenant key-encryption keys, wrapped by the root key. One active version
-- per tenant; old versions stay to open data keys not yet re-wrapped.
CREATE TABLE tenant_keks (
    tenant  TEXT    NOT NULL CHECK (tenant <> ''),
    version INTEGER NOT NULL CHECK (version > 0),
    wrapped BLOB    NOT NULL,
    created TEXT    NOT NULL,
    active  INTEGER NOT NULL CHECK (active IN (0, 1)),
    PRIMARY KEY (tenant, version)
) STRICT;
CREATE UNIQUE INDEX tenant_keks_one_active ON tenant_keks (tenant) WHERE active = 1;

-- Tenant blind-index keys, wrapped by the root key; never rotated.
CREATE TABLE index_keys (
    tenant  TEXT NOT NULL PRIMARY KEY CHECK (tenant <> ''),
    wrapped BLOB NOT NULL,
    created TEXT NOT NULL
) STRICT;

-- Subject data keys, wrapped by a version of their tenant's KEK.
CREATE TABLE subject_keys (
    tenant      TEXT    NOT NULL,
    subject     TEXT    NOT NULL CHECK (subject <> ''),
    kek_version INTEGER NOT NULL,
    wrapped     BLOB    NOT NULL,
    created     TEXT    NOT NULL,
    PRIMARY KEY (tenant, subject),
    FOREIGN KEY (tenant, kek_version) REFERENCES tenant_keks (tenant, version)
) STRICT;
CREATE INDEX subject_keys_kek_version ON subject_keys (tenant, kek_version);

-- Subjects whose data key was destroyed (crypto-shredded): their key is
-- never created again.
CREATE TABLE destroyed_subjects (
    tenant       TEXT NOT NULL,
    subject      TEXT NOT NULL,
    destroyed_at TEXT NOT NULL,
    PRIMARY KEY (tenant, subject)
) STRICT;

-- +goose Down
DROP TABLE destroyed_subjects;
DROP TABLE subject_keys;
DROP TABLE index_keys;
DROP TABLE tenant_keks;
