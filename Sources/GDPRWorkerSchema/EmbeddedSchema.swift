/// The files under `schema/`, compiled into the binary by the `EmbedSchema` plugin, so a deployed
/// `gdpr-worker` needs nothing beside it to migrate a database or load the sample dataset.
public enum EmbeddedSchema {
    /// The text of one file, by its path under `schema/` (for example `postgres/0001_queue.sql`).
    public static func file(_ path: String) -> String? {
        files[path]
    }

    /// The paths of the files directly inside one folder of `schema/`, in name order.
    public static func paths(in folder: String) -> [String] {
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        return files.keys
            .filter { $0.hasPrefix(prefix) && !$0.dropFirst(prefix.count).contains("/") }
            .sorted()
    }
}
