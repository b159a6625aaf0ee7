-- 0001 — the warehouse's rooms.
--
-- raw_<source> : source records exactly as the source returned them (one table per resource,
--                created by the loader: key, payload JSON, payload hash, load id, loaded at).
-- ref          : what the configuration file says (organisation tree, categories), rewritten
--                at every build.
-- app          : what users enter in Alambic. Never rebuilt, never overwritten by a load.
-- staging      : views that normalise the raw records (one per raw table).
-- marts        : tables computed by sql/marts/*.sql, rebuilt together in one transaction.
-- meta         : migrations, loads and builds, watermarks.

CREATE SCHEMA IF NOT EXISTS raw_odoo;
CREATE SCHEMA IF NOT EXISTS raw_tibillet;
CREATE SCHEMA IF NOT EXISTS raw_oceco;
CREATE SCHEMA IF NOT EXISTS ref;
CREATE SCHEMA IF NOT EXISTS app;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS marts;
CREATE SCHEMA IF NOT EXISTS meta;

-- Every load and every build, with its outcome.
CREATE SEQUENCE IF NOT EXISTS meta.run_id_seq;
CREATE TABLE IF NOT EXISTS meta.runs (
    run_id      BIGINT PRIMARY KEY DEFAULT nextval('meta.run_id_seq'),
    kind        VARCHAR NOT NULL,            -- 'load' | 'build' | 'migrate'
    target      VARCHAR NOT NULL,            -- e.g. 'raw_odoo.account_move_line', 'marts'
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    rows_in     BIGINT,                      -- records received
    rows_new    BIGINT,
    rows_changed BIGINT,
    rows_unchanged BIGINT,
    outcome     VARCHAR NOT NULL,            -- 'ok' | 'failed'
    message     VARCHAR
);

-- Per source resource: how far the last successful load went (used by incremental syncs).
CREATE TABLE IF NOT EXISTS meta.watermarks (
    source      VARCHAR NOT NULL,
    resource    VARCHAR NOT NULL,
    watermark   VARCHAR,
    last_key    VARCHAR,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, resource)
);
