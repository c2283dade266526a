import Foundation

/// A statement argument or a result cell. Arguments are always bound, never spliced into SQL text.
public enum SQLValue: Sendable, Hashable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case bytes([UInt8])
    case bool(Bool)
    /// An instant, bound in the engine's own timestamp form.
    case timestamp(Date)
    /// A list of texts: a `text[]` on PostgreSQL, a JSON array on SQLite (read with `json_each`).
    case textArray([String])

    public static func int(_ value: Int) -> SQLValue { .int(Int64(value)) }

    public static func optional(_ value: String?) -> SQLValue { value.map(SQLValue.text) ?? .null }
    public static func optional(_ value: Date?) -> SQLValue { value.map(SQLValue.timestamp) ?? .null }
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(nilLiteral: ()) { self = .null }
}
