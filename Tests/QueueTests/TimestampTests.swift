import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import Testing

@Suite("Timestamps")
struct TimestampTests {
    @Test("formats in UTC with fixed width")
    func formats() {
        let date = Date(timeIntervalSince1970: 1_795_340_793.406)
        #expect(Timestamp.format(date) == "2026-11-22T09:46:33.406Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000Z")
    }

    @Test(
        "parses what both engines print",
        arguments: [
            ("2026-11-22T09:46:33.406Z", 1_795_340_793.406), ("2026-11-22 09:46:33.406+00", 1_795_340_793.406),
            ("2026-11-22 10:46:33.406+01:00", 1_795_340_793.406), ("2026-11-22 09:46:33+00", 1_795_340_793),
            ("2026-11-22T09:46:33.406123Z", 1_795_340_793.406123), ("2000-02-29 00:00:00", 951_782_400),
        ])
    func parses(_ text: String, _ seconds: Double) throws {
        let date = try #require(Timestamp.parse(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.000_001)
    }

    @Test(
        "refuses what is not a timestamp",
        arguments: ["", "2026-11-22", "2026-13-01T00:00:00Z", "yesterday", "2026-11-22T09:46:33.4Q"])
    func refuses(_ text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test("round trip keeps microseconds")
    func roundTrip() throws {
        let date = Date(timeIntervalSince1970: 1_795_340_793.123456)
        let parsed = try #require(Timestamp.parse(Timestamp.format(date, fractionDigits: 6)))
        #expect(abs(parsed.timeIntervalSince(date)) < 0.000_002)
    }

    @Test("text order is time order")
    func sortable() {
        let earlier = Timestamp.format(Date(timeIntervalSince1970: 1_795_340_793.406))
        let later = Timestamp.format(Date(timeIntervalSince1970: 1_795_340_793.407))
        #expect(earlier < later)
    }
}
