import GDPRWorkerQueue

/// The recognisable form of a value erasure wrote, so a second run can tell an anonymised field
/// from personal data and leave it alone.
///
/// Each shape is given as a POSIX regular expression (PostgreSQL's `~`), as a GLOB (SQLite),
/// and as a LIKE prefix that most personal data fails at its first characters, so the regular
/// expression only runs on candidates. Shapes are chosen so that real data cannot have them:
/// reserved domains, unassigned number ranges, documentation address blocks.
public struct ValueShape: Sendable, Hashable {
    public var regex: String
    public var glob: String
    public var likePrefix: String

    public init(regex: String, glob: String, likePrefix: String) {
        self.regex = regex
        self.glob = glob
        self.likePrefix = likePrefix
    }

    static func hex(_ count: Int, uppercase: Bool = false) -> (regex: String, glob: String) {
        (
            uppercase ? "[0-9A-F]{\(count)}" : "[0-9a-f]{\(count)}",
            String(repeating: uppercase ? "[0-9A-F]" : "[0-9a-f]", count: count)
        )
    }

    static func digits(_ count: Int) -> (regex: String, glob: String) {
        ("[0-9]{\(count)}", String(repeating: "[0-9]", count: count))
    }

    /// `anon-<16 hex>@anonymised.invalid`
    public static let email = ValueShape(
        regex: "^anon-\(hex(16).regex)@anonymised\\.invalid$", glob: "anon-\(hex(16).glob)@anonymised.invalid",
        likePrefix: "anon-%@anonymised.invalid")
    /// `+99900` and 8 digits.
    public static let phone = ValueShape(
        regex: "^\\+99900\(digits(8).regex)$", glob: "+99900\(digits(8).glob)", likePrefix: "+99900%")
    /// `Anon <8 uppercase hex>`
    public static let name = ValueShape(
        regex: "^Anon \(hex(8, uppercase: true).regex)$", glob: "Anon \(hex(8, uppercase: true).glob)",
        likePrefix: "Anon %")
    /// An address of 192.0.2.0/24, as text or as an inet's text (which may carry `/32`).
    public static let ip = ValueShape(
        regex: "^192\\.0\\.2\\.[0-9]{1,3}(/32)?$", glob: "192.0.2.[0-9]*", likePrefix: "192.0.2.%")
    /// A UUID of version 8 with variant nibble `a`, the form of uuid placeholders and rekeyed keys.
    public static let markedUUID = ValueShape(
        regex: "^\(hex(8).regex)-\(hex(4).regex)-8\(hex(3).regex)-a\(hex(3).regex)-\(hex(12).regex)$",
        glob: "\(hex(8).glob)-\(hex(4).glob)-8\(hex(3).glob)-a\(hex(3).glob)-\(hex(12).glob)",
        likePrefix: "________-____-8___-a%")
    /// `anon-<16 hex>`
    public static let text = ValueShape(
        regex: "^anon-\(hex(16).regex)$", glob: "anon-\(hex(16).glob)", likePrefix: "anon-%")
    /// 1900-01-01, as a date, a timestamp's text, or text.
    public static let date = ValueShape(regex: "^1900-01-01", glob: "1900-01-01*", likePrefix: "1900-01-01%")
    /// `tok_<32 hex>`
    public static let token = ValueShape(
        regex: "^tok_\(hex(32).regex)$", glob: "tok_\(hex(32).glob)", likePrefix: "tok%")
}
