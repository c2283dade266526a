import GDPRWorkerQueue

/// One masking strategy in one record: which column types it can write, the most characters it
/// writes, the SQL of a fresh value, and the shape by which a second run recognises its output.
/// The planner's check, the statement writers and the recogniser all read this record, so a new
/// placeholder kind is one case and one descriptor.
public struct StrategyDescriptor: Sendable {
    /// The column type categories the strategy can write.
    public var fits: Set<DatabaseCatalog.TypeCategory>
    /// The most characters it writes, checked against a text column's declared length.
    public var maxLength: Int?
    /// The form of what it writes, by which a second run leaves a rewritten field alone.
    public var shape: ValueShape
    /// A text expression of a fresh value, from the database's own random source; nil when the
    /// value is not drawn by the strategy alone (`rekey` reuses one surrogate per key).
    public var generate: (@Sendable (any ErasureDialect) -> String)?

    public init(
        fits: Set<DatabaseCatalog.TypeCategory>, maxLength: Int?, shape: ValueShape,
        generate: (@Sendable (any ErasureDialect) -> String)?
    ) {
        self.fits = fits
        self.maxLength = maxLength
        self.shape = shape
        self.generate = generate
    }
}

extension ColumnStrategy.Placeholder {
    public var descriptor: StrategyDescriptor {
        switch self {
        case .email:
            StrategyDescriptor(fits: [.text], maxLength: 40, shape: .email) {
                $0.concatenate(["'anon-'", $0.randomHex(16), "'@anonymised.invalid'"])
            }
        case .phone:
            StrategyDescriptor(fits: [.text], maxLength: 14, shape: .phone) {
                $0.concatenate(["'+99900'", "(10000000 + \($0.randomInteger(below: 90_000_000)))"])
            }
        case .name:
            StrategyDescriptor(fits: [.text], maxLength: 13, shape: .name) {
                $0.concatenate(["'Anon '", "upper(\($0.randomHex(8)))"])
            }
        case .ip:
            StrategyDescriptor(fits: [.text, .inet], maxLength: 15, shape: .ip) {
                $0.concatenate(["'192.0.2.'", "(1 + \($0.randomInteger(below: 254)))"])
            }
        case .uuid:
            StrategyDescriptor(fits: [.text, .uuid], maxLength: 36, shape: .markedUUID) { $0.randomMarkedUUID }
        case .text:
            StrategyDescriptor(fits: [.text], maxLength: 21, shape: .text) {
                $0.concatenate(["'anon-'", $0.randomHex(16)])
            }
        case .date:
            StrategyDescriptor(fits: [.text, .date, .timestamp], maxLength: 10, shape: .date) { _ in "'1900-01-01'" }
        }
    }
}

extension ColumnStrategy {
    /// The record of a strategy that writes values of a recognisable shape; nil for `keep`,
    /// `null` and `redact`, which write nothing or a value given in the data map.
    public var descriptor: StrategyDescriptor? {
        switch self {
        case .placeholder(let kind): kind.descriptor
        case .token:
            StrategyDescriptor(fits: [.text], maxLength: 36, shape: .token) {
                $0.concatenate(["'tok_'", $0.randomHex(32)])
            }
        case .rekey: StrategyDescriptor(fits: [.text, .uuid], maxLength: 36, shape: .markedUUID, generate: nil)
        case .keep, .null, .redact: nil
        }
    }
}
