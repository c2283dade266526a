import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import Hummingbird
import Logging

/// An error answer of the API: an HTTP status and `{"code","message"}`, never a customer key.
public struct APIError: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = Response.json(Body(code: code, message: message), status: status)
        response.headers.append(contentsOf: headers)
        return response
    }

    private struct Body: Encodable {
        let code: String
        let message: String
    }

    static func unauthorized(_ message: String) -> APIError {
        APIError(.unauthorized, code: "unauthorized", message: message, headers: [.wwwAuthenticate: "Api-Key"])
    }

    /// The answer for any error a handler throws: user errors are 4xx, a database outage is 503
    /// with Retry-After, and anything else a 500 whose details stay in the server log.
    static func from(_ error: any Error, logger: Logger) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as InputError:
            return APIError(.badRequest, code: error.code.rawValue, message: error.message)
        case let error as DatabaseError:
            switch error.code {
            case .connectionFailed, .connectionLost, .authenticationFailed:
                logger.warning("database unavailable", metadata: ["error": "\(error)"])
                return APIError(
                    .serviceUnavailable, code: "database_unavailable",
                    message: "the database is unavailable; retry later", headers: [.retryAfter: "5"])
            case .busy, .conflict, .cancelled:
                return APIError(
                    .serviceUnavailable, code: "database_busy", message: "the database is busy; retry shortly",
                    headers: [.retryAfter: "1"])
            case .schemaMissing:
                logger.error("database schema missing", metadata: ["error": "\(error)"])
                return APIError(
                    .serviceUnavailable, code: "schema_missing",
                    message: "the database has no gdpr-worker schema; run gdpr-worker migrate")
            default:
                logger.error("database error", metadata: ["error": "\(error)"])
                return APIError(
                    .internalServerError, code: "internal_error",
                    message: "the request failed on the server; see its log")
            }
        case let error as any HTTPResponseError where error.status == .contentTooLarge:
            return APIError(
                .contentTooLarge, code: "body_too_large",
                message: "the request body is too large; these endpoints take their input in the query string")
        case let error as any HTTPResponseError:
            let code = error.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_")
            return APIError(error.status, code: code, message: (error as? HTTPError)?.body ?? error.status.reasonPhrase)
        default:
            logger.error("unexpected error", metadata: ["error_type": "\(type(of: error))"])
            return APIError(
                .internalServerError, code: "internal_error", message: "the request failed on the server; see its log")
        }
    }
}

extension Response {
    /// A JSON response with sorted keys, so the same answer is always the same bytes.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        json(ByteBuffer(bytes: CanonicalJSON.data(value)), status: status)
    }

    /// A JSON response of bytes already encoded.
    static func json(_ body: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
    }
}
