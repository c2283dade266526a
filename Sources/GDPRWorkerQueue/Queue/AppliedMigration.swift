public struct AppliedMigration: Sendable, Hashable {
    public var version: Int
    public var name: String

    public init(version: Int, name: String) {
        self.version = version
        self.name = name
    }
}
