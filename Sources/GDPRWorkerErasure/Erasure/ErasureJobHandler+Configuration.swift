import GDPRWorkerQueue

extension ErasureJobHandler {
    /// How the engine bounds its statements and transactions, and where exports go.
    public struct Configuration: Sendable {
        public static let defaultRowsPerStatement = 10_000
        public static let defaultRowsPerTransaction = 100_000
        public static let defaultCatalogRefresh: Duration = .seconds(300)

        /// The most rows one statement writes; larger work is written in chunks of this size.
        public var rowsPerStatement: Int
        /// The rows a transaction may write before a job alone commits by checkpoint, or a job in a
        /// shared batch asks to run alone.
        public var rowsPerTransaction: Int
        /// How long the compiled data map is trusted before the catalog is read and checked again,
        /// so that a column added to a mapped table stops erasure instead of slipping through.
        public var catalogRefresh: Duration
        /// Where export jobs write, and for how long exports are kept.
        public var export: ExportStore.Configuration
        /// The data map's version in audit records: `sha256:` and the start of the file's digest, so
        /// that `sha256sum` of a map file says whether it did a job. Nil: a digest of the parsed map.
        public var dataMapVersion: String?

        public init(
            rowsPerStatement: Int = Configuration.defaultRowsPerStatement,
            rowsPerTransaction: Int = Configuration.defaultRowsPerTransaction,
            catalogRefresh: Duration = Configuration.defaultCatalogRefresh, export: ExportStore.Configuration = .init(),
            dataMapVersion: String? = nil
        ) {
            self.dataMapVersion = dataMapVersion
            self.rowsPerStatement = max(1, rowsPerStatement)
            self.rowsPerTransaction = max(1, rowsPerTransaction)
            self.catalogRefresh = catalogRefresh
            self.export = export
        }
    }
}
