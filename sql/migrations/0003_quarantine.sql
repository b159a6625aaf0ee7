-- 0003 — records a source sent that could not be trusted (missing or wrongly typed fields).
-- They are set aside here, with the reason, instead of reaching the raw tables; the pages show
-- their count so that somebody looks.
CREATE TABLE IF NOT EXISTS meta.quarantine (
    run_id      BIGINT NOT NULL,
    source      VARCHAR NOT NULL,
    resource    VARCHAR NOT NULL,
    record_key  VARCHAR,
    reason      VARCHAR NOT NULL,
    payload     VARCHAR NOT NULL,
    quarantined_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
