import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import GDPRWorkerTestSupport
import Testing

/// The archive cutoff: the rules every driver's store keeps.
struct ArchiveCutoffConformance {
    static let checks: [ConformanceCheck] = [
        ConformanceCheck("claims and statistics release a remove job exactly when ArchiveCutoff says it may run") {
            try ArchiveCutoffConformance().agreesWithArchiveCutoff($0)
        }
    ]

    /// `ArchiveCutoff` answers for the status report and the CLI; each engine's SQL answers for
    /// claims and statistics. They are separate homes of one rule, so this holds them together:
    /// on either side of the delay, with and without a watermark before or after the creation.
    func agreesWithArchiveCutoff(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine)
        try database.withConnection { connection in
            let jid = try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey("cutoff"))).jid
            let created = try #require(try connection.job(jid, tenant: nil)).createdAt
            let delay = Duration.seconds(3_600)
            var checked = 0
            // The watermark only moves forward, so the cases run in its order.
            for watermark in [nil, created.addingTimeInterval(-1), created.addingTimeInterval(1)] as [Date?] {
                if let watermark { _ = try connection.advanceArchiveWatermark(to: watermark) }
                for requiresWatermark in [false, true] {
                    for offset in [-86_400.0, -1, 1, 86_400] {
                        let now = created.addingTimeInterval(delay.seconds + offset)
                        let cutoff = ArchiveCutoff(
                            delay: delay, requiresWatermark: requiresWatermark, watermark: watermark)
                        let expected = cutoff.isEligible(createdAt: created, now: now)
                        let statistics = try connection.statistics(cutoff: cutoff, now: now)
                        #expect(
                            statistics.eligible == (expected ? 1 : 0),
                            "statistics: watermark \(String(describing: watermark)), \(offset) s")
                        #expect(statistics.waitingForArchive == (expected ? 0 : 1))
                        let claimed = try connection.claim(
                            ClaimRequest(worker: "host/1/w0", limit: 1, lease: .seconds(60), cutoff: cutoff, now: now))
                        #expect(
                            claimed.map(\.jid) == (expected ? [jid] : []),
                            "claim: watermark \(String(describing: watermark)), \(offset) s")
                        _ = try connection.release(claimed.map(\.jid), worker: "host/1/w0")
                        checked += expected ? 1 : 0
                    }
                }
            }
            // Both answers occurred, so the comparison could have failed either way.
            #expect(checked > 0 && checked < 24)
        }
    }
}
