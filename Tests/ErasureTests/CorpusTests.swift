import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import GDPRWorkerTestSupport
import Testing

extension ErasureTests {
    /// Erasure on public sample schemas nobody here designed (Tests/Corpus/): with and without
    /// their foreign keys, in both modes, on both engines, checked against ground truth written
    /// independently of the engine.
    @Suite("Corpus of public schemas")
    struct CorpusTests {
        /// A database with a corpus schema loaded, and a handler for its map.
        struct Loaded: Sendable {
            let schema: CorpusSchema
            let harness: ErasureHarness
        }

        static func load(
            _ schema: CorpusSchema, _ engine: DatabaseEngine, _ variant: CorpusSchema.Variant
        ) async throws -> Loaded {
            let database = try TestDatabase(engine)
            try database.withConnection { try schema.load(on: $0.database, variant: variant) }
            let handler = ErasureJobHandler(
                dataMap: try DataMap(yaml: try schema.dataMapYAML(variant)),
                configuration: ErasureHarness.configuration())
            return Loaded(schema: schema, harness: ErasureHarness(database: database, handler: handler))
        }

        static var cases: [(CorpusSchema, DatabaseEngine, CorpusSchema.Variant)] {
            CorpusSchema.all.flatMap { schema in
                TestDatabase.engines.flatMap { engine in CorpusSchema.Variant.allCases.map { (schema, engine, $0) } }
            }
        }

        @Test(
            "each corpus map passes check --strict; without foreign keys, check suggests every reference the map had to declare",
            arguments: cases)
        func check(_ schema: CorpusSchema, _ engine: DatabaseEngine, _ variant: CorpusSchema.Variant) async throws {
            let loaded = try await Self.load(schema, engine, variant)
            let report = try await loaded.harness.withConnection {
                try DataMapCheck.report(yaml: try schema.dataMapYAML(variant), on: $0.database)
            }
            #expect(report.refusals(strict: true).isEmpty, "\(report.refusals(strict: true).map(\.description))")
            guard variant == .bare else { return }
            // The same map without its references: check must point at each of them.
            let declared = try DataMap(yaml: try schema.dataMapYAML(.bare)).references
            let withoutReferences = try Self.removingReferences(from: try schema.dataMapYAML(.bare))
            let bare = try await loaded.harness.withConnection {
                try DataMapCheck.report(yaml: withoutReferences, on: $0.database)
            }
            let named = Set(
                bare.warnings.filter { $0.code == .undeclaredReference }.map { "\($0.table ?? "").\($0.column ?? "")" })
            for reference in declared {
                #expect(
                    named.contains("\(reference.column)"),
                    "check did not suggest \(reference.column) → \(reference.references); it said \(named.sorted())")
            }
        }

        @Test(
            "erasing each subject in turn changes exactly the subject's rows; the key survives nowhere; anonymise keeps row counts",
            arguments: cases)
        func erase(_ schema: CorpusSchema, _ engine: DatabaseEngine, _ variant: CorpusSchema.Variant) async throws {
            for mode in ErasureMode.allCases {
                let loaded = try await Self.load(schema, engine, variant)
                let harness = loaded.harness
                let ownership = try schema.ownership()
                let deletedTables = Set(harness.handler.dataMap.tables.filter { $0.onDelete == .delete }.map(\.name))
                // Nothing changes the database between one subject's erasure and the next: the digest
                // after one is the digest before the next.
                var before = try await Self.digest(harness)
                for subject in try schema.subjects() {
                    let owned = try await Self.owned(harness, ownership, key: subject.key)
                    #expect(
                        owned.values.contains { !$0.isEmpty },
                        "\(schema) \(subject.key): the ground truth finds no row of the subject")
                    let outcome = try await harness.run([subject.key], mode: mode)[subject.key]
                    _ = try ErasureHarness.result(outcome)
                    let after = try await Self.digest(harness)
                    for (table, rows) in before {
                        let mine = owned[table] ?? []
                        for (key, values) in rows where !mine.contains(key) {
                            #expect(
                                after[table]?[key] == values,
                                "\(schema) \(mode) \(subject.key): \(table) row \(key), not the subject's, changed (\(subject.note))"
                            )
                        }
                        if mode == .anonymise {
                            #expect(
                                after[table]?.count == rows.count,
                                "\(schema) anonymise \(subject.key): \(table) lost rows")
                        } else if deletedTables.contains(table) {
                            for key in mine {
                                #expect(
                                    after[table]?[key] == nil,
                                    "\(schema) delete \(subject.key): \(table) row \(key) is still there")
                            }
                        }
                    }
                    #expect(
                        try await harness.occurrences(of: [subject.key], in: Array(before.keys)).isEmpty,
                        "\(schema) \(mode): the key survives")
                    before = after
                }
            }
        }

        /// The primary keys of the subject's rows, per table, by the corpus's ground truth.
        static func owned(
            _ harness: ErasureHarness, _ ownership: [String: String], key: String
        ) async throws -> [String: Set<String>] {
            let placeholder = harness.p(1)
            return try await harness.withConnection { connection in
                var owned: [String: Set<String>] = [:]
                for (table, query) in ownership {
                    let rows = try connection.database.query(
                        query.replacingOccurrences(of: "{key}", with: placeholder), [.text(key)])
                    owned[table] = Set(rows.map { row in row.values.map(Self.canonical).joined(separator: "/") })
                }
                return owned
            }
        }

        /// Every row of every table of the database but gdpr-worker's own, by primary key.
        static func digest(_ harness: ErasureHarness) async throws -> [String: [String: [SQLValue]]] {
            try await harness.withConnection { connection in
                let database = connection.database
                let catalog = try database.erasureDialect().loadCatalog(database)
                var tables: [String: [String: [SQLValue]]] = [:]
                for table in catalog.tables.values where !table.name.hasPrefix("gdpr_") {
                    let keyIndices = table.primaryKey.compactMap { name in table.columns.firstIndex { $0.name == name }
                    }
                    var rows: [String: [SQLValue]] = [:]
                    let columns = table.columns.map { database.dialect.quote($0.name) }.joined(separator: ", ")
                    for row in try database.query("SELECT \(columns) FROM \(database.dialect.quote(table.name))", []) {
                        rows[keyIndices.map { canonical(row.values[$0]) }.joined(separator: "/")] = row.values
                    }
                    tables[table.name] = rows
                }
                return tables
            }
        }

        /// A value as text that two reads of the same row agree on, bytes included.
        static func canonical(_ value: SQLValue) -> String {
            switch value {
            case .null: "∅"
            case .int(let value): String(value)
            case .double(let value): String(value)
            case .text(let text): text
            case .bytes(let bytes): "\\x" + bytes.map { String(format: "%02x", $0) }.joined()
            case .bool(let value): value ? "t" : "f"
            case .timestamp(let date): Timestamp.format(date, fractionDigits: 6)
            case .textArray(let texts): texts.joined(separator: ",")
            }
        }

        /// The map without its top-level `references:` section.
        static func removingReferences(from yaml: String) throws -> String {
            var lines: [Substring] = []
            var skipping = false
            for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("references:") {
                    skipping = true
                    continue
                }
                if skipping, let first = line.first, first != " ", first != "-", first != "#" { skipping = false }
                if !skipping { lines.append(line) }
            }
            return lines.joined(separator: "\n")
        }
    }
}
