/// How a remove job erases: rewrite personal fields in place, or delete the rows.
public enum ErasureMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Personal fields become placeholders; operational data and aggregates survive (the Azotte model).
    case anonymise
    /// Every matched and reached row is deleted, children first (the loyalty-platform model).
    case delete

    public init(parsing text: String) throws(InputError) {
        guard let mode = ErasureMode(rawValue: text) else {
            throw InputError(.invalidMode, "mode must be one of: anonymise, delete")
        }
        self = mode
    }
}
