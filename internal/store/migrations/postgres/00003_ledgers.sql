-- The consent ledger (append-only) and rights requests.

-- +goose Up
CREATE TABLE consent_events (
    seq                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant              text COLLATE "C" NOT NULL,
    subject             text COLLATE "C" NOT NULL,
    purpose             text        NOT NULL,
    declaration_version text        NOT NULL,
    kind                text        NOT NULL CHECK (kind IN ('consent', 'separate', 'guardian')),
    action              text        NOT NULL CHECK (action IN ('grant', 'withdraw')),
    channel             text        NOT NULL DEFAULT '',
    text_hash           text        NOT NULL DEFAULT '',
    at                  timestamptz NOT NULL,
    FOREIGN KEY (tenant, subject) REFERENCES subjects (tenant, id)
);

CREATE INDEX consent_events_by_tenant ON consent_events (tenant, seq);
CREATE INDEX consent_events_by_subject ON consent_events (tenant, subject, seq);

CREATE TRIGGER consent_events_append_only BEFORE UPDATE OR DELETE ON consent_events
    FOR EACH ROW EXECUTE FUNCTION trustee_append_only();
CREATE TRIGGER consent_events_no_truncate BEFORE TRUNCATE ON consent_events
    FOR EACH STATEMENT EXECUTE FUNCTION trustee_append_only();

CREATE TABLE requests (
    tenant     text COLLATE "C" NOT NULL REFERENCES tenants (id),
    id         text COLLATE "C" NOT NULL,
    subject    text COLLATE "C",          -- NULL until the requester is identified
    type       text        NOT NULL,
    state      text        NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    due_at     timestamptz,               -- NULL: no deadline
    detail     json,                      -- kept as written (compact), NULL when empty
    PRIMARY KEY (tenant, id),
    FOREIGN KEY (tenant, subject) REFERENCES subjects (tenant, id)
);

CREATE INDEX requests_by_subject ON requests (tenant, subject, id);
CREATE INDEX requests_by_state ON requests (tenant, state, due_at);

-- +goose Down
DROP TABLE requests;
DROP TABLE consent_events;
