import Foundation
import GDPRWorkerQueue

/// Rows the last sweep could not archive, because the archive holds other rows under their keys,
/// per hot table: kept in `gdpr_settings` so that every process's readiness and metrics show them.
public struct ArchiveConflicts: Sendable, Hashable, Codable {
    public static let settingName = "archive_conflicts"

    /// Rows left behind, by hot table.
    public var rows: [String: Int]

    public init(rows: [String: Int]) {
        self.rows = rows
    }

    public var total: Int { rows.values.reduce(0, +) }
}

extension JobStoreConnection {
    /// Records what the sweep that just ran left behind; a sweep without conflicts clears it.
    public func recordArchiveConflicts(_ conflicts: [(table: String, rows: Int)]) throws(DatabaseError) {
        guard !conflicts.isEmpty else {
            try writeSetting(ArchiveConflicts.settingName, value: nil)
            return
        }
        let value = ArchiveConflicts(rows: Dictionary(conflicts, uniquingKeysWith: +))
        let json = (try? JSONEncoder().encode(value)).map { String(decoding: $0, as: UTF8.self) }
        try writeSetting(ArchiveConflicts.settingName, value: json)
    }

    /// What the last sweep could not archive, if anything.
    public func archiveConflicts() throws(DatabaseError) -> ArchiveConflicts? {
        guard let json = try setting(ArchiveConflicts.settingName) else { return nil }
        return try? JSONDecoder().decode(ArchiveConflicts.self, from: Data(json.utf8))
    }
}
