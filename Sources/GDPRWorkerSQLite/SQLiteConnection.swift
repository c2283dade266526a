import CSQLite
import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue

/// A blocking libsqlite3 connection in WAL mode with a cache of prepared statements.
///
/// WAL lets readers (the status endpoint) run while one writer works. Transactions begin
/// IMMEDIATE, taking the write lock up front, so two writers never deadlock upgrading a read lock.
public final class SQLiteConnection: DatabaseConnection, @unchecked Sendable {
    /// How a connection waits for the write lock before giving up with `DatabaseError.busy`.
    public struct Configuration: Sendable {
        public var busyTimeout: Duration

        public init(busyTimeout: Duration = .seconds(10)) {
            self.busyTimeout = busyTimeout
        }
    }

    public let engine = DatabaseEngine.sqlite
    public let path: String

    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]

    /// The busy handler: called with the number of retries so far, each after a 1 ms sleep, it
    /// gives up once that reaches the timeout in milliseconds, passed as the context pointer.
    private static let retryEveryMillisecond: @convention(c) (UnsafeMutableRawPointer?, Int32) -> Int32 = {
        context, retries in
        guard Int(retries) < Int(bitPattern: context) else { return 0 }
        usleep(1000)
        return 1
    }

    /// Leaves the write lock free for a few milliseconds, long enough for a waiting writer's next
    /// retry (see `retryEveryMillisecond`).
    public func yieldWriteLock() {
        usleep(5000)
    }

    /// SQLite's marker for "copy this buffer now", which the C macro SQLITE_TRANSIENT spells as -1.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    public init(path: String, configuration: Configuration = .init()) throws(DatabaseError) {
        self.path = path
        var connection: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &connection, flags, nil)
        guard status == SQLITE_OK, let connection else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(connection)
            throw DatabaseError(.connectionFailed, "cannot open SQLite database \(path): \(message)")
        }
        handle = connection
        sqlite3_extended_result_codes(connection, 1)
        // A waiting writer retries every millisecond, rather than SQLite's default backoff of up
        // to 100 ms, so it takes the lock in the short gap a long job leaves between chunks.
        sqlite3_busy_handler(
            connection, Self.retryEveryMillisecond,
            UnsafeMutableRawPointer(bitPattern: Int(configuration.busyTimeout.seconds * 1000)))
        do {
            _ = try query("PRAGMA journal_mode = WAL", [])
            // Temporary tables (a large job's chunk lists) live in a file behind a 2 MiB cache, so
            // memory stays bounded whatever the customer's size (in memory, 1M rows took 190 MB);
            // the main database keeps an 8 MiB page cache.
            try executeScript(
                "PRAGMA foreign_keys = ON; PRAGMA temp_store = FILE; PRAGMA cache_size = -8192; PRAGMA temp.cache_size = -2000"
            )
        } catch {
            close()
            throw DatabaseError(.connectionFailed, "cannot use SQLite database \(path): \(error.message)")
        }
    }

    deinit {
        close()
    }

    public var isBroken: Bool { handle == nil }

    public func close() {
        for statement in statements.values { sqlite3_finalize(statement) }
        statements.removeAll()
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    public func interrupt() {
        if let handle { sqlite3_interrupt(handle) }
    }

    @discardableResult
    public func execute(_ sql: String, _ binds: [SQLValue]) throws(DatabaseError) -> Int {
        let (handle, statement) = try prepared(sql, binds)
        defer { sqlite3_reset(statement) }
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { break }
            guard status == SQLITE_ROW else { throw error(status, handle) }
        }
        return Int(sqlite3_changes64(handle))
    }

    public func query(_ sql: String, _ binds: [SQLValue]) throws(DatabaseError) -> [SQLRow] {
        var rows: [SQLRow] = []
        let (handle, statement) = try prepared(sql, binds)
        defer { sqlite3_reset(statement) }
        let columns = Self.columnNames(statement)
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { break }
            guard status == SQLITE_ROW else { throw error(status, handle) }
            rows.append(SQLRow(columns: columns, values: Self.values(statement, count: columns.count)))
        }
        return rows
    }

    public func stream(_ sql: String, _ binds: [SQLValue], _ body: (SQLRow) throws -> Void) throws {
        let (handle, statement) = try prepared(sql, binds)
        defer { sqlite3_reset(statement) }
        let columns = Self.columnNames(statement)
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { break }
            guard status == SQLITE_ROW else { throw error(status, handle) }
            try body(SQLRow(columns: columns, values: Self.values(statement, count: columns.count)))
        }
    }

    public func executeScript(_ sql: String) throws(DatabaseError) {
        guard let handle else { throw DatabaseError(.connectionLost, "the SQLite connection is closed") }
        let status = sqlite3_exec(handle, sql, nil, nil, nil)
        guard status == SQLITE_OK else { throw error(status, handle) }
    }

    public func begin() throws(DatabaseError) {
        try executeScript("BEGIN IMMEDIATE")
    }

    public func commit() throws(DatabaseError) {
        try executeScript("COMMIT")
    }

    public func rollback() {
        guard let handle, sqlite3_get_autocommit(handle) == 0 else { return }
        sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
    }

    // MARK: Internals

    private func prepared(_ sql: String, _ binds: [SQLValue]) throws(DatabaseError) -> (OpaquePointer, OpaquePointer) {
        guard let handle else { throw DatabaseError(.connectionLost, "the SQLite connection is closed") }
        let statement: OpaquePointer
        if let cached = statements[sql] {
            statement = cached
        } else {
            var fresh: OpaquePointer?
            let status = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &fresh, nil)
            guard status == SQLITE_OK, let fresh else { throw error(status, handle) }
            statements[sql] = fresh
            statement = fresh
        }
        sqlite3_clear_bindings(statement)
        // Values past the statement's last placeholder are not bound: statements of one batch
        // share a list of values and each uses the ones it needs.
        for (offset, value) in binds.prefix(Int(sqlite3_bind_parameter_count(statement))).enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value {
            case .null: status = sqlite3_bind_null(statement, index)
            case .int(let value): status = sqlite3_bind_int64(statement, index, value)
            case .double(let value): status = sqlite3_bind_double(statement, index, value)
            case .bool(let value): status = sqlite3_bind_int64(statement, index, value ? 1 : 0)
            case .text(let text): status = Self.bind(text, to: statement, at: index)
            case .timestamp(let date): status = Self.bind(Timestamp.format(date), to: statement, at: index)
            case .textArray(let texts): status = Self.bind(Self.jsonArray(texts), to: statement, at: index)
            case .bytes(let bytes):
                status = bytes.withUnsafeBytes {
                    sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), Self.transient)
                }
            }
            guard status == SQLITE_OK else { throw error(status, handle) }
        }
        return (handle, statement)
    }

    /// Binds text by its UTF-8 length, so a value holding a NUL character is stored whole rather
    /// than cut at the NUL, and without the copy a C string conversion can make.
    private static func bind(_ text: String, to statement: OpaquePointer, at index: Int32) -> Int32 {
        var text = text
        return text.withUTF8 { utf8 in
            guard let base = utf8.baseAddress else { return sqlite3_bind_text(statement, index, "", 0, transient) }
            return base.withMemoryRebound(to: CChar.self, capacity: utf8.count) {
                sqlite3_bind_text(statement, index, $0, Int32(utf8.count), transient)
            }
        }
    }

    private static func columnNames(_ statement: OpaquePointer) -> [String] {
        (0..<sqlite3_column_count(statement)).map { String(cString: sqlite3_column_name(statement, $0)) }
    }

    private static func values(_ statement: OpaquePointer, count: Int) -> [SQLValue] {
        (0..<Int32(count)).map { column in
            switch sqlite3_column_type(statement, column) {
            case SQLITE_INTEGER: .int(sqlite3_column_int64(statement, column))
            case SQLITE_FLOAT: .double(sqlite3_column_double(statement, column))
            case SQLITE_TEXT:
                .text(
                    String(
                        decoding: UnsafeBufferPointer(
                            start: sqlite3_column_text(statement, column),
                            count: Int(sqlite3_column_bytes(statement, column))), as: UTF8.self))
            case SQLITE_BLOB:
                .bytes(
                    Array(
                        UnsafeRawBufferPointer(
                            start: sqlite3_column_blob(statement, column),
                            count: Int(sqlite3_column_bytes(statement, column)))))
            default: .null
            }
        }
    }

    static func jsonArray(_ texts: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(texts)) ?? Data("[]".utf8), as: UTF8.self)
    }

    private func error(_ status: Int32, _ handle: OpaquePointer) -> DatabaseError {
        let message = String(cString: sqlite3_errmsg(handle))
        let code: DatabaseError.Code
        switch status & 0xff {
        case SQLITE_BUSY, SQLITE_LOCKED: code = .busy
        case SQLITE_INTERRUPT: code = .cancelled
        case SQLITE_CONSTRAINT: code = .constraintViolation
        case SQLITE_CANTOPEN, SQLITE_NOTADB, SQLITE_CORRUPT, SQLITE_IOERR, SQLITE_FULL: code = .externalFailure
        case SQLITE_ERROR where message.hasPrefix("no such table: gdpr_"): code = .schemaMissing
        default: code = .queryFailed
        }
        return DatabaseError(
            code, "SQLite: \(Self.safeMessage(message, status: status)) (code \(status))", sqlState: String(status))
    }

    /// SQLite's own text where its shape names only schema objects; otherwise SQLite's fixed
    /// description of the result code. A trigger's `RAISE(ABORT, 'text')` and a function's
    /// error carry free text, which may quote the row (`RAISE(ABORT, OLD.email)`), so no other
    /// message is kept.
    static func safeMessage(_ message: String, status: Int32) -> String {
        // SQLITE_CONSTRAINT with CHECK, FOREIGNKEY, NOTNULL, PRIMARYKEY, UNIQUE and DATATYPE: their
        // macros are expressions, which Swift does not import.
        let namesOnly: Set<Int32> = [
            SQLITE_CONSTRAINT | 1 << 8, SQLITE_CONSTRAINT | 3 << 8, SQLITE_CONSTRAINT | 5 << 8,
            SQLITE_CONSTRAINT | 6 << 8, SQLITE_CONSTRAINT | 8 << 8, SQLITE_CONSTRAINT | 12 << 8,
        ]
        let schemaPrefixes = ["no such table: ", "no such column: ", "table ", "cannot store ", "near \""]
        if namesOnly.contains(status) { return message }
        if status == SQLITE_ERROR, schemaPrefixes.contains(where: message.hasPrefix), !message.contains("'") {
            return message
        }
        return String(cString: sqlite3_errstr(status))
    }
}
