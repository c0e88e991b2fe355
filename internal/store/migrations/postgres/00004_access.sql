-- Subject profiles, guardians, OS permission states, API keys, declaration
-- versions and tenant links.

-- +goose Up
ALTER TABLE subjects
    ADD COLUMN age_floor smallint NOT NULL DEFAULT 0 CHECK (age_floor IN (0, 1, 13, 14, 15, 16, 18)),
    ADD COLUMN region    text     NOT NULL DEFAULT '';

CREATE TABLE guardians (
    tenant     text COLLATE "C" NOT NULL,
    minor      text COLLATE "C" NOT NULL,
    guardian   text COLLATE "C" NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant, minor, guardian),
    FOREIGN KEY (tenant, minor) REFERENCES subjects (tenant, id),
    FOREIGN KEY (tenant, guardian) REFERENCES subjects (tenant, id),
    CHECK (minor <> guardian)
);

CREATE INDEX guardians_by_guardian ON guardians (tenant, guardian, minor);

CREATE TABLE permission_states (
    tenant     text COLLATE "C" NOT NULL,
    subject    text COLLATE "C" NOT NULL,
    device     text COLLATE "C" NOT NULL,
    permission text COLLATE "C" NOT NULL,
    granted    boolean     NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant, subject, device, permission),
    FOREIGN KEY (tenant, subject) REFERENCES subjects (tenant, id)
);

-- An API key's id is unique in the instance: authentication finds the key,
-- and so its tenant, by id alone. tenant is NULL for an operator key.
CREATE TABLE api_keys (
    id         text COLLATE "C" NOT NULL PRIMARY KEY,
    tenant     text COLLATE "C" REFERENCES tenants (id),
    name       text        NOT NULL,
    hash       bytea       NOT NULL CHECK (length(hash) = 32),
    scopes     text[]      NOT NULL,  -- sorted
    created_at timestamptz NOT NULL,
    revoked_at timestamptz            -- NULL while active
);

CREATE INDEX api_keys_by_tenant ON api_keys (tenant, id);

CREATE TABLE declarations (
    tenant      text COLLATE "C" NOT NULL REFERENCES tenants (id),
    seq         bigint      NOT NULL CHECK (seq >= 1),
    policy_id   text        NOT NULL,
    version     text        NOT NULL,
    source      bytea       NOT NULL,
    sha256      text        NOT NULL,
    uploaded_at timestamptz NOT NULL,
    active      boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (tenant, seq),
    UNIQUE (tenant, version)
);

-- At most one active version per tenant.
CREATE UNIQUE INDEX declarations_one_active ON declarations (tenant) WHERE active;

CREATE TABLE tenant_links (
    processor  text COLLATE "C" NOT NULL REFERENCES tenants (id),
    controller text COLLATE "C" NOT NULL REFERENCES tenants (id),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (processor, controller),
    CHECK (processor <> controller)
);

CREATE INDEX tenant_links_by_controller ON tenant_links (controller, processor);

-- +goose Down
DROP TABLE tenant_links;
DROP TABLE declarations;
DROP TABLE api_keys;
DROP TABLE permission_states;
DROP TABLE guardians;
ALTER TABLE subjects DROP COLUMN region, DROP COLUMN age_floor;
