import CLibPQ
import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue

/// A blocking libpq connection with a cache of prepared statements.
///
/// Every statement with arguments goes through `PQprepare`/`PQexecPrepared`, so no value is ever
/// spliced into SQL text. Arguments travel in text format and the server infers their types.
public final class PostgresConnection: DatabaseConnection, @unchecked Sendable {
    public let engine = DatabaseEngine.postgres

    private var handle: OpaquePointer?
    private let password: String?
    private var statements: [String: String] = [:]
    private var nextStatement = 0
    private var broken = false

    /// The number of prepared statements kept per connection; past it the cache starts over.
    public static let statementCacheLimit = 512

    public init(
        parameters: PostgresConnectionParameters, session: PostgresSessionSettings = .idle
    ) throws(DatabaseError) {
        password = parameters["password"]
        var keywords = parameters.keywords + session.clientKeywords(parameters)
        if parameters["application_name"] == nil { keywords.append(("application_name", "gdpr-worker")) }
        let connection = Self.connect(keywords)
        guard PQstatus(connection) == CONNECTION_OK else {
            let error = Self.connectionError(connection, password: password)
            PQfinish(connection)
            throw error
        }
        handle = connection
        try executeScript(
            "SET TimeZone TO 'UTC'; SET DateStyle TO 'ISO'; "
                + session.script(serverVersion: Int(PQserverVersion(connection))))
    }

    deinit {
        close()
    }

    public var isBroken: Bool {
        guard let handle else { return true }
        return broken || PQstatus(handle) != CONNECTION_OK
    }

    public func close() {
        if let handle { PQfinish(handle) }
        handle = nil
        statements.removeAll()
    }

    /// The socket, for waiting on notifications with `poll`.
    var socket: Int32 {
        handle.map { PQsocket($0) } ?? -1
    }

    var rawHandle: OpaquePointer? { handle }

    // MARK: Statements

    @discardableResult
    public func execute(_ sql: String, _ binds: [SQLValue]) throws(DatabaseError) -> Int {
        let result = try run(sql, binds)
        defer { PQclear(result) }
        return Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    public func query(_ sql: String, _ binds: [SQLValue]) throws(DatabaseError) -> [SQLRow] {
        let result = try run(sql, binds)
        defer { PQclear(result) }
        let columns = Self.columnNames(result)
        return (0..<PQntuples(result)).map { row in
            SQLRow(columns: columns, values: (0..<Int32(columns.count)).map { Self.value(result, row, $0) })
        }
    }

    public func stream(_ sql: String, _ binds: [SQLValue], _ body: (SQLRow) throws -> Void) throws {
        let handle = try liveHandle()
        let name = try prepare(sql, handle: handle)
        let sent = Self.withParameters(binds) { values, lengths, formats in
            PQsendQueryPrepared(handle, name, Int32(binds.count), values, lengths, formats, 0)
        }
        guard sent == 1, PQsetSingleRowMode(handle) == 1 else { throw connectionFailure(handle) }
        var columns: [String]?
        var failure: (any Error)?
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            guard failure == nil else { continue }
            switch PQresultStatus(result) {
            case PGRES_SINGLE_TUPLE:
                let names = columns ?? Self.columnNames(result)
                columns = names
                do {
                    try body(SQLRow(columns: names, values: (0..<Int32(names.count)).map { Self.value(result, 0, $0) }))
                } catch {
                    failure = error
                    _ = cancelRunningStatement()
                }
            case PGRES_TUPLES_OK, PGRES_COMMAND_OK:
                break
            default:
                failure = resultError(result)
            }
        }
        if let failure { throw failure }
    }

    public func executeScript(_ sql: String) throws(DatabaseError) {
        let handle = try liveHandle()
        guard let result = PQexec(handle, sql) else { throw connectionFailure(handle) }
        defer { PQclear(result) }
        try check(result)
    }

    public func begin() throws(DatabaseError) {
        try executeScript("BEGIN")
    }

    public func commit() throws(DatabaseError) {
        try executeScript("COMMIT")
    }

    public func rollback() {
        guard let handle, PQstatus(handle) == CONNECTION_OK else { return }
        if let result = PQexec(handle, "ROLLBACK") { PQclear(result) }
    }

    /// PostgreSQL plans a prepared statement again for each execution while a custom plan looks
    /// cheaper; for the status view that planning costs several times the query (0.6-1.4 ms
    /// against 0.1-0.2 ms). A generic plan is planned once per connection.
    public func reusePlans() throws(DatabaseError) {
        try executeScript("SET plan_cache_mode = force_generic_plan")
    }

    public func interrupt() {
        _ = cancelRunningStatement()
    }

    // MARK: Notifications

    /// Reads pending input and returns the number of notifications received, freeing them.
    func drainNotifications() throws(DatabaseError) -> Int {
        let handle = try liveHandle()
        guard PQconsumeInput(handle) == 1 else { throw connectionFailure(handle) }
        var count = 0
        while let notification = PQnotifies(handle) {
            PQfreemem(notification)
            count += 1
        }
        return count
    }

    // MARK: Internals

