import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import Logging

/// easycms's self-service account deletion (seed 004): `POST /public_api/set_customer_delete_account`,
/// form-encoded. The operator signs in with the `Authorization1` header (a gdpr-worker key) and
/// `username`, `password` and `account` (the key's name, its operator password, and its tenant);
/// the customer proves the account is theirs with `email` and `customer_password`, checked
/// against the application's own stored hash (the data map's `subject`). Then every row of the
/// customer is deleted, and the answer is easycms's `INFO`/`OUTPUT` envelope.
struct EasyCMSRoutes: Sendable {
    static let path = "/public_api/set_customer_delete_account"
    static let paths: [String: [HTTPRequest.Method]] = [path: [.post], path + "/": [.post]]
    static let authorizationHeader = HTTPField.Name("Authorization1")!

    /// easycms's documented messages, verbatim (the success message's spelling included).
    enum Message {
        static let deleted = "customer_acccount_deleted_successfully"
        static let badHeader = "UN-AUTHORIZED - header is set but the header value is not correct!"
        static let badOperator = "UN-AUTHORIZED - _user_name_password_is_set_but_wrong_value!"
        static let badAccount = "this_account_does_not_exist_or_your_credentials_do_not_match_this_account"
        static let badEmail = "email_is_not_valid"
        static let tooManyAttempts = "too_many_failed_attempts_try_again_later"
        static let pending = "customer_account_deletion_in_progress"
        static let failed = "customer_account_deletion_failed"
        static let notSetUp = "account_deletion_is_not_set_up_on_this_server"
        static let badRequest =
            "the_request_must_be_form_encoded_with_username_password_account_email_and_customer_password"
    }

    struct Form: Decodable {
        var username: String?
        var password: String?
        var account: String?
        var email: String?
        var customer_password: String?
    }

    let keys: APIKeyCache
    let subjects: SubjectLookup?
    let erasure: SynchronousErasure
    let limiter: FailedLoginLimiter

    /// One route serves both paths: the router reads a trailing slash as the same path.
    func register(on router: Router<APIRequestContext>) {
        router.post(RouterPath(Self.path)) { request, context in
            await call(request, context)
        }
    }

    private func call(_ request: Request, _ context: APIRequestContext) async -> Response {
        do {
            return try await delete(request, context)
        } catch let error as DatabaseError {
            context.logger.error("easycms account deletion: database failure", metadata: ["code": "\(error.code)"])
            return Self.answer(.serviceUnavailable, "error", "database_unavailable_try_again_later")
        } catch {
            context.logger.error("easycms account deletion failed", metadata: ["error_type": "\(type(of: error))"])
            return Self.answer(.internalServerError, "error", Message.failed)
        }
    }

    private func delete(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        var request = request
        guard let body = try? await request.collectBody(upTo: context.maxUploadSize),
            let form = try? URLEncodedFormDecoder().decode(Form.self, from: String(buffer: body))
        else { return Self.answer(.badRequest, "error", Message.badRequest) }
        guard let token = request.headers[Self.authorizationHeader], token.utf8.count <= 256,
            let identity = try await keys.identity(for: token)
        else { return Self.answer(.unauthorized, "error", Message.badHeader) }
        let client = context.remoteAddress?.ipAddress ?? "unknown"
        let operatorLogin = "operator:" + (form.username ?? "")
        if limiter.isBlocked(login: operatorLogin, client: client) {
            return Self.answer(.tooManyRequests, "error", Message.tooManyAttempts)
        }
        let passwordVerified = await PasswordVerifier.verifyInBackground(
            form.password ?? "", against: identity.passwordHash)
        guard passwordVerified, form.username != nil, form.username == identity.name else {
            limiter.recordFailure(login: operatorLogin, client: client)
            return Self.answer(.unauthorized, "error", Message.badOperator)
        }
        guard form.account == identity.tenant.name else { return Self.answer(.forbidden, "error", Message.badAccount) }
        guard let email = form.email, Self.isPlausibleEmail(email), let password = form.customer_password else {
            return Self.answer(.badRequest, "error", Message.badEmail)
        }
        if limiter.isBlocked(login: "customer:" + email, client: client) {
            return Self.answer(.tooManyRequests, "error", Message.tooManyAttempts)
        }
        guard let subjects, subjects.map.subject?.passwordHash != nil else {
            context.logger.warning("the easycms door needs a data map whose subject has email and password_hash")
            return Self.answer(.notFound, "error", Message.notSetUp)
        }
        let tenant = identity.tenant
        let logins = try await erasure.database.withConnection {
            try subjects.logins(email: email, tenant: tenant, on: $0.database)
        }
        // One account, and its password: anything else is the same refusal, after the same work.
        let login = logins.count == 1 ? logins[0] : nil
        guard await PasswordVerifier.verifyInBackground(password, against: login?.passwordHash), let login else {
            limiter.recordFailure(login: "customer:" + email, client: client)
            return Self.answer(.forbidden, "error", Message.badAccount)
        }
        // Seed 004: "a confirmation is typically sent to the customer's email address for their records".
        switch try await erasure.erase(login.key, tenant: tenant, mode: .delete, confirmTo: try? ContactAddress(email))
        {
        case .done(let job):
            context.logger.info("easycms account deleted", metadata: ["jid": "\(job.jid)"])
            return Self.answer(.ok, "success", Message.deleted)
        case .failed(let job):
            context.logger.error("easycms account deletion failed", metadata: ["jid": "\(job.jid)"])
            return Self.answer(.internalServerError, "error", Message.failed, jid: job.jid)
        case .pending(let jid):
            return Self.answer(.accepted, "pending", Message.pending, jid: jid)
        }
    }

    /// One `@`, something on both sides, no spaces, at most 254 bytes: the shape of an address,
    /// not a promise that it receives mail.
    static func isPlausibleEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        return email.utf8.count <= 254 && parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".")
            && !email.unicodeScalars.contains {
                $0.properties.isWhitespace || $0.properties.generalCategory == .control
            }
    }

    private struct Envelope: Encodable {
        struct Info: Encodable {
            let start = 0
            let limit = 1
            let count: Int
            let total_count: Int
            let tip = ""
        }

        struct Output: Encodable {
            let response_type: String
            let message: String
            let jid: String?
        }

        let INFO: Info
        let OUTPUT: Output
    }

    static func answer(
        _ status: HTTPResponse.Status, _ type: String, _ message: String, jid: JobID? = nil
    ) -> Response {
        let count = type == "error" ? 0 : 1
        return .json(
            Envelope(
                INFO: .init(count: count, total_count: count),
                OUTPUT: .init(response_type: type, message: message, jid: jid?.description)),
            status: status)
    }
}
