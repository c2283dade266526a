public struct RescueReport: Sendable, Hashable {
    public var requeued: Int
    public var failed: Int

    public init(requeued: Int = 0, failed: Int = 0) {
        self.requeued = requeued
        self.failed = failed
    }
}