    private static func connect(_ keywords: [(String, String)]) -> OpaquePointer? {
        var keywordPointers = keywords.map { strdup($0.0) } + [nil]
        var valuePointers = keywords.map { strdup($0.1) } + [nil]
        defer {
            keywordPointers.forEach { free($0) }
            valuePointers.forEach { free($0) }
        }
        return keywordPointers.withUnsafeMutableBufferPointer { keywordBuffer in
            valuePointers.withUnsafeMutableBufferPointer { valueBuffer in
                keywordBuffer.baseAddress!.withMemoryRebound(
                    to: UnsafePointer<CChar>?.self, capacity: keywordBuffer.count
                ) { keys in
                    valueBuffer.baseAddress!.withMemoryRebound(
                        to: UnsafePointer<CChar>?.self, capacity: valueBuffer.count
                    ) { values in
                        PQconnectdbParams(keys, values, 0)
                    }
                }
            }
        }
    }

    private func liveHandle() throws(DatabaseError) -> OpaquePointer {
        guard let handle else { throw DatabaseError(.connectionLost, "the PostgreSQL connection is closed") }
        return handle
    }

    private func run(_ sql: String, _ binds: [SQLValue]) throws(DatabaseError) -> OpaquePointer {
        let handle = try liveHandle()
        let name = try prepare(sql, handle: handle)
        let result = Self.withParameters(binds) { values, lengths, formats in
            PQexecPrepared(handle, name, Int32(binds.count), values, lengths, formats, 0)
        }
        guard let result else { throw connectionFailure(handle) }
        do {
            try check(result)
        } catch {
            PQclear(result)
            if error.sqlState == "26000" { statements.removeValue(forKey: sql) }
            throw error
        }
        return result
    }

    private func prepare(_ sql: String, handle: OpaquePointer) throws(DatabaseError) -> String {
        if let name = statements[sql] { return name }
        if statements.count >= Self.statementCacheLimit {
            try executeScript("DEALLOCATE ALL")
            statements.removeAll()
        }
        nextStatement += 1
        let name = "gw\(nextStatement)"
        guard let result = PQprepare(handle, name, sql, 0, nil) else { throw connectionFailure(handle) }
        defer { PQclear(result) }
        try check(result)
        statements[sql] = name
        return name
    }

    private func check(_ result: OpaquePointer) throws(DatabaseError) {
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE, PGRES_EMPTY_QUERY:
            return
        default:
            throw resultError(result)
        }
    }

    private func cancelRunningStatement() -> Bool {
        guard let handle, let cancel = PQgetCancel(handle) else { return false }
        defer { PQfreeCancel(cancel) }
        var buffer = [CChar](repeating: 0, count: 256)
        return PQcancel(cancel, &buffer, Int32(buffer.count)) == 1
    }

    private func connectionFailure(_ handle: OpaquePointer) -> DatabaseError {
        broken = PQstatus(handle) != CONNECTION_OK
        let message = Self.sanitized(String(cString: PQerrorMessage(handle)), password: password)
        return DatabaseError(broken ? .connectionLost : .queryFailed, "PostgreSQL: \(message)")
    }

    private func resultError(_ result: OpaquePointer) -> DatabaseError {
        if let handle, PQstatus(handle) != CONNECTION_OK {
            broken = true
            // The error text may carry the failed statement's values; only its SQLSTATE is kept.
            let fields = PostgresErrorFields(result)
            return DatabaseError(
                .connectionLost,
                "PostgreSQL connection lost (\(fields.sqlState): \(PostgresErrorFields.sentence(for: fields.sqlState)))"
            )
        }
        return PostgresErrorFields(result).error()
    }

    private static func connectionError(_ connection: OpaquePointer?, password: String?) -> DatabaseError {
        let raw = connection.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
        let message = sanitized(raw, password: password)
        let code: DatabaseError.Code =
            raw.contains("password authentication failed") || raw.contains("no password supplied")
                || raw.contains("authentication failed") ? .authenticationFailed : .connectionFailed
        return DatabaseError(code, "cannot connect to PostgreSQL: \(message)")
    }

    /// One line, with the password removed should a server ever echo it.
    static func sanitized(_ message: String, password: String?) -> String {
        var text = message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: "; ")
        if let password, !password.isEmpty { text = text.replacingOccurrences(of: password, with: "***") }
        return text
    }

    private static func withParameters<Result>(
        _ binds: [SQLValue],
        _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> Result
    ) -> Result {
        if binds.isEmpty { return body(nil, nil, nil) }
        let encoded = binds.map(PostgresValueCodec.encode)
        var pointers: [UnsafeMutablePointer<CChar>?] = encoded.map { $0.map { strdup($0) } ?? nil }
        defer { pointers.forEach { free($0) } }
        return pointers.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) { values in
                body(values, nil, nil)
            }
        }
    }

    private static func columnNames(_ result: OpaquePointer) -> [String] {
        (0..<PQnfields(result)).map { String(cString: PQfname(result, $0)) }
    }

    private static func value(_ result: OpaquePointer, _ row: Int32, _ column: Int32) -> SQLValue {
        if PQgetisnull(result, row, column) == 1 { return .null }
        let text = String(cString: PQgetvalue(result, row, column))
        return PostgresValueCodec.decode(text, type: PQftype(result, column))
    }
}
