import CLibPQ
import GDPRWorkerCore

/// The fields of a PostgreSQL error that are safe to show.
///
/// The DETAIL field is never read: it carries row values ("Key (email)=(…) already exists").
/// The primary message is kept except for data exceptions (SQLSTATE class 22) and errors raised by
/// user code (P0001), whose messages routinely quote the offending value.
struct PostgresErrorFields {
    var sqlState: String
    var primary: String
    var table: String?
    var column: String?
    var constraint: String?

    init(_ result: OpaquePointer) {
        func field(_ code: Character) -> String? {
            guard let pointer = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: pointer)
        }
        sqlState = field("C") ?? "XX000"
        primary = field("M") ?? "unknown error"
        table = field("t")
        column = field("c")
        constraint = field("n")
    }

    func error(password: String?) -> DatabaseError {
        let safePrimary: String
        if sqlState.hasPrefix("22") {
            safePrimary = "a value does not fit its column type or range"
        } else if sqlState == "P0001" {
            safePrimary = "a trigger or function raised an exception"
        } else {
            safePrimary = PostgresConnection.sanitized(primary, password: password)
        }
        var message = "PostgreSQL \(sqlState): \(safePrimary)"
        var context: [String] = []
        if let table { context.append("table \(table)") }
        if let column { context.append("column \(column)") }
        if let constraint, !safePrimary.contains(constraint) { context.append("constraint \(constraint)") }
        if !context.isEmpty { message += " (\(context.joined(separator: ", ")))" }
        return DatabaseError(code, message, sqlState: sqlState)
    }

    var code: DatabaseError.Code {
        switch sqlState {
        case "40001", "40P01": .conflict
        case "55P03": .busy
        case "57014": .cancelled
        case "28000", "28P01": .authenticationFailed
        case "57P01", "57P02", "57P03": .connectionLost
        case "42P01" where primary.contains("gdpr_"): .schemaMissing
        default:
            if sqlState.hasPrefix("23") { .constraintViolation }
            else if sqlState.hasPrefix("08") { .connectionLost }
            else { .queryFailed }
        }
    }
}
