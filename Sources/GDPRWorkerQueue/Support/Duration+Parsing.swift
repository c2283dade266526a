extension Duration {
    /// Parses the human forms used by flags and environment variables: `0s`, `90m`, `5d`, `1h30m`,
    /// `250ms`. Units are `ms`, `s`, `m`, `h`, `d` and `w`; a bare number is refused as ambiguous.
    public init(parsing text: String) throws(InputError) {
        let invalid = InputError(
            .invalidDuration, "a duration is a number with a unit (ms, s, m, h, d, w), such as 0s, 90m, 5d or 1h30m")
        var milliseconds: Int64 = 0
        var number: Int64?
        var index = text.unicodeScalars.startIndex
        let scalars = text.unicodeScalars
        guard !scalars.isEmpty else { throw invalid }
        while index < scalars.endIndex {
            let scalar = scalars[index]
            if ("0"..."9").contains(scalar) {
                let (scaled, overflow) = (number ?? 0).multipliedReportingOverflow(by: 10)
                guard !overflow else { throw invalid }
                number = scaled + Int64(scalar.value - 48)
                index = scalars.index(after: index)
                continue
            }
            guard let value = number else { throw invalid }
            var unitEnd = scalars.index(after: index)
            while unitEnd < scalars.endIndex, scalars[unitEnd].properties.isAlphabetic {
                unitEnd = scalars.index(after: unitEnd)
            }
            let unit = String(scalars[index..<unitEnd])
            let factor: Int64
            switch unit {
            case "ms": factor = 1
            case "s": factor = 1_000
            case "m": factor = 60_000
            case "h": factor = 3_600_000
            case "d": factor = 86_400_000
            case "w": factor = 604_800_000
            default: throw invalid
            }
            let (part, overflow) = value.multipliedReportingOverflow(by: factor)
            guard !overflow, part <= 100 * 365 * 86_400_000 else { throw invalid }
            milliseconds += part
            number = nil
            index = unitEnd
        }
        guard number == nil else { throw invalid }
        self = .milliseconds(milliseconds)
    }

    /// Seconds as a floating-point number, for arithmetic on `Date`.
    public var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }

    /// The shortest human form that `init(parsing:)` reads back, such as `5d` or `1h30m`.
    public var humanReadable: String {
        var remaining = Int64(seconds * 1000)
        if remaining == 0 { return "0s" }
        var parts = ""
        for (unit, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1)]
        where remaining >= size {
            parts += "\(remaining / size)\(unit)"
            remaining %= size
        }
        return parts
    }
}
