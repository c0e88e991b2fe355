-- Trusted keys (apps' and authorized agents' signing keys), legal holds and
-- webhook endpoints.

-- +goose Up
CREATE TABLE trusted_keys (
    tenant       text COLLATE "C" NOT NULL REFERENCES tenants (id),
    id           text COLLATE "C" NOT NULL,
    kind         text        NOT NULL CHECK (kind IN ('app', 'agent')),
    name         text        NOT NULL,
    algorithm    text        NOT NULL CHECK (algorithm = 'Ed25519'),
    public_key   bytea       NOT NULL CHECK (length(public_key) = 32),
    callback_url text        NOT NULL DEFAULT '' CHECK (kind = 'agent' OR callback_url = ''),
    created_at   timestamptz NOT NULL,
    revoked_at   timestamptz,        -- NULL while active
    PRIMARY KEY (tenant, id)
);

-- A hold covers the tenant (subject and category NULL), one subject (a
-- foreign key, so the subject must exist) or one category.
CREATE TABLE holds (
    tenant      text COLLATE "C" NOT NULL REFERENCES tenants (id),
    id          text COLLATE "C" NOT NULL,
    scope       text        NOT NULL CHECK (scope IN ('tenant', 'subject', 'category')),
    subject     text COLLATE "C",
    category    text COLLATE "C",
    reason      text        NOT NULL,
    placed_by   text        NOT NULL,
    placed_at   timestamptz NOT NULL,
    released_by text,                -- NULL while active
    released_at timestamptz,         -- NULL while active
    PRIMARY KEY (tenant, id),
    FOREIGN KEY (tenant, subject) REFERENCES subjects (tenant, id),
    CHECK ((scope = 'tenant' AND subject IS NULL AND category IS NULL)
        OR (scope = 'subject' AND subject IS NOT NULL AND category IS NULL)
        OR (scope = 'category' AND category IS NOT NULL AND subject IS NULL)),
    CHECK ((released_at IS NULL) = (released_by IS NULL))
);

-- ActiveHolds: the active holds of a tenant that are not another subject's.
CREATE INDEX holds_active ON holds (tenant, subject, id) WHERE released_at IS NULL;

CREATE TABLE webhook_endpoints (
    tenant      text COLLATE "C" NOT NULL REFERENCES tenants (id),
    id          text COLLATE "C" NOT NULL,
    url         text        NOT NULL,
    secret      bytea       NOT NULL CHECK (length(secret) > 0),
    events      text[]      NOT NULL,  -- sorted; empty for all
    created_at  timestamptz NOT NULL,
    disabled_at timestamptz,           -- NULL while active
    PRIMARY KEY (tenant, id)
);

-- +goose Down
DROP TABLE webhook_endpoints;
DROP TABLE holds;
DROP TABLE trusted_keys;
