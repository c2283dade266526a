import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import GDPRWorkerSQLite
import Yams

/// One schema of the corpus in `Tests/Corpus/`: a public sample schema (Pagila, Chinook, …)
/// written from its public description, with its data generator, its data maps, and the ground
/// truth of which rows belong to a data subject, written independently of the engine.
public struct CorpusSchema: Sendable, CustomStringConvertible {
    /// The schema's variants: with the foreign keys and indexes the public schema declares, or with
    /// neither, as many real databases are.
    public enum Variant: String, Sendable, CaseIterable, CustomStringConvertible {
        case foreignKeys = "with foreign keys"
        case bare = "without foreign keys or indexes"
        public var description: String { rawValue }
    }

    /// A data subject the tests erase, and what the case exercises.
    public struct Subject: Sendable {
        public var key: String
        public var note: String
    }

    public static let names = ["pagila", "chinook", "storefront"]
    /// The default scale: customers generated.
    public static let testScale = 60

    public let name: String
    public let directory: URL

    public init(_ name: String) {
        self.name = name
        directory = PackagePaths.root.appending(path: "Tests/Corpus/\(name)")
    }

    public static var all: [CorpusSchema] { names.map(CorpusSchema.init) }

    public var description: String { name }

    func file(_ name: String) throws -> String {
        do {
            return try String(contentsOf: directory.appending(path: name), encoding: .utf8)
        } catch {
            throw TestSetupError("the corpus schema \(self.name) has no readable \(name)")
        }
    }

    /// The data map for a variant: the bare schema's declares its references.
    public func dataMapYAML(_ variant: Variant) throws -> String {
        try file(variant == .foreignKeys ? "datamap.yaml" : "datamap-nofk.yaml")
    }

    /// Creates the schema and fills it at `scale`, in one transaction.
    public func load(
        on connection: any DatabaseConnection, variant: Variant, scale: Int = CorpusSchema.testScale
    ) throws {
        let engine = connection.engine.id
        let schema: String
        switch variant {
        case .bare where connection.engine == .sqlite: schema = try file("\(engine)/schema-nofk.sql")
        case .bare:
            // Everything before the line `-- @constraints`: the tables without keys to others or indexes.
            let lines = try file("\(engine)/schema.sql").split(separator: "\n", omittingEmptySubsequences: false)
            schema = lines.prefix { $0.trimmingCharacters(in: .whitespaces) != "-- @constraints" }.joined(
                separator: "\n")
        default: schema = try file("\(engine)/schema.sql")
        }
        let data = try file("\(engine)/data.sql")
        let dialect = try connection.erasureDialect()
        try connection.transaction {
            // The data script reads the scale from this table.
            try connection.execute(
                dialect.createWorkTable("gw_corpus", columns: ["scale integer NOT NULL"], clearedOnCommit: true), [])
            try connection.execute(
                "INSERT INTO \(dialect.workTable("gw_corpus")) (scale) VALUES (\(dialect.placeholder(1)))",
                [.int(scale)])
            try connection.executeScript(schema)
            try connection.executeScript(data)
            try connection.execute("DROP TABLE \(dialect.workTable("gw_corpus"))", [])
        }
        try connection.executeScript("ANALYZE")
    }

    public func subjects() throws -> [Subject] {
        guard let items = try Yams.load(yaml: try file("subjects.yaml")) as? [[String: Any]] else {
            throw TestSetupError("\(name)/subjects.yaml is not a list of { key, note }")
        }
        return items.compactMap { item in
            guard let key = item["key"] as? String else { return nil }
            return Subject(key: key, note: item["note"] as? String ?? "")
        }
    }

    /// Per table, the query selecting the primary keys of a subject's rows; `{key}` is the key.
    public func ownership() throws -> [String: String] {
        guard let root = try Yams.load(yaml: try file("ownership.yaml")) as? [String: Any],
            let tables = root["tables"] as? [String: [String: Any]]
        else { throw TestSetupError("\(name)/ownership.yaml has no tables") }
        return tables.compactMapValues { $0["rows"] as? String }
    }
}
