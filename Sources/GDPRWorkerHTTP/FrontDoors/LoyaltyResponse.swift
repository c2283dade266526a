import Foundation
import HTTPTypes
import Hummingbird
import XMLCoder

/// An answer of the loyalty platform's API in the format the call asked for: XML by default,
/// JSON with `output=json` (without whitespace with `condensed=yes`), and JSONP with `callback`.
///
/// Success: `<response status="success"><customer status="deleted"><code>…</code></customer></response>`;
/// error: `<response status="error"><error>message</error></response>`. The code echoed is the one
/// the caller sent; nothing else of the customer is ever in an answer.
struct LoyaltyResponse: Encodable, DynamicNodeEncoding {
    struct Customer: Encodable, DynamicNodeEncoding {
        let status: String
        let code: String
        /// The job to poll, when the answer came before the deletion finished.
        let jid: String?

        static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding {
            key.stringValue == "status" ? .attribute : .element
        }
    }

    let status: String
    let customer: Customer?
    let error: String?

    static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding {
        key.stringValue == "status" ? .attribute : .element
    }

    static func deleted(code: String) -> LoyaltyResponse {
        LoyaltyResponse(status: "success", customer: Customer(status: "deleted", code: code, jid: nil), error: nil)
    }

    /// The deletion was accepted and runs on: the job's jid to poll at `job-status`.
    static func pending(code: String, jid: String) -> LoyaltyResponse {
        LoyaltyResponse(status: "accepted", customer: Customer(status: "pending", code: code, jid: jid), error: nil)
    }

    static func error(_ message: String) -> LoyaltyResponse {
        LoyaltyResponse(status: "error", customer: nil, error: message)
    }

    /// How the caller asked to be answered.
    enum Format: Sendable, Equatable {
        case xml
        case json(condensed: Bool)
        case jsonp(callback: String, condensed: Bool)
    }

    func response(_ format: Format, status: HTTPResponse.Status) -> Response {
        switch format {
        case .xml:
            let encoder = XMLEncoder()
            encoder.outputFormatting = [.prettyPrinted]
            let data =
                (try? encoder.encode(self, withRootKey: "response", header: XMLHeader(version: 1.0, encoding: "UTF-8")))
                ?? Data()
            return Response(
                status: status, headers: [.contentType: "application/xml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        case .json(let condensed):
            return Response(
                status: status, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: json(condensed: condensed))))
        case .jsonp(let callback, let condensed):
            // `/**/` first, so the answer can never start with bytes a plugin would sniff as
            // another type; nosniff keeps browsers to the declared type.
            var body = Data("/**/\(callback)(".utf8)
            body.append(json(condensed: condensed))
            body.append(Data(");".utf8))
            return Response(
                status: status,
                headers: [
                    .contentType: "application/javascript; charset=utf-8",
                    HTTPField.Name("X-Content-Type-Options")!: "nosniff",
                ],
                body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }

    private func json(condensed: Bool) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = condensed ? [.sortedKeys] : [.sortedKeys, .prettyPrinted]
        return (try? encoder.encode(["response": self])) ?? Data("{}".utf8)
    }

    /// Whether a JSONP callback name is safe to echo: dotted JavaScript identifiers of ASCII letters,
    /// digits, `_` and `$`, at most 128 characters, no reserved word. Anything else is refused,
    /// never cleaned up, so no caller-chosen script reaches a page.
    static func isSafeCallback(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 128 else { return false }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.allSatisfy { part in
            guard let first = part.unicodeScalars.first, !reserved.contains(String(part)) else { return false }
            let letters = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$")
            let rest = letters.union(CharacterSet(charactersIn: "0123456789"))
            return letters.contains(first) && part.unicodeScalars.allSatisfy { rest.contains($0) }
        }
    }

    private static let reserved: Set<String> = [
        "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum",
        "export", "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof", "new", "null",
        "return", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with", "yield",
        "let", "static", "implements", "interface", "package", "private", "protected", "public", "await", "eval",
        "arguments",
    ]
}
