import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import Testing

@Suite("Status reports")
struct JobStatusReportTests {
    let created = Date(timeIntervalSince1970: 1_795_340_793)

    func job(state: JobState = .pending, attempts: Int = 0, kind: JobKind = .remove) throws -> Job {
        Job(
            jid: try JobID(parsing: "d9528030-509c-4e0f-b585-7168f1e9feca"), tenant: .default, kind: kind,
            mode: .anonymise,
            state: state, attempts: attempts, maxAttempts: 20, createdAt: created,
            legalDueAt: created.addingTimeInterval(30 * 86_400),
            runAt: created, startedAt: nil, finishedAt: nil, lastError: nil, result: nil)
    }

    @Test("a fresh remove job waits for the archive, with the instant it becomes eligible")
    func waitingForArchive() throws {
        let report = JobStatusReport(job: try job(), now: created.addingTimeInterval(60), cutoff: ArchiveCutoff())
        #expect(report.status == .started)
        #expect(report.phase == .waitingForArchive)
        #expect(report.eligibleAt == created.addingTimeInterval(5 * 86_400))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.json.utf8)) as? [String: Any])
        #expect(json["jid"] as? String == "d9528030-509c-4e0f-b585-7168f1e9feca")
        #expect(json["status"] as? String == "started")
        #expect(json["phase"] as? String == "waiting_for_archive")
        #expect(json["eligible_at"] as? String == "2026-11-27T09:46:33.000Z")
        #expect(json["legal_due_at"] as? String == "2026-12-22T09:46:33.000Z")
        #expect(json["next_attempt_at"] == nil)
    }

    @Test("past the cutoff it is queued; with a missing watermark it still waits")
    func queued() throws {
        let later = created.addingTimeInterval(6 * 86_400)
        #expect(JobStatusReport(job: try job(), now: later, cutoff: ArchiveCutoff()).phase == .queued)
        let sweeping = ArchiveCutoff(requiresWatermark: true, watermark: created.addingTimeInterval(-1))
        #expect(JobStatusReport(job: try job(), now: later, cutoff: sweeping).phase == .waitingForArchive)
        let swept = ArchiveCutoff(requiresWatermark: true, watermark: created)
        #expect(JobStatusReport(job: try job(), now: later, cutoff: swept).phase == .queued)
    }

    @Test("an export does not wait for the archive")
    func exportIsImmediate() throws {
        #expect(JobStatusReport(job: try job(kind: .export), now: created, cutoff: ArchiveCutoff()).phase == .queued)
    }

    @Test("phases of running, retrying and finished jobs")
    func otherPhases() throws {
        let later = created.addingTimeInterval(6 * 86_400)
        #expect(
            JobStatusReport(job: try job(state: .running, attempts: 1), now: later, cutoff: ArchiveCutoff()).phase
                == .running)
        #expect(JobStatusReport(job: try job(attempts: 2), now: later, cutoff: ArchiveCutoff()).phase == .retrying)
        let done = JobStatusReport(job: try job(state: .done, attempts: 1), now: later, cutoff: ArchiveCutoff())
        #expect(done.status == .done)
        #expect(done.phase == .done)
        #expect(
            JobStatusReport(job: try job(state: .failed, attempts: 20), now: later, cutoff: ArchiveCutoff()).status
                == .failed)
    }

    @Test("not found is exactly the contract's shape")
    func notFound() {
        #expect(JobStatusReport.notFound("x").json == #"{"jid":"x","status":"not_found"}"#)
    }
}
