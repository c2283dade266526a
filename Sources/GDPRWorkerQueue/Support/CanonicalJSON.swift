import Foundation

/// The one JSON form gdpr-worker writes for statuses, proofs, previews, audit counts and API
/// answers: keys sorted and slashes unescaped, so that the same value is always the same bytes.
public enum CanonicalJSON {
    /// One encoder for every caller: its options never change after this, and making and
    /// configuring an encoder per answer was a measurable part of a job-status request.
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// The value's bytes, or `fallback` for a value that cannot be encoded (a non-finite number).
    public static func data(_ value: some Encodable, fallback: String = "{}") -> Data {
        (try? encoder.encode(value)) ?? Data(fallback.utf8)
    }

    /// The value as one line of text.
    public static func string(_ value: some Encodable, fallback: String = "") -> String {
        String(decoding: data(value, fallback: fallback), as: UTF8.self)
    }
}
