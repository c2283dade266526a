import GDPRWorkerErasure
import GDPRWorkerQueue
import Prometheus
import Synchronization

/// Gauges of the live queue, refreshed from the database on every scrape.
///
/// Read at scrape time rather than sampled, so Prometheus sees the queue as it is; if the database
/// is down the scrape still answers, with `gdpr_worker_database_up 0` and the last values.
final class QueueMetrics: Sendable {
    private let waiting: Gauge
    private let eligible: Gauge
    private let running: Gauge
    private let oldestEligibleAge: Gauge
    private let pastDue: Gauge
    private let nearDue: Gauge
    private let failed: Gauge
    private let archiveConflicts: Gauge
    private let databaseUp: Gauge
    private let registry: PrometheusCollectorRegistry
    /// Per-tenant legal clock gauges, by tenant; a tenant whose jobs are gone reads 0.
    private let tenantClock = Mutex<[String: (pastDue: Gauge, nearDue: Gauge)]>([:])

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        func gauge(_ name: String, unit: String = "", _ help: String, labels: [(String, String)] = []) -> Gauge {
            registry.makeGauge(
                descriptor: MetricNameDescriptor(
                    namespace: "gdpr_worker", metricName: name, unitName: unit, helpText: help), labels: labels)
        }
        let phases = "Unfinished jobs by phase"
        waiting = gauge("queue_jobs", phases, labels: [("phase", "waiting_for_archive")])
        eligible = gauge("queue_jobs", phases, labels: [("phase", "queued")])
        running = gauge("queue_jobs", phases, labels: [("phase", "running")])
        oldestEligibleAge = gauge(
            "queue_oldest_eligible_age", unit: "seconds",
            "Age of the oldest job past its archive cutoff and not yet claimed")
        pastDue = gauge(
            "jobs_past_legal_due", "Unfinished jobs past their legal due date (creation + 1 month, GDPR Art. 12(3))")
        nearDue = gauge("jobs_near_legal_due", "Unfinished jobs due within 7 days")
        failed = gauge("jobs_failed", "Failed jobs: erasures that did not happen and need a human")
        archiveConflicts = gauge(
            "archive_conflict_rows",
            "Rows the last sweep could not archive because the archive holds other rows under their keys")
        databaseUp = gauge("database_up", "1 if the last scrape reached the database")
    }

    func update(_ statistics: QueueStatistics, archiveConflicts conflicts: Int) {
        archiveConflicts.set(Int64(conflicts))
        waiting.set(Int64(statistics.waitingForArchive))
        eligible.set(Int64(statistics.eligible))
        running.set(Int64(statistics.running))
        oldestEligibleAge.set(statistics.oldestEligibleAge)
        pastDue.set(Int64(statistics.pastLegalDue))
        nearDue.set(Int64(statistics.nearLegalDue))
        failed.set(Int64(statistics.failed))
        databaseUp.set(Int64(1))
    }

    /// The legal clock per tenant: `gdpr_worker_tenant_jobs_past_legal_due{tenant}` and
    /// `gdpr_worker_tenant_jobs_near_legal_due{tenant}`. Tenants are deployment names, never personal data.
    func updateLegalClock(_ clock: [String: (pastDue: Int, nearDue: Int)]) {
        tenantClock.withLock { gauges in
            for tenant in Set(gauges.keys).union(clock.keys) {
                let pair =
                    gauges[tenant]
                    ?? (
                        registry.makeGauge(
                            descriptor: MetricNameDescriptor(
                                namespace: "gdpr_worker", metricName: "tenant_jobs_past_legal_due",
                                helpText: "Unfinished jobs past their legal due date, per tenant"),
                            labels: [("tenant", tenant)]),
                        registry.makeGauge(
                            descriptor: MetricNameDescriptor(
                                namespace: "gdpr_worker", metricName: "tenant_jobs_near_legal_due",
                                helpText: "Unfinished jobs due within 7 days, per tenant"),
                            labels: [("tenant", tenant)])
                    )
                gauges[tenant] = pair
                pair.pastDue.set(Int64(clock[tenant]?.pastDue ?? 0))
                pair.nearDue.set(Int64(clock[tenant]?.nearDue ?? 0))
            }
        }
    }

    func databaseUnreachable() {
        databaseUp.set(Int64(0))
    }
}
