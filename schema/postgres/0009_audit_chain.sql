-- Proof on demand. Each audit record names the data map version that erased, and is sealed into a
-- hash chain: `seq` orders the sealed records, and `chain_hash` is the HMAC under the audit secret
-- of the previous record's chain_hash and this record, so an edited, removed or inserted record
-- breaks every hash after it (`gdpr-worker audit verify`). Records are sealed shortly after they
-- are written, by queue maintenance, so the chain costs the workers nothing.
ALTER TABLE gdpr_audit ADD COLUMN data_map text;
ALTER TABLE gdpr_audit ADD COLUMN seq bigint;
ALTER TABLE gdpr_audit ADD COLUMN chain_hash text;
CREATE UNIQUE INDEX gdpr_audit_seq ON gdpr_audit (seq);
CREATE INDEX gdpr_audit_unsealed ON gdpr_audit (finished_at, jid) WHERE seq IS NULL;
-- `prove` looks a person up by the keyed hash of their key.
CREATE INDEX gdpr_audit_key_hash ON gdpr_audit (key_hash);
