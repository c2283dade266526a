-- A done job's per-table counts live in its audit record, as a JSON array of
-- {"table", "method", "rows", "fields"}: one row written per job instead of one per job and
-- table, and a record that holds everything its proof needs.
ALTER TABLE gdpr_audit ADD COLUMN tables jsonb NOT NULL DEFAULT '[]';

UPDATE gdpr_audit a
   SET tables = (SELECT coalesce(jsonb_agg(jsonb_build_object('table', t.table_name, 'method', t.method, 'rows', t.rows_affected,
                                                              'fields', t.fields_rewritten) ORDER BY t.table_name), '[]')
                   FROM gdpr_audit_tables t WHERE t.jid = a.jid)
 WHERE EXISTS (SELECT 1 FROM gdpr_audit_tables t WHERE t.jid = a.jid);

DROP TABLE gdpr_audit_tables;
