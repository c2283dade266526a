/// The key a job is about: a visitor id, customer number or email, as the company knows its customer.
///
/// A customer key is personal data. Its `description` is redacted, so that interpolating one into a
/// log line or an error message cannot leak it; the value is reachable only through `rawValue`.
public struct CustomerKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The longest key accepted, in UTF-8 bytes; the queue table enforces the same limit.
    public static let maximumLength = 256

    public let rawValue: String

    /// Validates a key: non-empty, at most 256 UTF-8 bytes, no control characters.
    public init(_ rawValue: String) throws(InputError) {
        if rawValue.isEmpty {
            throw InputError(.invalidCustomerKey, "customerKey must not be empty")
        }
        if rawValue.utf8.count > Self.maximumLength {
            throw InputError(.invalidCustomerKey, "customerKey must be at most \(Self.maximumLength) bytes")
        }
        if rawValue.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw InputError(.invalidCustomerKey, "customerKey must not contain control characters")
        }
        self.rawValue = rawValue
    }

    /// Wraps a key read back from the database, which enforced the same rules on the way in.
    public init(trusted rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { "[customer key]" }
    public var debugDescription: String { "CustomerKey([redacted])" }
}
