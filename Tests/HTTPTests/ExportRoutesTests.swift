import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import GDPRWorkerTestSupport
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@Suite("HTTP: export results")
struct ExportRoutesTests {
    let resultPath = "/api/v2/event-data/export-customer-job-result"

    /// Runs one export job for a sample customer through the erasure handler, as a worker would.
    func export(_ key: String, harness: APITestHarness) throws -> JobID {
        let handler = ErasureJobHandler(
            dataMap: try ShopSample.dataMap(), configuration: .init(export: harness.exports.configuration))
        return try harness.database.withConnection { connection in
            let jid = try connection.enqueue(
                EnqueueRequest(customerKey: try CustomerKey(key), tenant: try Tenant("acme"), kind: .export)
            ).jid
            let claimed = try connection.claim(
                ClaimRequest(worker: "w", limit: 1, lease: .seconds(60), cutoff: ArchiveCutoff(delay: .zero), now: nil))
            try connection.database.transaction {
                let context = JobContext(
                    connection: connection.database, logger: Logger(label: "test"), worker: "w", now: nil,
                    isAlone: false, commitAndReopen: { _ in })
                guard case .done(let result)? = try handler.process(claimed, in: context)[jid] else {
                    throw TestSetupError("the export failed")
                }
                _ = try connection.complete(
                    [JobCompletion(job: claimed[0], keyHash: "h", result: result, startedAt: Date())], worker: "w",
                    now: nil)
            }
            return jid
        }
    }

    @Test("a finished export streams every row of the customer as JSON Lines", arguments: TestDatabase.engines)
    func finished(_ engine: DatabaseEngine) async throws {
        let harness = try APITestHarness(engine)
        try harness.database.withConnection { try ShopSample.create(customers: 30, on: $0.database) }
        let jid = try export(ShopSample.customerKey(9), harness: harness)
        try await harness.test { client in
            let response = try await client.execute(
                uri: "\(resultPath)?jid=\(jid)", method: .get, headers: harness.acme)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/x-ndjson")
            let lines = response.text.split(separator: "\n").map {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            #expect(!lines.isEmpty)
            #expect(lines.allSatisfy { $0?["dataset"] is String && $0?["data"] is [String: Any] })
            let customers = lines.compactMap { $0 }.filter { $0["dataset"] as? String == "customers" }
            #expect(customers.count == 1)
            #expect(
                (customers.first?["data"] as? [String: Any])?["customer_key"] as? String == ShopSample.customerKey(9))
            let foreign = try await client.execute(
                uri: "\(resultPath)?jid=\(jid)", method: .get, headers: harness.globex)
            #expect(foreign.status == .notFound)
        }
    }

    @Test("not ready, not an export, and purged exports are explained, never a 5xx", arguments: TestDatabase.engines)
    func explained(_ engine: DatabaseEngine) async throws {
        let harness = try APITestHarness(engine)
        try harness.database.withConnection { try ShopSample.create(customers: 5, on: $0.database) }
        let purged = try export(ShopSample.customerKey(2), harness: harness)
        _ = try harness.exports.purge(createdBefore: Date().addingTimeInterval(60))
        let pending = try harness.database.withConnection {
            try $0.enqueue(
                EnqueueRequest(customerKey: try CustomerKey("someone"), tenant: try Tenant("acme"), kind: .export)
            ).jid
        }
        let remove = try harness.database.withConnection {
            try $0.enqueue(EnqueueRequest(customerKey: try CustomerKey("someone"), tenant: try Tenant("acme"))).jid
        }
        try await harness.test { client in
            let notReady = try await client.execute(
                uri: "\(resultPath)?jid=\(pending)", method: .get, headers: harness.acme)
            #expect(notReady.status == .conflict)
            #expect(notReady.json["code"] as? String == "export_not_ready")
            let notExport = try await client.execute(
                uri: "\(resultPath)?jid=\(remove)", method: .get, headers: harness.acme)
            #expect(notExport.status == .conflict)
            #expect(notExport.json["code"] as? String == "not_an_export_job")
            let gone = try await client.execute(uri: "\(resultPath)?jid=\(purged)", method: .get, headers: harness.acme)
            #expect(gone.status == .gone)
            #expect(gone.json["code"] as? String == "export_expired")
            let malformed = try await client.execute(uri: "\(resultPath)?jid=nope", method: .get, headers: harness.acme)
            #expect(malformed.status == .badRequest)
        }
    }
}
