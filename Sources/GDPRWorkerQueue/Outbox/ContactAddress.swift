/// The address a data subject asked their confirmation to go to.
///
/// Checked strictly enough that it can be written into a mail header as it is: one `@`, no
/// spaces, quotes, angle brackets, commas or control characters, at most 254 bytes (RFC 5321's
/// limit on a path). Errors never repeat the address.
public struct ContactAddress: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    public init(_ address: String) throws(InputError) {
        let forbidden = Set(" \t\r\n\"'<>(),;:\\[]".unicodeScalars)
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard (3...254).contains(address.utf8.count), parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            address.unicodeScalars.allSatisfy({ $0.value >= 0x21 && $0.value != 0x7F && !forbidden.contains($0) })
        else {
            throw InputError(
                .invalidContact, "the confirmation address must be one plain email address, like name@example.com")
        }
        rawValue = address
    }

    /// Never the address itself: descriptions end up in logs.
    public var description: String { "<contact address>" }
}

extension InputError.Code {
    /// A confirmation address that is not a plain email address, or one the server cannot keep.
    public static let invalidContact = InputError.Code(rawValue: "invalid_contact")
}
