import GDPRWorkerErasure
import GDPRWorkerQueue

extension SQLiteDialect {
    /// Two statements in the caller's transaction, which holds the write lock: both select the
    /// same batch, the oldest rows by rowid, because nothing else can write in between.
    public func archiveBatch(hot: String, archive: String, timeColumn: String, columns: [String]) -> [String] {
        let list = columns.map(quote).joined(separator: ", ")
        let batch = "SELECT rowid FROM \(quote(hot)) WHERE \(isBefore(timeColumn)) ORDER BY rowid LIMIT ?2"
        return [
            "INSERT INTO \(quote(archive)) (\(list)) SELECT \(list) FROM \(quote(hot)) WHERE rowid IN (\(batch))",
            "DELETE FROM \(quote(hot)) WHERE rowid IN (\(batch))",
        ]
    }

    /// In the caller's transaction, which holds the write lock: the batch's rowids are kept in a
    /// temporary table, copied (any other conflict skipped by `OR IGNORE`), and only rows the
    /// archive now holds identically are deleted.
    public func archiveBatchAroundConflicts(
        hot: String, archive: String, timeColumn: String, columns: [String], key: [String]
    ) -> [String] {
        let list = columns.map(quote).joined(separator: ", ")
        let batch = "temp.gw_archive_batch"
        return [
            "CREATE TEMP TABLE IF NOT EXISTS gw_archive_batch (gw_row INTEGER PRIMARY KEY)",
            "DELETE FROM \(batch)",
            """
            INSERT INTO \(batch) SELECT h.rowid FROM \(quote(hot)) h
             WHERE \(isBefore(timeColumn)) AND NOT EXISTS (SELECT 1 FROM \(quote(archive)) a WHERE \(Self.sameKey(key, "a", "h", quote)))
             ORDER BY h.rowid LIMIT ?2
            """,
            "INSERT OR IGNORE INTO \(quote(archive)) (\(list)) SELECT \(list) FROM \(quote(hot)) WHERE rowid IN (SELECT gw_row FROM \(batch))",
            """
            DELETE FROM \(quote(hot)) AS h
             WHERE h.rowid IN (SELECT gw_row FROM \(batch)) AND EXISTS (SELECT 1 FROM \(quote(archive)) a WHERE \(Self.same(columns, "a", "h", quote)))
            """,
        ]
    }

    public func archiveDropIdentical(
        hot: String, archive: String, timeColumn: String, columns: [String], key: [String]
    ) -> String {
        """
        DELETE FROM \(quote(hot)) AS h
         WHERE \(isBefore(timeColumn))
           AND EXISTS (SELECT 1 FROM \(quote(archive)) a WHERE \(Self.sameKey(key, "a", "h", quote)) AND \(Self.same(columns, "a", "h", quote)))
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

    /// Every column equal, NULL matching NULL (`IS`).
    static func same(_ columns: [String], _ left: String, _ right: String, _ quote: (String) -> String) -> String {
        columns.map { "\(left).\(quote($0)) IS \(right).\(quote($0))" }.joined(separator: " AND ")
    }

    /// Compared as instants, not as text, so ISO-8601 text with a `T` or a space, and Unix times,
    /// all order correctly.
    public func isBefore(_ timeColumn: String) -> String {
        "julianday(\(quote(timeColumn)), 'auto') < julianday(?1)"
    }

    public func instantText(_ timeColumn: String) -> String {
        "strftime('%Y-%m-%dT%H:%M:%fZ', \(quote(timeColumn)), 'auto')"
    }
}
