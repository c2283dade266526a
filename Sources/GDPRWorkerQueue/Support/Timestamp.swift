import Foundation

/// The UTC text form of instants in the database: `2026-11-22T09:46:33.406Z`.
///
/// Hand-rolled rather than a `DateFormatter` because it runs on the claim path for every job and
/// because both engines need one exact, sortable format (SQLite compares times as text).
public enum Timestamp {
    /// Formats `date` in UTC with the given number of fractional digits (3 for SQLite, 6 for PostgreSQL).
    public static func format(_ date: Date, fractionDigits: Int = 3) -> String {
        let scale = fractionDigits == 6 ? 1_000_000.0 : 1_000.0
        let ticks = Int64((date.timeIntervalSince1970 * scale).rounded(.down))
        let unitsPerSecond = Int64(scale)
        var seconds = ticks / unitsPerSecond
        var fraction = ticks % unitsPerSecond
        if fraction < 0 {
            fraction += unitsPerSecond
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = civil(fromDays: days)
        let fractionWidth = fractionDigits == 6 ? 6 : 3
        // Written digit by digit into one buffer: the audit path formats four of these per job.
        let text = String(unsafeUninitializedCapacity: 21 + fractionWidth) { buffer in
            var index = 0
            func put(_ value: Int64, _ width: Int) {
                var value = value
                for position in stride(from: index + width - 1, through: index, by: -1) {
                    buffer[position] = UInt8(truncatingIfNeeded: 48 + value % 10)
                    value /= 10
                }
                index += width
            }
            func put(_ byte: UInt8) {
                buffer[index] = byte
                index += 1
            }
            put(min(max(year, 0), 9999), 4)
            put(0x2D)
            put(month, 2)
            put(0x2D)
            put(day, 2)
            put(0x54)
            put(secondOfDay / 3600, 2)
            put(0x3A)
            put(secondOfDay % 3600 / 60, 2)
            put(0x3A)
            put(secondOfDay % 60, 2)
            put(0x2E)
            put(fraction, fractionWidth)
            put(0x5A)
            return index
        }
        // A year beyond four digits, or before year 0, keeps its own digits.
        guard !(0...9999).contains(year) else { return text }
        var wideYear = ""
        append(year, width: 4, to: &wideYear)
        return wideYear + text.dropFirst(4)
    }

    /// Parses `YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z|±HH[:MM]]`, the forms both engines print,
    /// with a year of four digits or more (PostgreSQL goes up to 294276), and PostgreSQL's
    /// `infinity` and `-infinity`.
    public static func parse(_ text: String) -> Date? {
        switch text {
        case "infinity": return .distantFuture
        case "-infinity": return .distantPast
        default: break
        }
        var bytes = Array(text.utf8)
        // A wide year: parse the rest as if it were year 0000, then add the year back.
        var wideYear: Int64?
        if bytes.count > 4, let dash = bytes.firstIndex(of: 45), dash > 4,
            bytes[..<dash].allSatisfy({ $0 >= 48 && $0 <= 57 })
        {
            wideYear = Int64(String(decoding: bytes[..<dash], as: UTF8.self))
            bytes = Array("0000".utf8) + bytes[dash...]
        }
        guard bytes.count >= 19 else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            return value
        }
        guard bytes[4] == 45, bytes[7] == 45, bytes[10] == 84 || bytes[10] == 32, bytes[13] == 58, bytes[16] == 58,
            let fourDigitYear = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < bytes.count, bytes[index] == 46 {
            index += 1
            var scale = 0.1
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        var offsetSeconds: Int64 = 0
        if index < bytes.count {
            switch bytes[index] {
            case 90:  // Z
                index += 1
            case 43, 45:  // + or -
                let sign: Int64 = bytes[index] == 45 ? -1 : 1
                guard index + 3 <= bytes.count, let hours = number(index + 1..<index + 3) else { return nil }
                index += 3
                var minutes: Int64 = 0
                if index < bytes.count, bytes[index] == 58 { index += 1 }
                if index + 2 <= bytes.count, let parsed = number(index..<index + 2) {
                    minutes = parsed
                    index += 2
                }
                offsetSeconds = sign * (hours * 3600 + minutes * 60)
            default:
                return nil
            }
        }
        guard index == bytes.count else { return nil }
        let days = days(fromCivil: wideYear ?? fourDigitYear, month, day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    private static func append(_ value: Int64, width: Int, to text: inout String) {
        let digits = String(value)
        if digits.count < width { text += String(repeating: "0", count: width - digits.count) }
        text += digits
    }

    // Howard Hinnant's days-from-civil algorithms, exact for the proleptic Gregorian calendar.
    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
