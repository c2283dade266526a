import GDPRWorkerErasure
import GDPRWorkerQueue
import Testing

@Suite("Retry backoff")
struct RetryBackoffTests {
    @Test("doubles from the base up to the cap")
    func exponential() {
        let backoff = RetryBackoff(base: .seconds(15), cap: .seconds(6 * 3600), jitter: 0.1)
        #expect(backoff.delay(afterAttempt: 1, random: 0) == .seconds(15))
        #expect(backoff.delay(afterAttempt: 2, random: 0) == .seconds(30))
        #expect(backoff.delay(afterAttempt: 5, random: 0) == .seconds(240))
        #expect(backoff.delay(afterAttempt: 20, random: 0) == .seconds(6 * 3600))
        #expect(backoff.delay(afterAttempt: 10_000, random: 0) == .seconds(6 * 3600))
    }

    @Test("jitter stays within its fraction")
    func jitter() {
        let backoff = RetryBackoff.jobs
        #expect(backoff.delay(afterAttempt: 1, random: 1) == .milliseconds(16_500))
        #expect(backoff.delay(afterAttempt: 1, random: -1) == .milliseconds(13_500))
        for _ in 0..<100 {
            let delay = backoff.delay(afterAttempt: 3)
            #expect(delay >= .seconds(54) && delay <= .seconds(66))
        }
    }

    @Test("the default schedule spans days, well inside the legal month")
    func schedule() {
        let total = (1..<20).reduce(Duration.zero) { $0 + RetryBackoff.jobs.delay(afterAttempt: $1, random: 0) }
        #expect(total > .seconds(2 * 86_400))
        #expect(total < .seconds(7 * 86_400))
    }
}
