import GDPRWorkerQueue

/// What anonymisation does to one column.
///
/// Every rewritten value has a recognisable shape (NULL, the redact text, a placeholder or token
/// pattern), so a second run sees the row is already anonymised and leaves it alone: erasure is
/// idempotent. Random parts come from the database's own random source, never from the original value.
public enum ColumnStrategy: Sendable, Hashable, CustomStringConvertible {
    /// Operational data, kept as is.
    case keep
    /// A key column rewritten to a random surrogate, the same for the same original key within a job,
    /// so aggregates stay groupable but no longer link to the person.
    case rekey
    /// Set to NULL.
    case null
    /// Set to a fixed text.
    case redact(String)
    /// Set to a random value that keeps the field's format, such as a valid email address.
    case placeholder(Placeholder)
    /// Set to a random token with no relation to the original value.
    case token

    /// The text `redact` writes when the map gives none.
    public static let defaultRedaction = "REDACTED"

    /// Format-keeping placeholder kinds.
    public enum Placeholder: String, Sendable, Hashable, CaseIterable {
        /// `anon-<16 hex>@anonymised.invalid`: a valid address under a TLD reserved never to resolve (RFC 2606).
        case email
        /// `+99900` and 8 random digits: a well-formed E.164 number under a country code never assigned.
        case phone
        /// `Anon <8 hex>`.
        case name
        /// An address in 192.0.2.0/24, reserved for documentation (RFC 5737).
        case ip
        /// A random UUID of version 8 with variant nibble `a`.
        case uuid
        /// `anon-<16 hex>`.
        case text
        /// The fixed date 1900-01-01.
        case date
    }

    /// Whether the strategy writes to the column.
    public var rewrites: Bool {
        if case .keep = self { return false }
        return true
    }

    public var description: String {
        switch self {
        case .keep: "keep"
        case .rekey: "rekey"
        case .null: "null"
        case .redact: "redact"
        case .placeholder(let kind): "placeholder \(kind.rawValue)"
        case .token: "token"
        }
    }
}
