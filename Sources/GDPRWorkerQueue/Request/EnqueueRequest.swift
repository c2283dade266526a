public struct EnqueueRequest: Sendable {
    public var tenant: Tenant
    public var kind: JobKind
    public var mode: ErasureMode
    public var customerKey: CustomerKey
    public var maxAttempts: Int?
    /// Return the pending job for the same tenant, kind, mode and key instead of adding another.
    public var deduplicate: Bool
    /// Whether a remove job waits for the archive cutoff (the default); false runs it at once.
    public var waitsForArchive: Bool
    /// The data subject's address for a confirmation once the job is done, sealed by
    /// `ContactSealer`; kept in `gdpr_confirmations` only until it is sent.
    public var sealedContact: String?

    public init(
        customerKey: CustomerKey, tenant: Tenant = .default, kind: JobKind = .remove, mode: ErasureMode = .anonymise,
        maxAttempts: Int? = nil, deduplicate: Bool = false, waitsForArchive: Bool = true, sealedContact: String? = nil
    ) {
        self.sealedContact = sealedContact
        self.waitsForArchive = waitsForArchive
        self.tenant = tenant
        self.kind = kind
        self.mode = mode
        self.customerKey = customerKey
        self.maxAttempts = maxAttempts
        self.deduplicate = deduplicate
    }
}

extension EnqueueRequest {
    /// The INSERT of this request. Columns the request leaves unset are left to the table's
    /// defaults, exactly as an SQL enqueue does.
    public var insertQuery: SQLQuery {
        var query: SQLQuery = "INSERT INTO gdpr_jobs (tenant, kind, mode, customer_key"
        query.append(sql: maxAttempts == nil ? "" : ", max_attempts")
        query.append(sql: waitsForArchive ? "" : ", waits_for_archive")
        query.append(
            """
            ) VALUES (\(tenant.name), \(kind.rawValue), \(mode.rawValue), \(customerKey.rawValue)
            """)
        if let maxAttempts { query.append(", \(maxAttempts)") }
        if !waitsForArchive { query.append(", \(false)") }
        query.append(sql: ") RETURNING jid")
        return query
    }

    /// Keeps the sealed confirmation address for the job, unless the job already has one.
    public func confirmationQuery(for jid: JobID) -> SQLQuery? {
        guard let sealedContact else { return nil }
        return """
            INSERT INTO gdpr_confirmations (jid, tenant, sealed_contact) VALUES (\(jid.description), \(tenant.name), \(sealedContact))
            ON CONFLICT (jid) DO NOTHING
            """
    }

    /// The condition a deduplicated request matches: a live job of the same tenant, kind, mode and key.
    public var sameRequest: SQLQuery {
        """
        tenant = \(tenant.name) AND kind = \(kind.rawValue) AND mode = \(mode.rawValue) AND customer_key = \(customerKey.rawValue) \
        AND waits_for_archive = \(waitsForArchive)
        """
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
