import Foundation
import GDPRWorkerQueue
import Synchronization

/// Finds data subjects by their key or their login, within one tenant, for the front doors that
/// answer at once: whether a customer exists, whether a code is ambiguous, whose password this is.
///
/// It reads and never writes; the erasure itself is always a job. In a tenant-scoped map only the
/// tenant's rows are seen. The subject table's column types are read from the catalog once.
public final class SubjectLookup: Sendable {
    /// A subject row found by email: its key, and the stored hash of its password.
    public struct Login: Sendable {
        public var key: CustomerKey
        public var passwordHash: String?
    }

    private struct Column: Sendable {
        var name: String
        var category: DatabaseCatalog.TypeCategory
    }

    private struct Resolved: Sendable {
        /// Per table searched: its name, key column and tenant column.
        var tables: [(table: String, key: Column, tenant: String?)]
    }

    public let map: DataMap
    private let resolved = Mutex<Resolved?>(nil)

    public init(map: DataMap) {
        self.map = map
    }

    /// Whether the map names its subject table; without one, `count` searches every matched table.
    public var hasSubjectTable: Bool { map.subject != nil }

    /// How many rows hold the key: in the subject table, or, without one, in every table matched by key.
    public func count(key: CustomerKey, tenant: Tenant, on connection: any DatabaseConnection) throws -> Int {
        let dialect = try connection.erasureDialect()
        var total = 0
        for table in try tables(on: connection) {
            guard let condition = Self.equals("t.\(dialect.quote(table.key.name))", table.key.category, key, dialect)
            else { continue }
            var query: SQLQuery = "SELECT count(*) AS n FROM \(sql: dialect.quote(table.table)) AS t WHERE \(condition)"
            if let tenantColumn = table.tenant {
                query.append(" AND \(sql: dialect.text("t.\(dialect.quote(tenantColumn))")) = \(tenant.name)")
            }
            total += try connection.firstRow(query)?.int("n") ?? 0
        }
        return total
    }

    /// The subject rows whose login email is `email` (compared without case), in the tenant.
    public func logins(email: String, tenant: Tenant, on connection: any DatabaseConnection) throws -> [Login] {
        guard let subject = map.subject, let emailColumn = subject.email, let hashColumn = subject.passwordHash else {
            return []
        }
        let dialect = try connection.erasureDialect()
        let scope = map.tables.first { $0.name == subject.table }?.tenant
        var query: SQLQuery = """
            SELECT \(sql: dialect.text("t.\(dialect.quote(subject.key))")) AS key, t.\(sql: dialect.quote(hashColumn)) AS hash
              FROM \(sql: dialect.quote(subject.table)) AS t
             WHERE lower(t.\(sql: dialect.quote(emailColumn))) = lower(\(email))
            """
        if let scope { query.append(" AND \(sql: dialect.text("t.\(dialect.quote(scope))")) = \(tenant.name)") }
        query.append(" LIMIT 2")
        return try connection.rows(query).compactMap { row in
            guard let key = row.optionalString("key"), let customerKey = try? CustomerKey(key) else { return nil }
            return Login(key: customerKey, passwordHash: row.optionalString("hash"))
        }
    }

    /// `expression = key` for a column of the category, or nil when the key cannot be such a
    /// value (text that is no integer, for an integer column), so that no row can match.
    private static func equals(
        _ expression: String, _ category: DatabaseCatalog.TypeCategory, _ key: CustomerKey,
        _ dialect: any ErasureDialect
    ) -> SQLQuery? {
        let forms = KeyCascade.typedForms(key.rawValue)
        switch category {
        case .integer:
            guard let integer = Int(forms[1]) else { return nil }
            return "\(sql: expression) = \(integer)"
        case .uuid where dialect.hasNativeUUID:
            guard !forms[0].isEmpty else { return nil }
            // The dialect's cast around a bound value: split its text where the value goes.
            let cast = dialect.cast("\u{0}", to: .uuid).components(separatedBy: "\u{0}")
            var query: SQLQuery = "\(sql: expression) = \(sql: cast[0])"
            query.append(bind: .text(forms[0]))
            query.append(sql: cast.dropFirst().joined())
            return query
        case .uuid:
            guard !forms[0].isEmpty else { return nil }
            return "\(sql: expression) IN (\(forms[0]), \(forms[0].uppercased()))"
        default:
            return "\(sql: expression) = \(key.rawValue)"
        }
    }

    /// The tables searched, with their key and tenant columns, resolved against the catalog once.
    private func tables(on connection: any DatabaseConnection) throws -> [(table: String, key: Column, tenant: String?)]
    {
        if let cached = resolved.withLock({ $0 }) { return cached.tables }
        let catalog = try connection.erasureDialect().loadCatalog(connection)
        var found: [(String, Column, String?)] = []
        let candidates: [(TableMap, [String])] =
            if let subject = map.subject {
                map.tables.filter { $0.name == subject.table }.map { ($0, [subject.key]) }
            } else {
                map.expandedTables.filter { !$0.match.isEmpty }.map { ($0, $0.match) }
            }
        for (table, keys) in candidates {
            guard let live = catalog.table(table.name) else { continue }
            for key in keys {
                guard let column = live.column(key) else { continue }
                found.append((table.name, Column(name: key, category: column.category), table.tenant))
            }
        }
        resolved.withLock { $0 = Resolved(tables: found) }
        return found
    }
}
