import GDPRWorkerErasure
import GDPRWorkerQueue

/// The timeouts every working connection sets, so that nothing waits forever: a row an
/// application holds locked delays one job, a runaway statement is stopped, a transaction left
/// open by a stalled worker is rolled back, and a peer that vanished behind a network partition is
/// noticed in seconds rather than the two hours TCP takes by itself.
public struct PostgresSessionSettings: Sendable, Hashable {
    public static let defaultLockTimeout: Duration = .seconds(5)
    public static let defaultStatementTimeout: Duration = .seconds(600)
    public static let defaultIdleInTransactionTimeout: Duration = .seconds(300)
    /// TCP keepalives: first probe after this much silence, then every `keepaliveInterval`, giving
    /// up after `keepaliveCount` unanswered probes; the same on both ends of the connection.
    public static let defaultKeepaliveIdle: Duration = .seconds(30)
    public static let defaultKeepaliveInterval: Duration = .seconds(10)
    public static let defaultKeepaliveCount = 3

    /// How long a statement waits for a lock another transaction holds (`lock_timeout`).
    public var lockTimeout: Duration
    /// How long one statement may run (`statement_timeout`).
    public var statementTimeout: Duration
    /// How long a transaction may sit idle before the server ends the session
    /// (`idle_in_transaction_session_timeout`).
    public var idleInTransactionTimeout: Duration
    public var keepaliveIdle: Duration
    public var keepaliveInterval: Duration
    public var keepaliveCount: Int

    public init(
        lockTimeout: Duration = Self.defaultLockTimeout, statementTimeout: Duration = Self.defaultStatementTimeout,
        idleInTransactionTimeout: Duration = Self.defaultIdleInTransactionTimeout,
        keepaliveIdle: Duration = Self.defaultKeepaliveIdle,
        keepaliveInterval: Duration = Self.defaultKeepaliveInterval, keepaliveCount: Int = Self.defaultKeepaliveCount
    ) {
        self.lockTimeout = lockTimeout
        self.statementTimeout = statementTimeout
        self.idleInTransactionTimeout = idleInTransactionTimeout
        self.keepaliveIdle = keepaliveIdle
        self.keepaliveInterval = keepaliveInterval
        self.keepaliveCount = keepaliveCount
    }

    /// No timeouts, for connections that only listen or hold a lock: they idle by design.
    public static let idle = PostgresSessionSettings(
        lockTimeout: .zero, statementTimeout: .zero, idleInTransactionTimeout: .zero)

    /// libpq's keepalive keywords, unless the URL sets its own.
    func clientKeywords(_ parameters: PostgresConnectionParameters) -> [(String, String)] {
        var keywords: [(String, String)] = []
        func add(_ keyword: String, _ value: String) {
            if parameters[keyword] == nil { keywords.append((keyword, value)) }
        }
        add("keepalives", "1")
        add("keepalives_idle", String(Int(keepaliveIdle.seconds)))
        add("keepalives_interval", String(Int(keepaliveInterval.seconds)))
        add("keepalives_count", String(keepaliveCount))
        return keywords
    }

    /// The SET statements of the session; 0 turns a timeout off, as in PostgreSQL.
    /// `client_connection_check_interval` (PostgreSQL 14) notices a vanished client during a long
    /// statement; older servers skip it.
    func script(serverVersion: Int) -> String {
        func milliseconds(_ duration: Duration) -> Int { Int(duration.seconds * 1000) }
        var settings = [
            "SET lock_timeout = \(milliseconds(lockTimeout))",
            "SET statement_timeout = \(milliseconds(statementTimeout))",
            "SET idle_in_transaction_session_timeout = \(milliseconds(idleInTransactionTimeout))",
            "SET tcp_keepalives_idle = \(Int(keepaliveIdle.seconds))",
            "SET tcp_keepalives_interval = \(Int(keepaliveInterval.seconds))",
            "SET tcp_keepalives_count = \(keepaliveCount)",
        ]
        if serverVersion >= 140_000 {
            settings.append("SET client_connection_check_interval = \(milliseconds(keepaliveInterval))")
        }
        return settings.joined(separator: "; ")
    }
}
