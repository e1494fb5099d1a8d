-- Every event seen on the bus, once (unique id), in the order it was stored.
CREATE TABLE events (
    -- Position in the store; increases in storage order, which keeps each stream's order.
    sequence        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Envelope id (ULID); the idempotency key of every write.
    id              text        NOT NULL,
    type            text        NOT NULL,
    source          text        NOT NULL,
    subject         text        NOT NULL,
    time            timestamptz NOT NULL,
    correlation_id  text        NOT NULL DEFAULT '',
    causation_id    text        NOT NULL DEFAULT '',
    schema_version  integer     NOT NULL,
    payload         bytea       NOT NULL,
    -- Where the event was consumed from, and when JetStream and PostgreSQL stored it.
    stream          text        NOT NULL,
    stream_sequence bigint      NOT NULL,
    published_at    timestamptz NOT NULL,
    stored_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT events_id_unique UNIQUE (id)
);

CREATE INDEX events_subject_sequence ON events (subject, sequence);
CREATE INDEX events_type_sequence ON events (type, sequence);
CREATE INDEX events_time ON events (time);
