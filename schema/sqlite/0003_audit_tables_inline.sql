-- A done job's per-table counts live in its audit record, as a JSON array of
-- {"table", "method", "rows", "fields"}: one row written per job instead of one per job and
-- table, and a record that holds everything its proof needs.
ALTER TABLE gdpr_audit ADD COLUMN tables TEXT NOT NULL DEFAULT '[]';

UPDATE gdpr_audit
   SET tables = (SELECT coalesce(json_group_array(json_object('table', table_name, 'method', method, 'rows', rows_affected,
                                                              'fields', fields_rewritten)), '[]')
                   FROM (SELECT * FROM gdpr_audit_tables t WHERE t.jid = gdpr_audit.jid ORDER BY table_name))
 WHERE EXISTS (SELECT 1 FROM gdpr_audit_tables t WHERE t.jid = gdpr_audit.jid);

DROP TABLE gdpr_audit_tables;
