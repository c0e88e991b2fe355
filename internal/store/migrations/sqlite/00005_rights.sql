-- Trusted keys (apps' and authorized agents' signing keys), legal holds and
-- webhook endpoints.

-- +goose Up
CREATE TABLE trusted_keys (
    tenant       TEXT    NOT NULL REFERENCES tenants (id),
    id           TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('app', 'agent')),
    name         TEXT    NOT NULL,
    algorithm    TEXT    NOT NULL CHECK (algorithm = 'Ed25519'),
    public_key   BLOB    NOT NULL CHECK (length(public_key) = 32),
    callback_url TEXT    NOT NULL DEFAULT '' CHECK (kind = 'agent' OR callback_url = ''),
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER,            -- NULL while active
    PRIMARY KEY (tenant, id)
) STRICT;

-- A hold covers the tenant (subject and category NULL), one subject (a
-- foreign key, so the subject must exist) or one category.
CREATE TABLE holds (
    tenant      TEXT    NOT NULL REFERENCES tenants (id),
    id          TEXT    NOT NULL,
    scope       TEXT    NOT NULL CHECK (scope IN ('tenant', 'subject', 'category')),
    subject     TEXT,
    category    TEXT,
    reason      TEXT    NOT NULL,
    placed_by   TEXT    NOT NULL,
    placed_at   INTEGER NOT NULL,
    released_by TEXT,                -- NULL while active
    released_at INTEGER,             -- NULL while active
    PRIMARY KEY (tenant, id),
    FOREIGN KEY (tenant, subject) REFERENCES subjects (tenant, id),
    CHECK ((scope = 'tenant' AND subject IS NULL AND category IS NULL)
        OR (scope = 'subject' AND subject IS NOT NULL AND category IS NULL)
        OR (scope = 'category' AND category IS NOT NULL AND subject IS NULL)),
    CHECK ((released_at IS NULL) = (released_by IS NULL))
) STRICT;

-- ActiveHolds: the active holds of a tenant that are not another subject's.
CREATE INDEX holds_active ON holds (tenant, subject, id) WHERE released_at IS NULL;

CREATE TABLE webhook_endpoints (
    tenant      TEXT    NOT NULL REFERENCES tenants (id),
    id          TEXT    NOT NULL,
    url         TEXT    NOT NULL,
    secret      BLOB    NOT NULL CHECK (length(secret) > 0),
    events      TEXT    NOT NULL,    -- JSON array, sorted; [] for all
    created_at  INTEGER NOT NULL,
    disabled_at INTEGER,             -- NULL while active
    PRIMARY KEY (tenant, id)
) STRICT;

-- +goose Down
DROP TABLE webhook_endpoints;
DROP TABLE holds;
DROP TABLE trusted_keys;
