import Foundation
import GDPRWorkerQueue
import GDPRWorkerSchema

/// The sample shop of `schema/examples/shop/`, compiled into the binary: its schema for both
/// engines, the set-based statements that fill it, and its data map. Used by the quick start,
/// the tests and the benchmarks.
public enum ShopSample {
    /// The sample's tables, children before parents, so they can be dropped in this order.
    public static let tables = [
        "order_lines", "orders", "payment_methods", "support_tickets", "loyalty_transactions", "campaigns",
        "customer_links", "events", "events_archive", "customers", "addresses",
    ]

    /// The data map of the sample, as YAML.
    public static var dataMapYAML: String {
        EmbeddedSchema.file("examples/shop/datamap.yaml") ?? ""
    }

    /// The data map of the sample.
    public static func dataMap() throws(DataMapError) -> DataMap {
        try DataMap(yaml: dataMapYAML)
    }

    /// The key of sample customer `number`: `customer-000042`.
    public static func customerKey(_ number: Int) -> String {
        let digits = String(number)
        return "customer-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// Creates the sample's tables and fills them for `customers` customers, in one transaction.
    /// Refuses when the tables exist, unless `replace`, which drops the sample's tables first.
    public static func create(customers: Int, on connection: any DatabaseConnection, replace: Bool = false) throws {
        guard customers >= 1 else { throw InputError(.invalidArgument, "--customers must be at least 1") }
        let engine = connection.engine.id
        guard let schema = EmbeddedSchema.file("examples/shop/\(engine).sql"),
            let fill = EmbeddedSchema.file("examples/shop/\(engine)-data.sql")
        else {
            throw InputError(.invalidArgument, "this binary carries no sample for \(connection.engine)")
        }
        let marker = "-- @constraints"
        let parts = schema.components(separatedBy: marker)
        let dialect = try connection.erasureDialect()
        let existing = Set(try dialect.loadCatalog(connection).tables.keys).intersection(tables)
        if !existing.isEmpty && !replace {
            throw InputError(
                .invalidArgument,
                "the database already has sample tables (\(existing.sorted().joined(separator: ", "))); pass --replace to drop and reload them"
            )
        }
        try connection.transaction {
            for table in tables where existing.contains(table) {
                try connection.execute("DROP TABLE \(dialect.quote(table))", [])
            }
            try connection.executeScript(parts[0])
            try connection.execute(
                dialect.createWorkTable(
                    "gw_sample", columns: ["customers \(dialect.workColumnType(.integer)) NOT NULL"],
                    clearedOnCommit: true), [])
            try connection.execute(
                "INSERT INTO \(dialect.workTable("gw_sample")) (customers) VALUES (\(dialect.placeholder(1)))",
                [.int(customers)])
            try connection.executeScript(fill)
            if parts.count > 1, let newline = parts[1].firstIndex(of: "\n") {
                try connection.executeScript(String(parts[1][newline...]))
            }
            try connection.execute("DROP TABLE \(dialect.workTable("gw_sample"))", [])
        }
        try connection.executeScript("ANALYZE")
    }
}
