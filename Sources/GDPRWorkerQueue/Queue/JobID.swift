import Foundation

/// The identifier of a job, a UUID, written in lowercase as PostgreSQL prints it.
///
/// Parsed and printed by hand: every job's id crosses this type several times on the claim and
/// audit paths, and Foundation's UUID goes through `sscanf` and `printf` to do it.
public struct JobID: Sendable, Hashable, Codable, CustomStringConvertible {
    public let uuid: UUID
    public let description: String

    public init(_ uuid: UUID = UUID()) {
        self.uuid = uuid
        description = Hex.encodeUUID(uuid.uuid)
    }

    /// Parses the canonical 36-character form; anything else is a malformed jid.
    public init(parsing text: String) throws(InputError) {
        guard let bytes = Hex.decodeUUID(text) else {
            throw InputError(.invalidJobID, "jid must be a UUID such as 3f2a8c1e-5b7d-4e0a-9c61-2d4b8f0e7a13")
        }
        self.init(UUID(uuid: bytes))
    }

    public static func == (lhs: JobID, rhs: JobID) -> Bool { lhs.uuid == rhs.uuid }

    public func hash(into hasher: inout Hasher) { hasher.combine(uuid) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(parsing: text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
