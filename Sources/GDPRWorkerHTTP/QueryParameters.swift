import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import HummingbirdCore

/// The query string, decoded strictly: invalid percent-encoding and repeated parameters are 400s.
///
/// Hummingbird keeps a value whose percent-encoding is invalid as it was written; an erasure
/// request must not silently match a different key than the client meant, so it is refused.
struct QueryParameters {
    private var values: [String: String] = [:]

    init(_ uri: URI) throws(InputError) {
        guard let query = uri.query, !query.isEmpty else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decoded(parts[0]), let value = Self.decoded(parts.count > 1 ? parts[1] : "") else {
                throw InputError(.invalidArgument, "the query string has invalid percent-encoding")
            }
            guard values[name] == nil else {
                throw InputError(.invalidArgument, "\(name.prefix(40)) is given more than once")
            }
            values[name] = value
        }
    }

    /// The text with its percent-encoding removed; nil when that encoding is invalid. Text without
    /// a `%` is its own decoding, and skips Foundation's decoder, which bridges through NSString
    /// and was a measurable part of a job-status request.
    private static func decoded(_ text: Substring) -> String? {
        text.utf8.contains(UInt8(ascii: "%")) ? String(text).removingPercentEncoding : String(text)
    }

    subscript(_ name: String) -> String? { values[name] }

    /// A required parameter; missing or empty is a 400 naming it.
    func required(_ name: String, code: InputError.Code) throws(InputError) -> String {
        guard let value = values[name], !value.isEmpty else {
            throw InputError(code, "\(name) is required")
        }
        return value
    }
}
