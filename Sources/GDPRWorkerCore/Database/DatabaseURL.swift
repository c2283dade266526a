import Foundation

/// The two database engines gdpr-worker runs on.
public enum DatabaseEngine: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The production engine: many worker processes on many hosts share one queue.
    case postgres
    /// The embedded default: one file, no server, for a first run or a small deployment.
    case sqlite

    public var description: String { rawValue == "postgres" ? "PostgreSQL" : "SQLite" }
}

/// Where the database is: `postgres://user:pass@host:port/db?sslmode=…` or `sqlite:PATH`.
///
/// The description never shows the password, so a URL can be logged and printed in errors.
public enum DatabaseURL: Sendable, Hashable, CustomStringConvertible {
    case postgres(PostgresConnectionParameters)
    case sqlite(path: String)

    /// The file used when no URL is configured: an SQLite database in the working directory.
    public static let defaultURL = DatabaseURL.sqlite(path: "gdpr-worker.sqlite3")

    public var engine: DatabaseEngine {
        switch self {
        case .postgres: .postgres
        case .sqlite: .sqlite
        }
    }

    public init(parsing text: String) throws(InputError) {
        if text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) {
            throw InputError(.invalidDatabaseURL, "the database URL must not contain spaces or control characters; percent-encode them")
        }
        if text.hasPrefix("sqlite:") {
            var path = String(text.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else {
                throw InputError(.invalidDatabaseURL, "an SQLite URL names a file: sqlite:PATH, such as sqlite:gdpr-worker.sqlite3")
            }
            guard path != ":memory:" else {
                throw InputError(.invalidDatabaseURL, "an in-memory SQLite database is not shared between workers; name a file instead")
            }
            self = .sqlite(path: path)
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(try PostgresConnectionParameters(parsing: text))
        } else {
            throw InputError(.invalidDatabaseURL, "the database URL must start with postgres://, postgresql:// or sqlite:")
        }
    }

    public var description: String {
        switch self {
        case .postgres(let parameters): parameters.description
        case .sqlite(let path): "sqlite:\(path)"
        }
    }
}

/// The libpq connection keywords of a PostgreSQL URL, decoded and checked.
public struct PostgresConnectionParameters: Sendable, Hashable, CustomStringConvertible {
    /// The query parameters passed through to libpq; anything else is refused as a probable typo.
    public static let allowedOptions: Set<String> = [
        "sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword", "connect_timeout", "application_name",
        "options", "target_session_attrs", "host", "hostaddr", "port", "keepalives", "keepalives_idle",
        "gssencmode", "channel_binding",
    ]

    /// Keyword and value pairs in the order libpq receives them.
    public private(set) var keywords: [(String, String)]

    public init(parsing text: String) throws(InputError) {
        guard let components = URLComponents(string: text) else {
            throw InputError(.invalidDatabaseURL, "the PostgreSQL URL is malformed; percent-encode reserved characters in the user and password")
        }
        var keywords: [(String, String)] = []
        if let host = components.host, !host.isEmpty {
            keywords.append(("host", host.removingPercentEncoding ?? host))
        }
        if let port = components.port {
            guard (1...65535).contains(port) else {
                throw InputError(.invalidDatabaseURL, "the PostgreSQL port must be between 1 and 65535")
            }
            keywords.append(("port", String(port)))
        }
        if let user = components.user, !user.isEmpty { keywords.append(("user", user)) }
        if let password = components.password { keywords.append(("password", password)) }
        let database = String(components.path.drop(while: { $0 == "/" }))
        if !database.isEmpty { keywords.append(("dbname", database.removingPercentEncoding ?? database)) }
        for item in components.queryItems ?? [] {
            guard Self.allowedOptions.contains(item.name) else {
                throw InputError(.invalidDatabaseURL, "unknown PostgreSQL URL parameter '\(item.name)'; known: \(Self.allowedOptions.sorted().joined(separator: ", "))")
            }
            keywords.append((item.name, item.value ?? ""))
        }
        if !keywords.contains(where: { $0.0 == "connect_timeout" }) {
            keywords.append(("connect_timeout", "5"))
        }
        self.keywords = keywords
    }

    /// The value of one keyword, if set.
    public subscript(keyword: String) -> String? {
        keywords.last(where: { $0.0 == keyword })?.1
    }

    /// The same parameters with one keyword replaced, for example another database on the same server.
    public func setting(_ keyword: String, to value: String) -> PostgresConnectionParameters {
        var copy = self
        copy.keywords.removeAll { $0.0 == keyword }
        copy.keywords.append((keyword, value))
        return copy
    }

    public var description: String {
        var text = "postgres://"
        if let user = self["user"] { text += user + (self["password"] != nil ? ":***@" : "@") }
        text += self["host"] ?? ""
        if let port = self["port"] { text += ":\(port)" }
        text += "/" + (self["dbname"] ?? "")
        return text
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.keywords.map { [$0.0, $0.1] } == rhs.keywords.map { [$0.0, $0.1] }
    }

    public func hash(into hasher: inout Hasher) {
        for (keyword, value) in keywords {
            hasher.combine(keyword)
            hasher.combine(value)
        }
    }
}
