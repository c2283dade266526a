import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue

extension PostgresJobStoreConnection {
    /// The key of the session advisory lock held by a running sweep.
    static let sweepLockKey: Int64 = 0x6764_7072_7377_6570

    public func acquireSweepLock() throws(DatabaseError) -> Bool {
        try postgres.firstRow("SELECT pg_try_advisory_lock(\(Int(Self.sweepLockKey))) AS locked").required("lock").bool(
            "locked")
    }

    public func releaseSweepLock() {
        _ = try? postgres.run("SELECT pg_advisory_unlock(\(Int(Self.sweepLockKey)))")
    }

    public func advanceArchiveWatermark(to instant: Date) throws(DatabaseError) -> (previous: Date?, current: Date) {
        let before = try setting(ArchiveCutoff.watermarkSetting).flatMap(Timestamp.parse)
        try postgres.run(
            """
            INSERT INTO gdpr_settings (name, value) VALUES (\(ArchiveCutoff.watermarkSetting), \(Timestamp.format(instant, fractionDigits: 6)))
            ON CONFLICT (name) DO UPDATE SET value = excluded.value
             WHERE gdpr_settings.value::timestamptz < excluded.value::timestamptz
            """)
        return (before, try setting(ArchiveCutoff.watermarkSetting).flatMap(Timestamp.parse) ?? instant)
    }

    public func countRemoveJobs(createdAfter after: Date?, upTo: Date) throws(DatabaseError) -> Int {
        try postgres.firstRow(
            """
            SELECT count(*) AS n FROM gdpr_jobs
             WHERE kind = 'remove' AND state = 'pending' AND created_at > coalesce(\(after)::timestamptz, '-infinity')
               AND created_at <= \(upTo)::timestamptz
            """
        ).required("count").int("n")
    }

    public func wakeWorkers() throws(DatabaseError) {
        try postgres.executeScript("NOTIFY gdpr_jobs")
    }
}
