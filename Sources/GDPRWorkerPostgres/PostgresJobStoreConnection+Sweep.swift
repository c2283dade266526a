import Foundation
import GDPRWorkerCore

extension PostgresJobStoreConnection {
    /// The key of the session advisory lock held by a running sweep.
    static let sweepLockKey: Int64 = 0x6764_7072_7377_6570

    public func acquireSweepLock() throws(DatabaseError) -> Bool {
        try postgres.queryFirst("SELECT pg_try_advisory_lock($1) AS locked", [.int(Self.sweepLockKey)]).required("lock").bool("locked")
    }

    public func releaseSweepLock() {
        _ = try? postgres.execute("SELECT pg_advisory_unlock($1)", [.int(Self.sweepLockKey)])
    }

    public func advanceArchiveWatermark(to instant: Date) throws(DatabaseError) -> (previous: Date?, current: Date) {
        let before = try setting(ArchiveCutoff.watermarkSetting).flatMap(Timestamp.parse)
        try postgres.execute("""
            INSERT INTO gdpr_settings (name, value) VALUES ($1, $2)
            ON CONFLICT (name) DO UPDATE SET value = excluded.value
             WHERE gdpr_settings.value::timestamptz < excluded.value::timestamptz
            """, [.text(ArchiveCutoff.watermarkSetting), .text(Timestamp.format(instant, fractionDigits: 6))])
        return (before, try setting(ArchiveCutoff.watermarkSetting).flatMap(Timestamp.parse) ?? instant)
    }

    public func countRemoveJobs(createdAfter after: Date?, upTo: Date) throws(DatabaseError) -> Int {
        try postgres.queryFirst("""
            SELECT count(*) AS n FROM gdpr_jobs
             WHERE kind = 'remove' AND state = 'pending' AND ($1::timestamptz IS NULL OR created_at > $1::timestamptz)
               AND created_at <= $2::timestamptz
            """, [.optional(after), .timestamp(upTo)]).required("count").int("n")
    }

    public func wakeWorkers() throws(DatabaseError) {
        try postgres.executeScript("NOTIFY gdpr_jobs")
    }
}
