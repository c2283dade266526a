import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import GDPRWorkerTestSupport
import Testing

extension ErasureTests {
    @Suite("Strategy descriptors")
    struct StrategyDescriptorTests {
        static let strategies: [ColumnStrategy] =
            ColumnStrategy.Placeholder.allCases.map { .placeholder($0) } + [.token]

        /// The generator and the recogniser of a strategy are one record; this holds them to each
        /// other on the engine itself: what a strategy writes, a second run recognises, and it
        /// fits the length the planner checks columns against.
        @Test(
            "every value a strategy generates has its own shape and fits its maximum length",
            arguments: TestDatabase.engines)
        func generatedValuesAreRecognised(_ engine: DatabaseEngine) throws {
            let database = try TestDatabase(engine)
            try database.withConnection { connection in
                let dialect = try connection.database.erasureDialect()
                for strategy in Self.strategies {
                    let descriptor = try #require(strategy.descriptor)
                    let generate = try #require(descriptor.generate)
                    for _ in 0..<20 {
                        let value = try #require(
                            try connection.database.queryFirst("SELECT CAST(\(generate(dialect)) AS text) AS v").map {
                                try $0.string("v")
                            })
                        #expect(
                            value.count <= descriptor.maxLength ?? .max, "\(strategy) wrote \(value.count) characters")
                        var patterns: [SQLValue] = [.text(value)]
                        let condition = dialect.matches("CAST(\(dialect.placeholder(1)) AS text)", descriptor.shape) {
                            pattern in
                            patterns.append(.text(pattern))
                            return dialect.placeholder(patterns.count)
                        }
                        let row = try connection.database.queryFirst(
                            "SELECT CASE WHEN \(condition) THEN 1 ELSE 0 END AS recognised", patterns)
                        #expect(
                            try row?.int("recognised") == 1,
                            "\(strategy) wrote a value its own shape does not recognise")
                    }
                }
            }
        }

        @Test("personal data is not mistaken for any strategy's output", arguments: TestDatabase.engines)
        func personalDataIsNotRecognised(_ engine: DatabaseEngine) throws {
            let database = try TestDatabase(engine)
            try database.withConnection { connection in
                let dialect = try connection.database.erasureDialect()
                let personal = [
                    "anna.berg@example.com", "+46701234567", "Anna Berg", "10.1.2.3",
                    "d9528030-509c-4e0f-b585-7168f1e9feca",
                    "anon", "1985-04-12", "tok_", "Anon",
                ]
                for strategy in Self.strategies {
                    let shape = try #require(strategy.descriptor).shape
                    for value in personal {
                        var patterns: [SQLValue] = [.text(value)]
                        let condition = dialect.matches("CAST(\(dialect.placeholder(1)) AS text)", shape) { pattern in
                            patterns.append(.text(pattern))
                            return dialect.placeholder(patterns.count)
                        }
                        let row = try connection.database.queryFirst(
                            "SELECT CASE WHEN \(condition) THEN 1 ELSE 0 END AS recognised", patterns)
                        #expect(try row?.int("recognised") == 0, "\(strategy) took personal data for its own output")
                    }
                }
            }
        }
    }
}
