import GDPRWorkerQueue

/// A data map compiled against the live catalog: every table with its located columns, edges and
/// strategies, and the order erasure must follow. Built once by `ErasurePlanner` and shared by
/// every worker; the statements built from it depend on nothing else, so their SQL text is stable
/// and prepared once per connection.
struct ErasurePlan: Sendable {
    /// A table the job's rows are found and erased in.
    struct Table: Sendable {
        /// A column with the strategy a mode applies to it.
        struct Rewrite: Sendable {
            var column: DatabaseCatalog.Column
            var strategy: ColumnStrategy
        }

        /// An edge from a materialized source table, seen from this table.
        struct Edge: Sendable {
            /// The column of this table.
            var column: DatabaseCatalog.Column
            /// The plan index of the source table, always materialized.
            var source: Int
            var sourceColumn: DatabaseCatalog.Column
            /// Whether an index of this table leads with `column`, so the lookup is a probe.
            var isIndexed: Bool
        }

        /// A reference into a parent-edge target, which decides whether a parent row is shared.
        struct Reference: Sendable {
            var table: String
            var column: String
            /// The referenced column of this table.
            var targetColumn: String
            /// The plan index of the referencing table when it is materialized; otherwise every
            /// referencing row belongs to someone else.
            var materialized: Int?
            /// Whether an index of the referencing table leads with `column`, so that a parent is
            /// judged by a probe; otherwise the referencing rows are read once per batch.
            var isIndexed: Bool
        }

        /// Position in `ErasurePlan.tables`, which names the table's work tables.
        var index: Int
        var name: String
        var columns: [DatabaseCatalog.Column]
        var primaryKey: [DatabaseCatalog.Column]
        /// Columns compared with the job's keys, and whether an index serves each.
        var matches: [(column: DatabaseCatalog.Column, isIndexed: Bool)]
        /// The column a matched row's tenant must equal the job's in, in a tenant-scoped map.
        var tenant: DatabaseCatalog.Column?
        /// Child edges: this table's column points at rows of a reached table.
        var childEdges: [Edge]
        /// Parent edges: rows of a reached table point at this table's column.
        var parentEdges: [Edge]
        /// Every known reference into this table, when it is a parent-edge target.
        var references: [Reference]
        /// Whether the table's reached rows are materialized in a work table before any write,
        /// because other tables are reached from them, they may be shared, or two erasures may
        /// reach them.
        var isMaterialized: Bool
        /// Whether two erasures holding different keys can reach the same row: a parent target,
        /// or a table reached along two independent paths. Such rows are locked in primary-key
        /// order before they are written (see `ErasurePlan.writeSteps`).
        var isContended: Bool
        /// Whether the table may be erased first, in chunks committed by checkpoints: nothing is
        /// reached from it, nothing references it, it holds no links and no lock guards it.
        var isEarly: Bool
        /// What delete mode does to the table's rows.
        var onDelete: TableMap.DeletePolicy
        /// The writes of anonymise mode.
        var anonymise: [Rewrite]
        /// The writes of delete mode when the table keeps its rows: anonymise's, with kept key
        /// columns rekeyed and columns pointing at deleted rows set to NULL.
        var retain: [Rewrite]

        /// The work tables of the table's reached rows and chunk list, named once the plan's
        /// fingerprint is known.
        var reachWorkTable = ""
        var chunkWorkTable = ""

        /// Whether rows reach the table through parent edges, whose sharing must be judged.
        var isParentTarget: Bool { !parentEdges.isEmpty }

        /// The writes of a mode, or nil when the mode deletes the rows.
        func rewrites(for mode: ErasureMode) -> [Rewrite]? {
            switch mode {
            case .anonymise: anonymise
            case .delete: onDelete == .delete ? nil : retain
            }
        }
    }

    /// A link table, with the key columns whose values pair up.
    struct Link: Sendable {
        var table: String
        var columns: [DatabaseCatalog.Column]
        /// Whether an index leads with each column, in `columns` order.
        var isIndexed: [Bool]
        /// The column a followed link's tenant must equal the job's in.
        var tenant: DatabaseCatalog.Column?
    }

    /// One step of loading a batch's working set, before anything is written.
    enum LoadStep: Sendable, Equatable {
        /// Fill the table's reached rows; a parent target's parent-reached rows are candidates
        /// until judged.
        case materialize(Int)
        /// Lock the table's reached rows in primary-key order.
        case lock(Int)
        /// Drop the candidate parents that rows outside the batch still reference.
        case judge(Int)
    }

    /// One step of writing a batch, in an order every transaction of the plan shares.
    enum WriteStep: Sendable, Equatable {
        case lock(Int)
        case judge(Int)
        case write(Int)
    }

    var cascadeLimit: Int
    var links: [Link]
    /// In mutation order: rows that reference others come before the rows they reference.
    var tables: [Table]
    /// Loading: materializations in reach order, sources before the tables reached from them.
    var loadSteps: [LoadStep]
    /// Writing: early tables first, then the rest in mutation order, each contended table locked
    /// (and, for a parent target, judged) just before the first write that depends on it.
    var writeSteps: [WriteStep]
    /// Names the connection's work tables, so a changed map never meets stale ones.
    var fingerprint: String
    var archivePairs: [ArchivePair]

    /// The work table of the job keys.
    var keysWorkTable: String { "gw_\(fingerprint)_keys" }

    /// Whether any strategy of a mode rekeys, so surrogates must be drawn.
    func rekeys(in mode: ErasureMode) -> Bool {
        tables.contains { table in
            (table.rewrites(for: mode) ?? []).contains { $0.strategy == .rekey }
        }
    }
}
