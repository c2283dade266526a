import GDPRWorkerErasure
import GDPRWorkerQueue
import Testing

@Suite("Durations")
struct DurationParsingTests {
    @Test(
        "human forms",
        arguments: [
            ("0s", Duration.zero), ("90m", .seconds(5400)), ("5d", .seconds(432_000)), ("1h30m", .seconds(5400)),
            ("250ms", .milliseconds(250)), ("2w", .seconds(1_209_600)), ("36h", .seconds(129_600)),
        ])
    func parses(_ text: String, _ expected: Duration) throws {
        #expect(try Duration(parsing: text) == expected)
    }

    @Test(
        "refused forms", arguments: ["", "5", "5x", "d", "-5d", "5d3", "1.5h", " 5d", "5 d", "99999999999999999999d"])
    func refuses(_ text: String) {
        #expect(throws: InputError.self) { try Duration(parsing: text) }
    }

    @Test("human form reads back")
    func roundTrip() throws {
        for text in ["5d", "1h30m", "0s", "250ms", "1d2h3m4s"] {
            let duration = try Duration(parsing: text)
            #expect(try Duration(parsing: duration.humanReadable) == duration)
        }
    }
}
