import Foundation
import GDPRWorkerQueue

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes the files of a batch's exports: each job's files go to a hidden partial directory, each
/// file under a temporary name renamed once complete, and the directory is sealed by its manifest;
/// `ExportStore.publish` renames it into place once the job's transaction has committed, so a
/// reader never sees half an export, nor one of a job that is not done. Everything is synced
/// before the job is reported done, and created owner-only (0600 files, 0700 directories).
final class ExportWriter {
    let store: ExportStore
    private var file: (descriptor: Int32, temporary: URL, final: URL)?
    private var buffer: [UInt8] = []
    private static let bufferSize = 1 << 16

    init(store: ExportStore) {
        self.store = store
    }

    deinit {
        if let file { close(file.descriptor) }
    }

    /// Starts a job's export in an empty partial directory.
    func begin(_ jid: String) throws {
        try Self.makeDirectory(store.directory)
        let partial = store.partialDirectory(for: jid)
        if FileManager.default.fileExists(atPath: partial.path) { try FileManager.default.removeItem(at: partial) }
        try Self.makeDirectory(partial)
    }

    /// Opens a table's file of a job's export.
    func openFile(_ jid: String, named name: String) throws {
        try closeFile()
        let final = store.partialDirectory(for: jid).appending(path: name)
        let temporary = store.partialDirectory(for: jid).appending(path: name + ExportStore.partialSuffix)
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Self.failure("cannot create an export file", errno) }
        fchmod(descriptor, 0o600)
        file = (descriptor, temporary, final)
    }

    /// Appends one JSON line to the open file.
    func writeLine(_ line: String) throws {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        if buffer.count >= Self.bufferSize { try flush() }
    }

    /// Completes the open file: flushed, synced, closed and renamed to its final name.
    func closeFile() throws {
        guard let file else { return }
        try flush()
        self.file = nil
        defer { close(file.descriptor) }
        guard fsync(file.descriptor) == 0 else { throw Self.failure("cannot sync an export file", errno) }
        guard rename(file.temporary.path, file.final.path) == 0 else {
            throw Self.failure("cannot complete an export file", errno)
        }
    }

    /// Writes the manifest, which seals the job's partial directory, ready to publish.
    func finish(_ manifest: ExportManifest) throws {
        try closeFile()
        let jid = manifest.jid.description
        try openFile(jid, named: ExportStore.manifestName)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        buffer.append(contentsOf: try encoder.encode(manifest))
        try closeFile()
        try Self.sync(store.partialDirectory(for: jid))
    }

    /// Removes what an attempt that failed had written.
    func abandon(_ jids: [String]) {
        if let file {
            close(file.descriptor)
            self.file = nil
        }
        buffer.removeAll()
        store.abandon(jids)
    }

    private func flush() throws {
        guard let file, !buffer.isEmpty else { return }
        var offset = 0
        while offset < buffer.count {
            let written = buffer[offset...].withUnsafeBytes { write(file.descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw Self.failure("cannot write an export file", errno)
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    private static func makeDirectory(_ url: URL) throws {
        if mkdir(url.path, 0o700) != 0 && errno != EEXIST { throw failure("cannot create the export directory", errno) }
        chmod(url.path, 0o700)
    }

    static func sync(_ directory: URL) throws {
        let descriptor = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("cannot open the export directory", errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw failure("cannot sync the export directory", errno) }
    }

    static func failure(_ what: String, _ code: Int32) -> JobFailure {
        JobFailure(.workFailed, "\(what): \(String(cString: strerror(code)))", permanent: false)
    }
}
