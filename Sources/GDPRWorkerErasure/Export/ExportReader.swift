import Foundation
import GDPRWorkerQueue

/// Reads a finished export back as one JSON Lines stream, `{"dataset":"<table>","data":<row>}` a
/// line, in chunks the caller pulls, so that serving a large export needs bounded memory and the
/// reading thread can be a Dispatch queue rather than an event loop.
public final class ExportReader: @unchecked Sendable {
    /// The size a chunk grows to before it is handed over.
    public static let chunkSize = 1 << 16

    private let directory: URL
    private var tables: ArraySlice<ExportManifest.Table>
    private var handle: FileHandle?
    private var prefix: [UInt8] = []
    private var pending: [UInt8] = []
    private var finished = false

    init(directory: URL, manifest: ExportManifest) {
        self.directory = directory
        tables = manifest.tables[...]
    }

    deinit {
        try? handle?.close()
    }

    /// The next chunk of whole lines, or nil at the end. Blocks on file reads.
    public func next() throws -> [UInt8]? {
        var chunk: [UInt8] = []
        while chunk.count < Self.chunkSize {
            if let newline = pending.firstIndex(of: 0x0A) {
                append(line: pending[..<newline], to: &chunk)
                pending.removeSubrange(...newline)
                continue
            }
            guard let handle = try currentHandle() else { break }
            if let block = try handle.read(upToCount: Self.chunkSize), !block.isEmpty {
                pending.append(contentsOf: block)
            } else {
                if !pending.isEmpty { append(line: pending[...], to: &chunk) }
                pending.removeAll()
                try handle.close()
                self.handle = nil
            }
        }
        return chunk.isEmpty ? nil : chunk
    }

    private func append(line: ArraySlice<UInt8>, to chunk: inout [UInt8]) {
        guard !line.isEmpty else { return }
        chunk.append(contentsOf: prefix)
        chunk.append(contentsOf: line)
        chunk.append(contentsOf: Array("}\n".utf8))
    }

    /// The open file of the table being read, moving to the next table when one ends.
    private func currentHandle() throws -> FileHandle? {
        if let handle { return handle }
        guard let table = tables.popFirst() else { return nil }
        let name = String(decoding: (try? JSONEncoder().encode(table.table)) ?? Data(), as: UTF8.self)
        prefix = Array("{\"dataset\":\(name),\"data\":".utf8)
        handle = try FileHandle(forReadingFrom: directory.appending(path: table.file))
        return handle
    }
}

extension ExportStore {
    /// A reader of a finished export, or nil when there is none (never made, or purged).
    public func reader(for jid: JobID) throws -> ExportReader? {
        guard let manifest = try manifest(for: jid) else { return nil }
        return ExportReader(directory: directory(for: jid), manifest: manifest)
    }
}
