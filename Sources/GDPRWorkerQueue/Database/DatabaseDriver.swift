/// What a driver module offers the program: the database URLs it opens, and the `JobStore` it
/// opens them as. The executable registers its drivers in `DatabaseDrivers`; a new engine is a new
/// module and one more entry there.
public protocol DatabaseDriver: Sendable {
    var engine: DatabaseEngine { get }

    /// How the URLs this driver opens begin: `postgres://`, `sqlite:`.
    var urlPrefixes: [String] { get }

    /// Opens a store for the URL. The driver checks the URL; its errors never repeat the URL,
    /// which may carry a password.
    func makeStore(url: String, settings: StoreSettings) throws(InputError) -> any JobStore
}

/// Settings every driver is offered; each applies what its engine has.
public struct StoreSettings: Sendable, Hashable {
    /// How long a statement waits for a row lock before its job is retried later; nil: the driver's default.
    public var lockTimeout: Duration?
    /// How long one statement may run; nil: the driver's default.
    public var statementTimeout: Duration?

    public init(lockTimeout: Duration? = nil, statementTimeout: Duration? = nil) {
        self.lockTimeout = lockTimeout
        self.statementTimeout = statementTimeout
    }
}

/// The drivers a program registered, and the one rule that picks a driver for a URL.
public struct DatabaseDrivers: Sendable {
    public let drivers: [any DatabaseDriver]

    public init(_ drivers: [any DatabaseDriver]) {
        self.drivers = drivers
    }

    /// Opens a store for the URL with the driver whose scheme it has.
    public func makeStore(url: String, settings: StoreSettings = .init()) throws(InputError) -> any JobStore {
        if url.unicodeScalars.contains(where: {
            $0.properties.isWhitespace || $0.properties.generalCategory == .control
        }) {
            throw InputError(
                .invalidDatabaseURL,
                "the database URL must not contain spaces or control characters; percent-encode them")
        }
        guard let driver = drivers.first(where: { $0.urlPrefixes.contains(where: url.hasPrefix) }) else {
            let prefixes = drivers.flatMap(\.urlPrefixes)
            throw InputError(
                .invalidDatabaseURL,
                "the database URL must start with " + prefixes.dropLast().joined(separator: ", ")
                    + (prefixes.count > 1 ? " or " : "") + (prefixes.last ?? ""))
        }
        return try driver.makeStore(url: url, settings: settings)
    }
}
