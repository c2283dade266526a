import Foundation
import GDPRWorkerNotify
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A real HTTP server that receives webhooks as a tenant's endpoint would: it checks each
/// signature with the endpoint's secret and keeps what arrived. It can be stopped and started
/// again on the same port, as a receiver that is down for a while.
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        let id: String
        let timestamp: String
        let signature: String
        let body: String
        let signatureHolds: Bool
    }

    let port: Int
    private let state = Mutex<(secret: String, received: [Received], failuresLeft: Int)>(("", [], 0))
    private let server = Mutex<Task<Void, any Error>?>(nil)

    init(port: Int) {
        self.port = port
    }

    var url: String { "http://127.0.0.1:\(port)/hook" }

    /// The endpoint's secret, for checking signatures.
    func expect(secret: String) {
        state.withLock { $0.secret = secret }
    }

    /// Answers the next `count` deliveries with 503, as a receiver in trouble does.
    func fail(next count: Int) {
        state.withLock { $0.failuresLeft = count }
    }

    var received: [Received] { state.withLock { $0.received } }

    func start() async throws {
        let router = Router()
        router.post("hook") { request, _ -> Response in
            var request = request
            let body = String(buffer: try await request.collectBody(upTo: 1 << 20))
            let headers = request.headers
            let id = headers[HTTPField.Name("webhook-id")!] ?? ""
            let timestamp = headers[HTTPField.Name("webhook-timestamp")!] ?? ""
            let signature = headers[HTTPField.Name("webhook-signature")!] ?? ""
            let failing = self.state.withLock { state -> Bool in
                if state.failuresLeft > 0 {
                    state.failuresLeft -= 1
                    return true
                }
                let holds = WebhookSignature.verify(
                    header: signature, secret: state.secret, id: id, timestamp: timestamp, body: Array(body.utf8))
                state.received.append(
                    Received(id: id, timestamp: timestamp, signature: signature, body: body, signatureHolds: holds))
                return false
            }
            return Response(status: failing ? .serviceUnavailable : .noContent)
        }
        var logger = Logger(label: "test.receiver")
        logger.logLevel = .error
        let (ready, readyContinuation) = AsyncStream<Void>.makeStream()
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { _ in readyContinuation.yield() }, logger: logger)
        server.withLock { $0 = Task { try await application.runService() } }
        for await _ in ready { break }
    }

    /// Stops listening; connections are refused until `start` again.
    func stop() async {
        let task = server.withLock { task -> Task<Void, any Error>? in
            defer { task = nil }
            return task
        }
        task?.cancel()
        _ = try? await task?.value
    }
}
