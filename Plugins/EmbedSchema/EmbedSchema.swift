import Foundation
import PackagePlugin

/// Compiles every file under `schema/` into a Swift source, so the `gdpr-worker` binary carries its
/// migrations and sample dataset and can be deployed as a single file.
@main
struct EmbedSchema: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let schemaDirectory = context.package.directoryURL.appending(path: "schema")
        let inputs = try Self.files(under: schemaDirectory)
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedSchemaFiles.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) schema files",
                executable: try context.tool(named: "SchemaEmbedder").url,
                arguments: [schemaDirectory.path(), output.path()] + inputs.map { $0.path() },
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }

    private static func files(under directory: URL) throws -> [URL] {
        guard
            let enumerator = FileManager.default.enumerator(
                at: directory,
                includingPropertiesForKeys: [.isRegularFileKey],
                options: [.skipsHiddenFiles]
            )
        else { return [] }
        var files: [URL] = []
        for case let url as URL in enumerator {
            let isFile = try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile ?? false
            if isFile && ["sql", "yaml", "yml"].contains(url.pathExtension) { files.append(url) }
        }
        return files.sorted { $0.path() < $1.path() }
    }
}
