import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue

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
            throw InputError(
                .invalidDatabaseURL,
                "the PostgreSQL URL is malformed; percent-encode reserved characters in the user and password")
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
                throw InputError(
                    .invalidDatabaseURL,
                    "unknown PostgreSQL URL parameter '\(item.name)'; known: \(Self.allowedOptions.sorted().joined(separator: ", "))"
                )
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
