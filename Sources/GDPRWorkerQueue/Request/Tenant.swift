/// The company or environment a job belongs to. API keys see only their own tenant's jobs.
public struct Tenant: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The tenant of jobs enqueued by SQL without naming one.
    public static let `default` = Tenant(trusted: "default")

    public let name: String

    /// Validates a tenant name: 1 to 64 letters, digits, `_`, `.` or `-`, starting with a letter or digit.
    public init(_ name: String) throws(InputError) {
        let scalars = Array(name.unicodeScalars)
        let isAlphanumeric: (Unicode.Scalar) -> Bool = {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))
        }
        guard (1...64).contains(scalars.count),
            isAlphanumeric(scalars[0]),
            scalars.allSatisfy({ isAlphanumeric($0) || $0 == "_" || $0 == "." || $0 == "-" })
        else {
            throw InputError(
                .invalidTenant,
                "tenant must be 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit")
        }
        self.name = name
    }

    public init(trusted name: String) {
        self.name = name
    }

    public var description: String { name }

    public init(from decoder: any Decoder) throws {
        try self.init(decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}
