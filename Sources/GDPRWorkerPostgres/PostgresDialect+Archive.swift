import GDPRWorkerErasure
import GDPRWorkerQueue

extension PostgresDialect {
    /// One statement: the batch is deleted from the hot table and inserted into the archive
    /// together, so a crash anywhere loses and duplicates nothing. Rows locked by an erasure in
    /// progress are skipped and left for the next batch or sweep.
    public func archiveBatch(hot: String, archive: String, timeColumn: String, columns: [String]) -> [String] {
        let list = columns.map(quote).joined(separator: ", ")
        return [
            """
            WITH moved AS (
                DELETE FROM \(quote(hot))
                 WHERE ctid = ANY(ARRAY(SELECT ctid FROM \(quote(hot)) WHERE \(isBefore(timeColumn)) LIMIT $2 FOR UPDATE SKIP LOCKED))
                RETURNING \(list)
            )
            INSERT INTO \(quote(archive)) (\(list)) SELECT \(list) FROM moved
            """
        ]
    }

    /// One statement: a batch of rows whose key the archive lacks is copied (any other conflict
    /// skipped by `ON CONFLICT DO NOTHING`) and only the copied rows are deleted.
    public func archiveBatchAroundConflicts(
        hot: String, archive: String, timeColumn: String, columns: [String], key: [String]
    ) -> [String] {
        let list = columns.map(quote).joined(separator: ", ")
        let keyList = key.map(quote).joined(separator: ", ")
        return [
            """
            WITH batch AS (
                SELECT h.ctid AS gw_row, \(key.map { "h.\(quote($0))" }.joined(separator: ", "))
                  FROM \(quote(hot)) h
                 WHERE \(isBefore(timeColumn)) AND NOT EXISTS (SELECT 1 FROM \(quote(archive)) a WHERE \(Self.sameKey(key, "a", "h", quote)))
                 LIMIT $2 FOR UPDATE OF h SKIP LOCKED
            ), placed AS (
                INSERT INTO \(quote(archive)) (\(list))
                SELECT \(list) FROM \(quote(hot)) WHERE ctid IN (SELECT gw_row FROM batch)
                ON CONFLICT DO NOTHING
                RETURNING \(keyList)
            )
            DELETE FROM \(quote(hot)) h USING batch b, placed p
             WHERE h.ctid = b.gw_row AND \(Self.sameKey(key, "p", "b", quote))
            """
        ]
    }

    public func archiveDropIdentical(
        hot: String, archive: String, timeColumn: String, columns: [String], key: [String]
    ) -> String {
        let same = columns.map { "CAST(a.\(quote($0)) AS text) IS NOT DISTINCT FROM CAST(h.\(quote($0)) AS text)" }
            .joined(separator: " AND ")
        return """
            DELETE FROM \(quote(hot)) h
             WHERE \(isBefore(timeColumn)) AND EXISTS (SELECT 1 FROM \(quote(archive)) a WHERE \(Self.sameKey(key, "a", "h", quote)) AND \(same))
            """
    }

    public func archiveConflicts(hot: String, archive: String, timeColumn: String, key: [String]) -> String {
        """
        SELECT count(*) AS n FROM \(quote(hot)) h
         WHERE \(isBefore(timeColumn)) AND EXISTS (SELECT 1 FROM \(quote(archive)) a WHERE \(Self.sameKey(key, "a", "h", quote)))
        """
    }

    static func sameKey(_ key: [String], _ left: String, _ right: String, _ quote: (String) -> String) -> String {
        key.map { "\(left).\(quote($0)) = \(right).\(quote($0))" }.joined(separator: " AND ")
    }

    public func isBefore(_ timeColumn: String) -> String {
        "\(quote(timeColumn)) < $1::timestamptz"
    }

    public func instantText(_ timeColumn: String) -> String {
        "to_char(\(quote(timeColumn))::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
    }
}
