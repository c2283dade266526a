/// Input that gdpr-worker refuses: the request is rejected whole and nothing is written.
///
/// Messages name the field and the rule that failed, never the value, because the value may be a
/// customer key or other personal data.
public struct InputError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, machine-readable reason, used as the `code` of HTTP error bodies.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let invalidCustomerKey = Code(rawValue: "invalid_customer_key")
        public static let invalidMode = Code(rawValue: "invalid_mode")
        public static let invalidKind = Code(rawValue: "invalid_kind")
        public static let invalidTenant = Code(rawValue: "invalid_tenant")
        public static let invalidJobID = Code(rawValue: "invalid_jid")
        public static let invalidDuration = Code(rawValue: "invalid_duration")
        public static let invalidDatabaseURL = Code(rawValue: "invalid_database_url")
        public static let invalidArgument = Code(rawValue: "invalid_argument")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
