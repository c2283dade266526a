import GDPRWorkerCore

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

    public func isBefore(_ timeColumn: String) -> String {
        "\(quote(timeColumn)) < $1::timestamptz"
    }

    public func instantText(_ timeColumn: String) -> String {
        "to_char(\(quote(timeColumn))::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
    }
}
