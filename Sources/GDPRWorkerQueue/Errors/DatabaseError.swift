/// A failure of the database or of the connection to it.
///
/// Descriptions carry the SQLSTATE and the names of schema objects, never statement arguments,
/// row values or passwords: a driver builds them from the fields of an error that are safe to show.
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    /// A stable, machine-readable reason.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The server could not be reached or refused the connection.
        public static let connectionFailed = Code(rawValue: "connection_failed")
        /// The server rejected the credentials.
        public static let authenticationFailed = Code(rawValue: "authentication_failed")
        /// An open connection broke, for example because the server restarted.
        public static let connectionLost = Code(rawValue: "connection_lost")
        /// The database was busy or locked for longer than the configured timeout.
        public static let busy = Code(rawValue: "database_busy")
        /// A statement failed on the server.
        public static let queryFailed = Code(rawValue: "query_failed")
        /// A row broke a constraint: a check, a unique key or a foreign key.
        public static let constraintViolation = Code(rawValue: "constraint_violation")
        /// The server aborted the transaction to resolve a conflict; running it again may succeed.
        public static let conflict = Code(rawValue: "transaction_conflict")
        /// The statement was cancelled: by a shutdown that ran out of time, or by a statement timeout.
        public static let cancelled = Code(rawValue: "cancelled")
        /// Something the database depends on failed while the connection itself works: a link the
        /// server opened (postgres_fdw, dblink), or the storage under an embedded database.
        public static let externalFailure = Code(rawValue: "external_failure")
        /// A result did not have the shape the caller expected.
        public static let unexpectedResult = Code(rawValue: "unexpected_result")
        /// The driver lacks a capability the caller needs, such as erasure statements.
        public static let unsupported = Code(rawValue: "unsupported")
        /// The schema is missing or older than this binary expects.
        public static let schemaMissing = Code(rawValue: "schema_missing")
    }

    public let code: Code
    public let message: String
    /// The SQLSTATE (PostgreSQL) or extended result code (SQLite), when the server gave one.
    public let sqlState: String?

    public init(_ code: Code, _ message: String, sqlState: String? = nil) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
    }

    /// Whether the same work may succeed if tried again later.
    public var isTransient: Bool {
        switch code {
        case .connectionFailed, .connectionLost, .busy, .conflict, .cancelled, .externalFailure: true
        default: false
        }
    }

    /// Whether the connection that raised this error can no longer be used.
    public var isConnectionBroken: Bool {
        code == .connectionFailed || code == .connectionLost
    }

    public var description: String { message }
}
