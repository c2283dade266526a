import Foundation

/// A statement whose values are written where they are used and bound, never spliced:
///
///     let query: SQLQuery = "UPDATE gdpr_jobs SET last_error = \(reason) WHERE jid = \(jid) AND locked_by = \(worker)"
///
/// in the manner of postgres-nio's `PostgresQuery`, so no statement depends on counting to `$22`
/// or on a value's position in an array. Each interpolated value is a parameter of its own; the
/// placeholders (`$n` or `?n`) are written when a connection runs the query in its dialect.
/// Fixed SQL (a fragment of this program, a quoted identifier) goes in with `\(sql:)`, and another
/// query with its own values with `\(fragment)`.
public struct SQLQuery: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    enum Segment: Sendable {
        case sql(String)
        case parameter(Int)
    }

    private(set) var segments: [Segment] = []
    /// The values, in the order of their parameter numbers.
    public private(set) var binds: [SQLValue] = []

    public init(stringLiteral value: String) {
        segments = [.sql(value)]
    }

    public init(stringInterpolation: StringInterpolation) {
        segments = stringInterpolation.query.segments
        binds = stringInterpolation.query.binds
    }

    init() {}

    /// The text with the dialect's placeholders.
    public func sql(placeholder: (Int) -> String) -> String {
        var text = ""
        for segment in segments {
            switch segment {
            case .sql(let sql): text += sql
            case .parameter(let index): text += placeholder(index)
            }
        }
        return text
    }

    /// The text with `$n` placeholders, for messages and tests; values are never shown.
    public var description: String { sql { "$\($0)" } }

    /// Appends SQL text of this program.
    public mutating func append(sql: String) {
        segments.append(.sql(sql))
    }

    /// Appends a value as a new parameter.
    public mutating func append(bind value: SQLValue) {
        binds.append(value)
        segments.append(.parameter(binds.count))
    }

    /// Appends another query, renumbering its parameters after this one's.
    public mutating func append(_ other: SQLQuery) {
        let offset = binds.count
        binds.append(contentsOf: other.binds)
        for segment in other.segments {
            switch segment {
            case .sql: segments.append(segment)
            case .parameter(let index): segments.append(.parameter(index + offset))
            }
        }
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var query = SQLQuery()

        public init(literalCapacity: Int, interpolationCount: Int) {}

        public mutating func appendLiteral(_ literal: String) {
            query.append(sql: literal)
        }

        public mutating func appendInterpolation(_ value: SQLValue) {
            query.append(bind: value)
        }

        public mutating func appendInterpolation(_ value: String) {
            query.append(bind: .text(value))
        }

        public mutating func appendInterpolation(_ value: String?) {
            query.append(bind: .optional(value))
        }

        public mutating func appendInterpolation(_ value: Int) {
            query.append(bind: .int(value))
        }

        public mutating func appendInterpolation(_ value: Bool) {
            query.append(bind: .bool(value))
        }

        public mutating func appendInterpolation(_ value: Double) {
            query.append(bind: .double(value))
        }

        public mutating func appendInterpolation(_ value: Date?) {
            query.append(bind: .optional(value))
        }

        public mutating func appendInterpolation(_ value: [String]) {
            query.append(bind: .textArray(value))
        }

        /// Fixed SQL of this program: a fragment or an identifier the catalog validated and quoted.
        public mutating func appendInterpolation(sql: String) {
            query.append(sql: sql)
        }

        /// Another query, values and all.
        public mutating func appendInterpolation(_ fragment: SQLQuery) {
            query.append(fragment)
        }
    }
}

/// Names of their own, not overloads of `execute(_:_:)`: a literal passed where a `String` is also
/// accepted would become a `String`, and its interpolated values would be spliced into the text.
extension DatabaseConnection {
    /// Runs one statement and returns the number of rows it inserted, updated or deleted.
    @discardableResult
    public func run(_ query: SQLQuery) throws(DatabaseError) -> Int {
        try execute(query.sql(placeholder: dialect.placeholder), query.binds)
    }

    /// Runs a query and returns its rows.
    public func rows(_ query: SQLQuery) throws(DatabaseError) -> [SQLRow] {
        try self.query(query.sql(placeholder: dialect.placeholder), query.binds)
    }

    /// The first row of a query, or nil when it returned none.
    public func firstRow(_ query: SQLQuery) throws(DatabaseError) -> SQLRow? {
        try rows(query).first
    }
}
