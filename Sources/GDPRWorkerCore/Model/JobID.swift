import Foundation

/// The identifier of a job, a UUID, written in lowercase as PostgreSQL prints it.
public struct JobID: Sendable, Hashable, Codable, CustomStringConvertible {
    public let uuid: UUID

    public init(_ uuid: UUID = UUID()) {
        self.uuid = uuid
    }

    /// Parses the canonical 36-character form; anything else is a malformed jid.
    public init(parsing text: String) throws(InputError) {
        guard text.utf8.count == 36, let uuid = UUID(uuidString: text) else {
            throw InputError(.invalidJobID, "jid must be a UUID such as 3f2a8c1e-5b7d-4e0a-9c61-2d4b8f0e7a13")
        }
        self.uuid = uuid
    }

    public var description: String { uuid.uuidString.lowercased() }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(parsing: text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
