import Foundation
import GDPRWorkerQueue

/// What an export holds: written last, so an export with a manifest is complete.
public struct ExportManifest: Sendable, Hashable, Codable {
    /// One table's file.
    public struct Table: Sendable, Hashable, Codable {
        public var table: String
        /// The file's name inside the export's directory.
        public var file: String
        public var rows: Int

        public init(table: String, file: String, rows: Int) {
            self.table = table
            self.file = file
            self.rows = rows
        }
    }

    public var jid: JobID
    public var createdAt: Date
    /// How many keys the export covered, the customer's own included.
    public var keys: Int
    /// Tables with at least one row, in the order they were written.
    public var tables: [Table]

    public init(jid: JobID, createdAt: Date, keys: Int, tables: [Table]) {
        self.jid = jid
        self.createdAt = createdAt
        self.keys = keys
        self.tables = tables
    }

    private enum CodingKeys: String, CodingKey {
        case jid
        case createdAt = "created_at"
        case keys, tables
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        jid = try container.decode(JobID.self, forKey: .jid)
        let created = try container.decode(String.self, forKey: .createdAt)
        guard let date = Timestamp.parse(created) else {
            throw DecodingError.dataCorruptedError(
                forKey: .createdAt, in: container, debugDescription: "not a timestamp")
        }
        createdAt = date
        keys = try container.decode(Int.self, forKey: .keys)
        tables = try container.decode([Table].self, forKey: .tables)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(jid, forKey: .jid)
        try container.encode(Timestamp.format(createdAt), forKey: .createdAt)
        try container.encode(keys, forKey: .keys)
        try container.encode(tables, forKey: .tables)
    }
}
