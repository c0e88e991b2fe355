-- Subject profiles, guardians, OS permission states, API keys, declaration
-- versions and tenant links.

-- +goose Up
ALTER TABLE subjects ADD COLUMN age_floor INTEGER NOT NULL DEFAULT 0
    CHECK (age_floor IN (0, 1, 13, 14, 15, 16, 18));
ALTER TABLE subjects ADD COLUMN region TEXT NOT NULL DEFAULT '';

CREATE TABLE guardians (
    tenant     TEXT    NOT NULL,
    minor      TEXT    NOT NULL,
    guardian   TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant, minor, guardian),
    FOREIGN KEY (tenant, minor) REFERENCES subjects (tenant, id),
    FOREIGN KEY (tenant, guardian) REFERENCES subjects (tenant, id),
    CHECK (minor <> guardian)
) STRICT;

CREATE INDEX guardians_by_guardian ON guardians (tenant, guardian, minor);

CREATE TABLE permission_states (
    tenant     TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    device     TEXT    NOT NULL,
    permission TEXT    NOT NULL,
    granted    INTEGER NOT NULL CHECK (granted IN (0, 1)),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant, subject, device, permission),
    FOREIGN KEY (tenant, subject) REFERENCES subjects (tenant, id)
) STRICT;

-- An API key's id is unique in the instance: authentication finds the key,
-- and so its tenant, by id alone. tenant is NULL for an operator key.
CREATE TABLE api_keys (
    id         TEXT    NOT NULL PRIMARY KEY,
    tenant     TEXT    REFERENCES tenants (id),
    name       TEXT    NOT NULL,
    hash       BLOB    NOT NULL CHECK (length(hash) = 32),
    scopes     TEXT    NOT NULL,   -- JSON array, sorted
    created_at INTEGER NOT NULL,
    revoked_at INTEGER             -- NULL while active
) STRICT;

CREATE INDEX api_keys_by_tenant ON api_keys (tenant, id);

CREATE TABLE declarations (
    tenant      TEXT    NOT NULL REFERENCES tenants (id),
    seq         INTEGER NOT NULL CHECK (seq >= 1),
    policy_id   TEXT    NOT NULL,
    version     TEXT    NOT NULL,
    source      BLOB    NOT NULL,
    sha256      TEXT    NOT NULL,
    uploaded_at INTEGER NOT NULL,
    active      INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
    PRIMARY KEY (tenant, seq),
    UNIQUE (tenant, version)
) STRICT;

-- At most one active version per tenant.
CREATE UNIQUE INDEX declarations_one_active ON declarations (tenant) WHERE active = 1;

CREATE TABLE tenant_links (
    processor  TEXT    NOT NULL REFERENCES tenants (id),
    controller TEXT    NOT NULL REFERENCES tenants (id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (processor, controller),
    CHECK (processor <> controller)
) STRICT;

CREATE INDEX tenant_links_by_controller ON tenant_links (controller, processor);

-- +goose Down
DROP TABLE tenant_links;
DROP TABLE declarations;
DROP TABLE api_keys;
DROP TABLE permission_states;
DROP TABLE guardians;
ALTER TABLE subjects DROP COLUMN region;
ALTER TABLE subjects DROP COLUMN age_floor;
