import Foundation

/// The SQL spelling every statement needs and the engines write differently: quoted identifiers,
/// placeholders, concatenation. The erasure engine's larger share is `ErasureDialect`.
///
/// Everything returned is SQL text built from identifiers the caller has validated and from
/// constants of this program; values always travel as bound parameters.
public protocol SQLDialect: Sendable {
    var engine: DatabaseEngine { get }

    /// An identifier in double quotes, embedded quotes doubled.
    func quote(_ identifier: String) -> String

    /// The n-th bound parameter, counting from 1: `$n` or `?n`.
    func placeholder(_ index: Int) -> String

    /// Text expressions joined end to end. The default is the standard `a || b`; an engine that
    /// reads `||` as OR (MySQL by default) spells `CONCAT(a, b)`.
    func concatenate(_ parts: [String]) -> String

    /// An expression as text, for comparing any column with a text pattern or value.
    func text(_ expression: String) -> String
}

extension SQLDialect {
    public func concatenate(_ parts: [String]) -> String {
        "(" + parts.joined(separator: " || ") + ")"
    }

    public func text(_ expression: String) -> String {
        "CAST(\(expression) AS text)"
    }

    public func quote(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
