import GDPRWorkerCore

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

    /// Compared as instants, not as text, so ISO-8601 text with a `T` or a space, and Unix times,
    /// all order correctly.
    public func isBefore(_ timeColumn: String) -> String {
        "julianday(\(quote(timeColumn)), 'auto') < julianday(?1)"
    }

    public func instantText(_ timeColumn: String) -> String {
        "strftime('%Y-%m-%dT%H:%M:%fZ', \(quote(timeColumn)), 'auto')"
    }
}
