-- Co-rémunération — is marts.remuneration_proposals built yet? (A fresh warehouse, before its
-- first « alambic build », has only the app tables: the page then says so instead of failing.)
-- Parameters: none.
-- Columns: built (true / false)
SELECT count(*) > 0 AS built
FROM duckdb_tables()
WHERE schema_name = 'marts' AND table_name = 'remuneration_proposals'
