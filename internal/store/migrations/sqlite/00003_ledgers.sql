-- The consent ledger (append-only) and rights requests.

-- +goose Up
CREATE TABLE consent_events (
    seq                 INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    tenant              TEXT    NOT NULL,
    subject             TEXT    NOT NULL,
    purpose             TEXT    NOT NULL,
    declaration_version TEXT    NOT NULL,
    kind                TEXT    NOT NULL CHECK (kind IN ('consent', 'separate', 'guardian')),
    action              TEXT    NOT NULL CHECK (action IN ('grant', 'withdraw')),
    channel             TEXT    NOT NULL DEFAULT '',
    text_hash           TEXT    NOT NULL DEFAULT '',
    at                  INTEGER NOT NULL,
    FOREIGN KEY (tenant, subject) REFERENCES subjects (tenant, id)
) STRICT;

CREATE INDEX consent_events_by_tenant ON consent_events (tenant, seq);
CREATE INDEX consent_events_by_subject ON consent_events (tenant, subject, seq);

-- +goose StatementBegin
CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events
BEGIN
    SELECT RAISE(ABORT, 'consent_events is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
BEGIN
    SELECT RAISE(ABORT, 'consent_events is append-only');
END;
-- +goose StatementEnd

CREATE TABLE requests (
    tenant     TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    subject    TEXT,              -- NULL until the requester is identified
    type       TEXT    NOT NULL,
    state      TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    due_at     INTEGER,           -- NULL: no deadline
    detail     TEXT,              -- compact JSON, NULL when empty
    PRIMARY KEY (tenant, id),
    FOREIGN KEY (tenant) REFERENCES tenants (id),
    FOREIGN KEY (tenant, subject) REFERENCES subjects (tenant, id)
) STRICT;

CREATE INDEX requests_by_subject ON requests (tenant, subject, id);
CREATE INDEX requests_by_state ON requests (tenant, state, due_at);

-- +goose Down
DROP TABLE requests;
DROP TRIGGER consent_events_no_delete;
DROP TRIGGER consent_events_no_update;
DROP TABLE consent_events;
