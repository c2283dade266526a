import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import GDPRWorkerTestSupport
import Testing

/// Values: the rules every driver's store keeps.
struct ValueConformance {
    static let checks: [ConformanceCheck] = [
        ConformanceCheck("text values come back exactly as bound: empty is not NULL, Unicode is kept") {
            try ValueConformance().textRoundTrip($0)
        }
    ]

    /// Customer data passes through the drivers on its way to being anonymised or exported; a
    /// driver that changes a value on the way would export the wrong data or miss a match.
    func textRoundTrip(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine)
        var values = ["", "a", "Åsa Öberg 🎉", "A\u{030A}", String(repeating: "ß", count: 3_000), "'; DROP TABLE x; --"]
        // Some engines' text cannot hold NUL at all (PostgreSQL); one that can must not cut the value there.
        if testEngine.textHoldsNUL { values.append("before\u{0}after") }
        try database.withConnection { connection in
            let sql = connection.database.dialect
            try connection.database.executeScript("CREATE TABLE value_roundtrip (id integer PRIMARY KEY, value text)")
            for (id, value) in values.enumerated() {
                try connection.database.execute(
                    "INSERT INTO value_roundtrip (id, value) VALUES (\(sql.placeholder(1)), \(sql.placeholder(2)))",
                    [.int(id), .text(value)])
            }
            let rows = try connection.database.query(
                "SELECT id, value, value IS NULL AS missing FROM value_roundtrip ORDER BY id", [])
            #expect(rows.count == values.count)
            for row in rows {
                let id = try row.int("id")
                #expect(try row.string("value") == values[id], "value \(id)")
                #expect(try row.bool("missing") == false, "value \(id)")
            }
        }
    }
}
