import GDPRWorkerQueue

/// A statement being built: its SQL text and the values bound to its parameters, numbered in
/// the dialect's style. Equal values share one parameter, so the text stays short and stable.
struct BoundStatement {
    let dialect: any ErasureDialect
    /// The SQL text, set by the builder once the parameters are bound.
    var sql = ""
    private(set) var binds: [SQLValue] = []
    private var positions: [SQLValue: Int] = [:]

    init(_ dialect: any ErasureDialect) {
        self.dialect = dialect
    }

    /// The placeholder of a value, binding it on first use.
    mutating func bind(_ value: SQLValue) -> String {
        if let position = positions[value] { return dialect.placeholder(position) }
        binds.append(value)
        positions[value] = binds.count
        return dialect.placeholder(binds.count)
    }

    /// Binds a value to a parameter of its own, for values that change between runs of the same SQL.
    mutating func bindSeparately(_ value: SQLValue) -> String {
        binds.append(value)
        return dialect.placeholder(binds.count)
    }

    /// Binds a list of text rows and returns the relation that reads them (aliased `z`).
    mutating func rows(_ rows: [[String]], columns: [String]) -> String {
        let (relation, values) = dialect.textRows(rows, columns: columns, firstPlaceholder: binds.count + 1)
        binds.append(contentsOf: values)
        return relation
    }
}
