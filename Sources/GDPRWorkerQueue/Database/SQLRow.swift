import Foundation

/// One result row, with typed accessors that fail with `DatabaseError.unexpectedResult`.
public struct SQLRow: Sendable {
    public let columns: [String]
    public let values: [SQLValue]

    public init(columns: [String], values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    public subscript(_ column: String) -> SQLValue {
        guard let index = columns.firstIndex(of: column) else { return .null }
        return values[index]
    }

    public func isNull(_ column: String) -> Bool {
        if case .null = self[column] { return true }
        return false
    }

    public func string(_ column: String) throws(DatabaseError) -> String {
        guard let value = optionalString(column) else { throw Self.mismatch(column, "text") }
        return value
    }

    public func optionalString(_ column: String) -> String? {
        switch self[column] {
        case .text(let text): text
        case .int(let value): String(value)
        case .double(let value): String(value)
        case .bool(let value): value ? "true" : "false"
        case .timestamp(let date): Timestamp.format(date, fractionDigits: 6)
        default: nil
        }
    }

    public func int(_ column: String) throws(DatabaseError) -> Int {
        guard let value = optionalInt(column) else { throw Self.mismatch(column, "integer") }
        return value
    }

    public func optionalInt(_ column: String) -> Int? {
        switch self[column] {
        case .int(let value): Int(value)
        case .double(let value): Int(exactly: value)
        case .bool(let value): value ? 1 : 0
        case .text(let text): Int(text)
        default: nil
        }
    }

    public func optionalDouble(_ column: String) -> Double? {
        switch self[column] {
        case .double(let value): value
        case .int(let value): Double(value)
        case .text(let text): Double(text)
        default: nil
        }
    }

    public func date(_ column: String) throws(DatabaseError) -> Date {
        guard let value = optionalDate(column) else { throw Self.mismatch(column, "timestamp") }
        return value
    }

    public func optionalDate(_ column: String) -> Date? {
        switch self[column] {
        case .timestamp(let date): date
        case .text(let text): Timestamp.parse(text)
        default: nil
        }
    }

    public func bool(_ column: String) throws(DatabaseError) -> Bool {
        switch self[column] {
        case .bool(let value): return value
        case .int(let value): return value != 0
        case .text(let text) where text == "t" || text == "true": return true
        case .text(let text) where text == "f" || text == "false": return false
        default: throw Self.mismatch(column, "boolean")
        }
    }

    private static func mismatch(_ column: String, _ type: String) -> DatabaseError {
        DatabaseError(.unexpectedResult, "column \(column) is missing or not a \(type)")
    }
}

extension SQLRow {
    /// A jid column, which the database printed itself and so must parse.
    public func jobID(_ column: String = "jid") throws(DatabaseError) -> JobID {
        do {
            return try JobID(parsing: string(column))
        } catch {
            throw DatabaseError(.unexpectedResult, "the database returned a malformed jid")
        }
    }
}

extension Optional where Wrapped == SQLRow {
    /// The row a statement had to return, such as the `RETURNING jid` of an insert.
    public func required(_ what: String) throws(DatabaseError) -> SQLRow {
        guard let row = self else { throw DatabaseError(.unexpectedResult, "the statement returned no \(what)") }
        return row
    }
}
