import Hummingbird
import Logging

/// Renders every error as the API's JSON error body, including the router's own 404, and answers
/// a known path asked with the wrong method with 405 and an `Allow` header rather than 404.
struct APIErrorMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    /// The methods each route accepts, for 405 answers.
    let routes: [String: [HTTPRequest.Method]]

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            if let methods = routes[request.uri.path] {
                let allow = methods.map(\.rawValue).joined(separator: ", ")
                return try APIError(
                    .methodNotAllowed, code: "method_not_allowed", message: "\(request.uri.path) accepts \(allow)",
                    headers: [.allow: allow]
                ).response(from: request, context: context)
            }
            return try APIError(.notFound, code: "not_found", message: "no such endpoint").response(
                from: request, context: context)
        } catch {
            return try APIError.from(error, logger: context.logger).response(from: request, context: context)
        }
    }
}
