/// What a job does: erase a customer's data, or export it first (Voyado recommends the export first).
public enum JobKind: String, Sendable, Hashable, Codable, CaseIterable {
    case remove
    case export

    public init(parsing text: String) throws(InputError) {
        guard let kind = JobKind(rawValue: text) else {
            throw InputError(.invalidKind, "kind must be one of: remove, export")
        }
        self = kind
    }
}
