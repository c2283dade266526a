public struct EnqueueRequest: Sendable {
    public var tenant: Tenant
    public var kind: JobKind
    public var mode: ErasureMode
    public var customerKey: CustomerKey
    public var maxAttempts: Int?
    /// Return the pending job for the same tenant, kind, mode and key instead of adding another.
    public var deduplicate: Bool

    public init(
        customerKey: CustomerKey, tenant: Tenant = .default, kind: JobKind = .remove, mode: ErasureMode = .anonymise,
        maxAttempts: Int? = nil, deduplicate: Bool = false
    ) {
        self.tenant = tenant
        self.kind = kind
        self.mode = mode
        self.customerKey = customerKey
        self.maxAttempts = maxAttempts
        self.deduplicate = deduplicate
    }
}

extension EnqueueRequest {
    /// The INSERT of this request, with the engine's placeholder style (`$1` or `?1`), and its arguments.
    /// Columns the request leaves unset are left to the table's defaults, exactly as an SQL enqueue does.
    public func insertStatement(placeholder: (Int) -> String) -> (sql: String, binds: [SQLValue]) {
        var columns = ["tenant", "kind", "mode", "customer_key"]
        var binds: [SQLValue] = [.text(tenant.name), .text(kind.rawValue), .text(mode.rawValue), .text(customerKey.rawValue)]
        if let maxAttempts {
            columns.append("max_attempts")
            binds.append(.int(maxAttempts))
        }
        let values = (1...binds.count).map(placeholder).joined(separator: ", ")
        return ("INSERT INTO gdpr_jobs (\(columns.joined(separator: ", "))) VALUES (\(values)) RETURNING jid", binds)
    }
}

public struct EnqueueResult: Sendable, Hashable {
    public var jid: JobID
    /// True when an existing pending job was returned instead of a new one.
    public var deduplicated: Bool

    public init(jid: JobID, deduplicated: Bool) {
        self.jid = jid
        self.deduplicated = deduplicated
    }
}
