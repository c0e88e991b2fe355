-- The key store: wrapped keys only, never an unwrapped one.

-- +goose Up
-- Tenant key-encryption keys, wrapped by the root key. One active version
-- per tenant; old versions stay to open data keys not yet re-wrapped.
CREATE TABLE tenant_keks (
    tenant  text        NOT NULL CHECK (tenant <> ''),
    version integer     NOT NULL CHECK (version > 0),
    wrapped bytea       NOT NULL,
    created timestamptz NOT NULL,
    active  boolean     NOT NULL,
    PRIMARY KEY (tenant, version)
);
CREATE UNIQUE INDEX tenant_keks_one_active ON tenant_keks (tenant) WHERE active;

-- Tenant blind-index keys, wrapped by the root key; never rotated.
CREATE TABLE index_keys (
    tenant  text        NOT NULL PRIMARY KEY CHECK (tenant <> ''),
    wrapped bytea       NOT NULL,
    created timestamptz NOT NULL
);

-- Subject data keys, wrapped by a version of their tenant's KEK.
CREATE TABLE subject_keys (
    tenant      text        NOT NULL,
    subject     text        NOT NULL CHECK (subject <> ''),
    kek_version integer     NOT NULL,
    wrapped     bytea       NOT NULL,
    created     timestamptz NOT NULL,
    PRIMARY KEY (tenant, subject),
    FOREIGN KEY (tenant, kek_version) REFERENCES tenant_keks (tenant, version)
);
CREATE INDEX subject_keys_kek_version ON subject_keys (tenant, kek_version);

-- Subjects whose data key was destroyed (crypto-shredded): their key is
-- never created again.
CREATE TABLE destroyed_subjects (
    tenant       text        NOT NULL,
    subject      text        NOT NULL,
    destroyed_at timestamptz NOT NULL,
    PRIMARY KEY (tenant, subject)
);

-- +goose Down
DROP TABLE destroyed_subjects;
DROP TABLE subject_keys;
DROP TABLE index_keys;
DROP TABLE tenant_keks;
