import Foundation

#if canImport(Glibc)
import Glibc
import GDPRWorkerQueue
import GDPRWorkerErasure
#endif

extension SQLiteJobStoreConnection {
    /// A sweep holds an advisory lock on a file beside the database, released by the kernel if
    /// the process dies; every process using an SQLite file runs on the file's host.
    public func acquireSweepLock() throws(DatabaseError) -> Bool {
        let path = sqlite.path + ".sweep-lock"
        let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw DatabaseError(
                .queryFailed, "cannot open the sweep lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return false
        }
        sweepLock = descriptor
        return true
    }

    public func releaseSweepLock() {
        guard let descriptor = sweepLock else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        sweepLock = nil
    }

    public func advanceArchiveWatermark(to instant: Date) throws(DatabaseError) -> (previous: Date?, current: Date) {
        let before = try setting(ArchiveCutoff.watermarkSetting).flatMap(Timestamp.parse)
        try sqlite.run(
            """
            INSERT INTO gdpr_settings (name, value) VALUES (\(ArchiveCutoff.watermarkSetting), \(instant))
            ON CONFLICT (name) DO UPDATE SET value = excluded.value WHERE gdpr_settings.value < excluded.value
            """)
        return (before, try setting(ArchiveCutoff.watermarkSetting).flatMap(Timestamp.parse) ?? instant)
    }

    public func countRemoveJobs(createdAfter after: Date?, upTo: Date) throws(DatabaseError) -> Int {
        try sqlite.firstRow(
            """
            SELECT count(*) AS n FROM gdpr_jobs
             WHERE kind = 'remove' AND state = 'pending' AND created_at > coalesce(\(after), '') AND created_at <= \(upTo)
            """
        ).required("count").int("n")
    }

    /// Workers notice any commit to the file through `PRAGMA data_version`; the watermark's was one.
    public func wakeWorkers() throws(DatabaseError) {}
}
