import AsyncHTTPClient
import Foundation
import GDPRWorkerQueue
import NIOCore
import NIOHTTP1

/// POSTs one outbox event to its endpoint with the Standard Webhooks headers. Redirects are not
/// followed, so that a receiver cannot point a signed event somewhere else; any 2xx delivers.
struct WebhookSender: Sendable {
    let timeout: Duration

    /// One client for the process, as `HTTPClient.shared` is, but refusing redirects. A static is
    /// never deinitialised, so it needs no shutdown.
    static let client = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5))))

    func send(_ delivery: OutboxDelivery) async -> DeliveryAttempt {
        let clock = ContinuousClock()
        let start = clock.now
        guard let url = delivery.url, let secret = delivery.secret else {
            return DeliveryAttempt(error: "endpoint_removed", duration: clock.now - start)
        }
        let body = Array(delivery.payload.utf8)
        let timestamp = Int(Date().timeIntervalSince1970)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        do {
            request.headers.add(
                name: "webhook-signature",
                value: try WebhookSignature.sign(
                    secret: secret, id: delivery.eventID, timestamp: timestamp, body: body))
        } catch {
            return DeliveryAttempt(error: "secret_unreadable", duration: clock.now - start)
        }
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "user-agent", value: "gdpr-worker")
        request.headers.add(name: "webhook-id", value: delivery.eventID)
        request.headers.add(name: "webhook-timestamp", value: String(timestamp))
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let milliseconds = Int64(timeout.seconds * 1000)
            let response = try await Self.client.execute(request, timeout: .milliseconds(milliseconds))
            // The body is read and dropped: a receiver's answer is not stored.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            let status = Int(response.status.code)
            return DeliveryAttempt(
                status: status, error: (200..<300).contains(status) ? nil : "http_\(status)",
                duration: clock.now - start)
        } catch {
            return DeliveryAttempt(error: Self.code(of: error), duration: clock.now - start)
        }
    }

    /// A stable code for a failed request, never its text, which may quote the URL.
    static func code(of error: any Error) -> String {
        if let error = error as? HTTPClientError {
            if [.deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout].contains(error) { return "timeout" }
            if error == .remoteConnectionClosed { return "connection_closed" }
            if [.invalidURL, .emptyHost, .emptyScheme].contains(error) { return "invalid_url" }
            return "http_client_error"
        }
        if error is ChannelError { return "connection_failed" }
        let text = String(describing: type(of: error))
        return text.contains("Connect") ? "connection_refused" : "request_failed"
    }
}
