import Metrics

/// The pool's metrics, through swift-metrics, so any backend (Prometheus in `serve`) can export them.
///
/// Dimensions are the job's kind and mode only: never a key, a jid or anything else per customer.
struct WorkerMetrics: Sendable {
    let claimed = Counter(label: "gdpr_worker_jobs_claimed_total")
    let claimDuration = Timer(label: "gdpr_worker_claim_duration_seconds", preferredDisplayUnit: .seconds)
    let batchSize = Recorder(label: "gdpr_worker_batch_size")
    let rescued = Counter(label: "gdpr_worker_jobs_rescued_total")
    let reconnects = Counter(label: "gdpr_worker_reconnects_total")

    func done(_ job: ClaimedJob) -> Counter {
        Counter(label: "gdpr_worker_jobs_done_total", dimensions: dimensions(job))
    }

    func failed(_ job: ClaimedJob) -> Counter {
        Counter(label: "gdpr_worker_jobs_failed_total", dimensions: dimensions(job))
    }

    func retried(_ job: ClaimedJob) -> Counter {
        Counter(label: "gdpr_worker_jobs_retried_total", dimensions: dimensions(job))
    }

    func duration(_ job: ClaimedJob) -> Timer {
        Timer(label: "gdpr_worker_job_duration_seconds", dimensions: dimensions(job), preferredDisplayUnit: .seconds)
    }

    private func dimensions(_ job: ClaimedJob) -> [(String, String)] {
        [("kind", job.kind.rawValue), ("mode", job.mode.rawValue)]
    }
}
