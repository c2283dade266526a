/// One blocking connection to the database, used by one thread at a time.
///
/// libpq and libsqlite3 block the calling thread, so connections live on Dispatch threads of their
/// own (a worker, or the bridge the HTTP server uses), never on Swift's cooperative pool.
public protocol DatabaseConnection: AnyObject {
    var engine: DatabaseEngine { get }

    /// The engine's SQL dialect, for statements built from the data map.
    var dialect: any SQLDialect { get }

    /// Runs one statement and returns the number of rows it inserted, updated or deleted.
    @discardableResult
    func execute(_ sql: String, _ binds: [SQLValue]) throws(DatabaseError) -> Int

    /// Runs a query and returns its rows. For results that may be large, use `stream`.
    func query(_ sql: String, _ binds: [SQLValue]) throws(DatabaseError) -> [SQLRow]

    /// Runs a query and hands over its rows one at a time, so memory stays bounded whatever the size.
    func stream(_ sql: String, _ binds: [SQLValue], _ body: (SQLRow) throws -> Void) throws

    /// Runs several statements without arguments, such as a migration file.
    func executeScript(_ sql: String) throws(DatabaseError)

    /// Opens a transaction that takes the write lock up front where the engine has one.
    func begin() throws(DatabaseError)
    func commit() throws(DatabaseError)
    func rollback()

    /// Between two transactions of one long job: gives the writers waiting for an engine's single
    /// write lock a turn, so that a job committing chunk after chunk does not starve enqueues.
    func yieldWriteLock()

    /// For a connection that only runs a few short statements many times over, such as status
    /// reads: plan each prepared statement once and reuse the plan, instead of planning it again
    /// for every set of values. Engines that always reuse plans have nothing to do.
    func reusePlans() throws(DatabaseError)

    /// Whether the connection broke and must be replaced.
    var isBroken: Bool { get }

    /// Asks a statement running on another thread to stop; it then fails with an error.
    func interrupt()

    func close()
}

extension DatabaseConnection {
    /// Engines whose writers do not exclude each other have nothing to yield.
    public func yieldWriteLock() {}

    /// Engines that always reuse a prepared statement's plan have nothing to do.
    public func reusePlans() throws(DatabaseError) {}

    @discardableResult
    public func execute(_ sql: String, _ binds: SQLValue...) throws(DatabaseError) -> Int {
        try execute(sql, binds)
    }

    public func query(_ sql: String, _ binds: SQLValue...) throws(DatabaseError) -> [SQLRow] {
        try query(sql, binds)
    }

    /// The first row of a query, or nil when it returned none.
    public func queryFirst(_ sql: String, _ binds: [SQLValue] = []) throws(DatabaseError) -> SQLRow? {
        try query(sql, binds).first
    }

    /// Runs `body` in a transaction: committed if it returns, rolled back if it throws.
    public func transaction<Result>(_ body: () throws -> Result) throws -> Result {
        try begin()
        do {
            let result = try body()
            try commit()
            return result
        } catch {
            rollback()
            throw error
        }
    }

    /// Runs `body` under a savepoint: inside a transaction it nests, outside it is a transaction of
    /// its own. Rolled back to the savepoint if `body` throws.
    public func savepoint<Result>(_ name: String, _ body: () throws -> Result) throws -> Result {
        try executeScript("SAVEPOINT \(name)")
        do {
            let result = try body()
            try executeScript("RELEASE SAVEPOINT \(name)")
            return result
        } catch {
            try? executeScript("ROLLBACK TO SAVEPOINT \(name); RELEASE SAVEPOINT \(name)")
            throw error
        }
    }
}
