-- Checkpoints of the Orleans Kafka stream provider (StratX.Streaming.Kafka).
-- One row per service, stream provider and topic partition ('TOPIC:PARTITION'): the last Kafka offset whose record
-- was delivered to every consumer, together with every record before it. Readers resume at last_offset + 1.
-- version is bumped on every write; writers update only the version they read (optimistic concurrency).
-- Safe to run any number of times.
CREATE TABLE IF NOT EXISTS orleans_stream_checkpoints (
    service_id  text        NOT NULL,
    provider    text        NOT NULL,
    partition   text        NOT NULL,
    last_offset bigint      NOT NULL,
    version     bigint      NOT NULL DEFAULT 1,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, provider, partition)
);
