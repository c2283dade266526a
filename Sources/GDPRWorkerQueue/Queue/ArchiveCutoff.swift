import Foundation

/// When a remove job may start: once its data has been archived.
///
/// Voyado's contract: the job "works with archived data only" and starts once the data from its
/// creation date has been archived, 5 days by default. A job is eligible when `created_at + delay`
/// has passed and, where the data map has archive tables, when the sweep's watermark has passed
/// its creation time too.
public struct ArchiveCutoff: Sendable, Hashable {
    public static let defaultDelay: Duration = .seconds(5 * 86_400)
    /// The `gdpr_settings` entry in which the archive sweep records how far it has archived.
    public static let watermarkSetting = "archive_watermark"

    public var delay: Duration
    /// Whether eligibility also waits for the archive watermark (the data map has archive tables).
    public var requiresWatermark: Bool
    /// How far the last sweep archived: rows created before it are in the archive.
    public var watermark: Date?

    public init(delay: Duration = ArchiveCutoff.defaultDelay, requiresWatermark: Bool = false, watermark: Date? = nil) {
        self.delay = delay
        self.requiresWatermark = requiresWatermark
        self.watermark = watermark
    }

    /// The earliest instant a job created at `createdAt` may run, ignoring the watermark.
    public func eligibleAt(createdAt: Date) -> Date {
        createdAt.addingTimeInterval(delay.seconds)
    }

    /// Whether a job created at `createdAt` is eligible at `now`.
    public func isEligible(createdAt: Date, now: Date) -> Bool {
        guard eligibleAt(createdAt: createdAt) <= now else { return false }
        guard requiresWatermark else { return true }
        guard let watermark else { return false }
        return createdAt <= watermark
    }
}
