import CLibPQ
import GDPRWorkerErasure
import GDPRWorkerQueue

/// The fields of a PostgreSQL error that are safe to show.
///
/// The server's free text is never kept: the primary message, DETAIL and HINT routinely quote row
/// values ("Key (email)=(…) already exists"), and a trigger may raise any SQLSTATE with any text
/// (`RAISE … USING ERRCODE = '23514', MESSAGE = OLD.email`). A message is built instead from an
/// allow-list: a fixed sentence per SQLSTATE or class, plus the names of the schema objects the
/// server reports (table, column, constraint), which are not data.
struct PostgresErrorFields {
    var sqlState: String
    var table: String?
    var column: String?
    var constraint: String?
    /// Whether the server's own text names a missing gdpr_ table: read, never kept.
    var namesQueueTable: Bool

    init(_ result: OpaquePointer) {
        func field(_ code: Character) -> String? {
            guard let pointer = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: pointer)
        }
        sqlState = field("C") ?? "XX000"
        table = field("t")
        column = field("c")
        constraint = field("n")
        namesQueueTable = sqlState == "42P01" && (field("M") ?? "").contains("\"gdpr_")
    }

    func error() -> DatabaseError {
        var message = "PostgreSQL \(sqlState): \(Self.sentence(for: sqlState))"
        var context: [String] = []
        if let table { context.append("table \(table)") }
        if let column { context.append("column \(column)") }
        if let constraint { context.append("constraint \(constraint)") }
        if !context.isEmpty { message += " (\(context.joined(separator: ", ")))" }
        return DatabaseError(code, message, sqlState: sqlState)
    }

    /// The fixed sentence for a SQLSTATE: by exact code where the code says more than its class.
    static func sentence(for sqlState: String) -> String {
        if let exact = exact[sqlState] { return exact }
        return classes[String(sqlState.prefix(2))] ?? "the server reported an error"
    }

    private static let exact: [String: String] = [
        "23502": "a NOT NULL column would be NULL",
        "23503": "a foreign key would be broken",
        "23505": "a row would duplicate a unique key",
        "23514": "a row would break a CHECK constraint",
        "23P01": "a row would break an exclusion constraint",
        "25P02": "the transaction was already aborted by an earlier error",
        "40001": "could not serialize access due to concurrent update",
        "40P01": "deadlock detected",
        "42501": "permission denied",
        "42601": "syntax error",
        "42703": "a column does not exist",
        "42704": "an object does not exist",
        "42804": "a value has the wrong type for its column",
        "42883": "an operator or function does not exist for these argument types",
        "42P01": "a table does not exist",
        "53100": "the server's disk is full",
        "53200": "the server is out of memory",
        "53300": "too many connections",
        "55P03": "a lock could not be acquired within lock_timeout",
        "57014": "the statement was cancelled (statement_timeout, or a shutdown out of time)",
        "57P01": "the server is shutting down",
        "57P02": "the server is crashing",
        "57P03": "the server is starting up",
        "P0001": "a trigger or function raised an exception",
    ]

    private static let classes: [String: String] = [
        "08": "a connection the server itself opened failed (postgres_fdw, dblink)",
        "0A": "a feature is not supported",
        "21": "a cardinality violation",
        "22": "a value does not fit its column type or range",
        "23": "a row would break an integrity constraint",
        "25": "invalid transaction state",
        "28": "authentication failed",
        "2B": "a dependent object still exists",
        "38": "an external routine failed",
        "39": "an external routine invocation failed",
        "40": "the transaction was rolled back",
        "42": "the statement does not fit the schema or permissions",
        "44": "a row would break a view's WITH CHECK OPTION",
        "53": "the server ran out of a resource",
        "54": "a program limit was exceeded",
        "55": "an object is not in the required state",
        "57": "the operator intervened",
        "58": "a system error on the server",
        "F0": "a configuration file error",
        "HV": "a foreign data wrapper failed",
        "P0": "a trigger or function raised an exception",
        "XX": "an internal error on the server",
    ]

    var code: DatabaseError.Code {
        switch sqlState {
        case "40001", "40P01": .conflict
        case "55P03": .busy
        case "57014": .cancelled
        case "28000", "28P01": .authenticationFailed
        case "57P01", "57P02", "57P03": .connectionLost
        case "42P01" where namesQueueTable: .schemaMissing
        default:
            if sqlState.hasPrefix("23") {
                .constraintViolation
            }
            // The server reported it on a connection that still works: a link of its own failed.
            else if sqlState.hasPrefix("08") || sqlState.hasPrefix("HV") {
                .externalFailure
            } else {
                .queryFailed
            }
        }
    }
}
