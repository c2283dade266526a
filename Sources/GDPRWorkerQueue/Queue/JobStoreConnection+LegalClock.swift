import Foundation

/// The legal clock of GDPR Art. 12(3): a request is answered within one month of its receipt, a
/// period that may be extended by two further months where necessary, with the reasons given.
extension JobStoreConnection {
    /// The most months an extension may add to the one-month deadline.
    public static var maximumExtensionMonths: Int { 2 }

    /// Moves a live job's legal due date to creation plus one month plus `months` (1 or 2), and
    /// records who did it and why, for good (`gdpr_legal_extensions`, read by `QueueRules.legalDue`
    /// and the status view). Extending again replaces the date, never beyond
    /// three months from creation; each extension stays on record.
    public func extendLegalDue(
        _ jid: JobID, tenant: Tenant?, months: Int, reason: String, by who: String, now: Date?
    ) throws -> LegalDueExtension {
        guard (1...Self.maximumExtensionMonths).contains(months) else {
            throw InputError(.invalidArgument, "an extension adds 1 or 2 months (GDPR Art. 12(3))")
        }
        guard (1...500).contains(reason.utf8.count),
            !reason.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw InputError(.invalidArgument, "the reason must be 1 to 500 bytes without control characters") }
        // The extensions table alone holds the new date: a live job's row is not rewritten, so a
        // worker finishing it meanwhile never meets a changed row.
        let extended = try database.transaction { () throws -> Date? in
            guard
                let row = try database.firstRow(
                    """
                    SELECT tenant, created_at, \(sql: type(of: rules).legalDue) AS legal_due_at, \(rules.clock(now)) AS now
                      FROM gdpr_jobs WHERE jid = \(jid.description) AND tenant = coalesce(\(tenant?.name), tenant)
                    """)
            else { return nil }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let created = try row.date("created_at")
            guard let due = calendar.date(byAdding: .month, value: 1 + months, to: created) else { return nil }
            try database.run(
                """
                INSERT INTO gdpr_legal_extensions (jid, tenant, extended_at, previous_due_at, legal_due_at, reason, extended_by)
                VALUES (\(jid.description), \(try row.string("tenant")), \(try row.date("now")), \(try row.date("legal_due_at")),
                        \(due), \(reason), \(who))
                """)
            return due
        }
        if let extended { return .extended(due: extended) }
        return try job(jid, tenant: tenant).map { .finished($0.state) } ?? .notFound
    }

    /// Unfinished jobs past their legal due date and due within `QueueStatistics.nearDueWindow`,
    /// per tenant, by the database's clock.
    public func legalClock() throws(DatabaseError) -> [String: (pastDue: Int, nearDue: Int)] {
        let now = try self.now()
        let near = now.addingTimeInterval(QueueStatistics.nearDueWindow.seconds)
        var clock: [String: (Int, Int)] = [:]
        for row in try database.rows(
            """
            SELECT tenant, sum(CASE WHEN due < \(now) THEN 1 ELSE 0 END) AS past_due,
                   sum(CASE WHEN due >= \(now) AND due < \(near) THEN 1 ELSE 0 END) AS near_due
              FROM (SELECT tenant, \(sql: type(of: rules).legalDue) AS due FROM gdpr_jobs) AS j GROUP BY tenant
            """)
        {
            clock[try row.string("tenant")] = (try row.int("past_due"), try row.int("near_due"))
        }
        return clock
    }
}
