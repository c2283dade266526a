import Foundation
import GDPRWorkerQueue

/// Where export jobs leave a customer's data: `<directory>/<jid>/<table>.jsonl` plus a
/// `manifest.json`, files 0600 and directories 0700 because they hold personal data.
///
/// The HTTP result endpoint reads exports back through `manifest(for:)` and `forEachLine`; the
/// sweep deletes them after the retention with `purgeExpired`.
public struct ExportStore: Sendable {
    public struct Configuration: Sendable, Hashable {
        public static let defaultDirectory = "gdpr-exports"
        /// How long an export is kept: long enough to download, short enough not to become a second copy.
        public static let defaultRetention: Duration = .seconds(7 * 86_400)

        public var directory: String
        public var retention: Duration

        public init(
            directory: String = Configuration.defaultDirectory, retention: Duration = Configuration.defaultRetention
        ) {
            self.directory = directory
            self.retention = retention
        }
    }

    static let manifestName = "manifest.json"
    static let partialSuffix = ".partial"

    public let configuration: Configuration

    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    public var directory: URL { URL(fileURLWithPath: configuration.directory, isDirectory: true) }

    /// The directory of a finished export.
    public func directory(for jid: JobID) -> URL {
        directory.appending(path: jid.description, directoryHint: .isDirectory)
    }

    /// Where an export is written before it is complete.
    func partialDirectory(for jid: String) -> URL {
        directory.appending(path: ".\(jid)\(Self.partialSuffix)", directoryHint: .isDirectory)
    }

    /// The manifest of a finished export, or nil when there is none (never made, or purged).
    /// Callers ask only once the job is done; an export sealed but not yet published (its worker
    /// stopped between the commit and the rename) is published first.
    public func manifest(for jid: JobID) throws -> ExportManifest? {
        let url = directory(for: jid).appending(path: Self.manifestName)
        if !FileManager.default.fileExists(atPath: url.path) { try publish(jid) }
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try JSONDecoder().decode(ExportManifest.self, from: Data(contentsOf: url))
    }

    /// Hands over the JSON lines of one table of an export, one row at a time, reading in blocks
    /// so that memory stays bounded however large the file.
    public func forEachLine(of jid: JobID, table: String, _ body: (String) throws -> Void) throws {
        guard let entry = try manifest(for: jid)?.tables.first(where: { $0.table == table }) else { return }
        let handle = try FileHandle(forReadingFrom: directory(for: jid).appending(path: entry.file))
        defer { try? handle.close() }
        var pending = Data()
        while let block = try handle.read(upToCount: 1 << 16), !block.isEmpty {
            pending.append(block)
            while let newline = pending.firstIndex(of: 0x0A) {
                try body(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                pending.removeSubrange(pending.startIndex...newline)
            }
        }
        if !pending.isEmpty { try body(String(decoding: pending, as: UTF8.self)) }
    }

    /// Moves a sealed export (its manifest written) into place, replacing an earlier attempt's;
    /// nothing when there is none. Called once the job's transaction has committed.
    public func publish(_ jid: JobID) throws {
        let partial = partialDirectory(for: jid.description)
        guard FileManager.default.fileExists(atPath: partial.appending(path: Self.manifestName).path) else { return }
        let target = directory(for: jid)
        if FileManager.default.fileExists(atPath: target.path) { try FileManager.default.removeItem(at: target) }
        guard rename(partial.path, target.path) == 0 else {
            throw ExportWriter.failure("cannot move an export into place", errno)
        }
        try ExportWriter.sync(directory)
    }

    /// Removes what attempts that did not commit had written.
    func abandon(_ jids: [String]) {
        for jid in jids { try? FileManager.default.removeItem(at: partialDirectory(for: jid)) }
    }

    /// Deletes exports created before `cutoff`, and abandoned partial exports last touched before it.
    /// Returns how many finished exports were deleted.
    @discardableResult
    public func purge(createdBefore cutoff: Date) throws -> Int {
        let manager = FileManager.default
        guard manager.fileExists(atPath: directory.path) else { return 0 }
        var purged = 0
        for name in try manager.contentsOfDirectory(atPath: directory.path) {
            let url = directory.appending(path: name, directoryHint: .isDirectory)
            if name.hasPrefix("."), name.hasSuffix(Self.partialSuffix) {
                let modified = try manager.attributesOfItem(atPath: url.path)[.modificationDate] as? Date
                if let modified, modified < cutoff { try manager.removeItem(at: url) }
                continue
            }
            guard let jid = try? JobID(parsing: name) else { continue }
            let modified = try manager.attributesOfItem(atPath: url.path)[.modificationDate] as? Date
            let created = (try? manifest(for: jid))?.map(\.createdAt) ?? modified
            if let created, created < cutoff {
                try manager.removeItem(at: url)
                purged += 1
            }
        }
        return purged
    }

    /// Deletes exports older than the configured retention.
    @discardableResult
    public func purgeExpired(now: Date = Date()) throws -> Int {
        try purge(createdBefore: now.addingTimeInterval(-configuration.retention.seconds))
    }

    /// A table's file name: the name itself when it is a plain identifier, otherwise percent-encoded.
    static func fileName(for table: String) -> String {
        let plain = table.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-")
        }
        if plain && !table.isEmpty { return table + ".jsonl" }
        let encoded = table.utf8.map { byte -> String in
            let scalar = Unicode.Scalar(byte)
            return scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))
                ? String(scalar) : String(format: "%%%02X", byte)
        }.joined()
        return encoded + ".jsonl"
    }
}
