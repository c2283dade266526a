import CLibPQ
import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue

/// Text-format encoding of arguments and decoding of results by type OID.
enum PostgresValueCodec {
    static func encode(_ value: SQLValue) -> String? {
        switch value {
        case .null: nil
        case .int(let value): String(value)
        case .double(let value): String(value)
        case .text(let text): text
        case .bool(let value): value ? "true" : "false"
        case .timestamp(let date): Timestamp.format(date, fractionDigits: 6)
        case .bytes(let bytes): "\\x" + Hex.encode(bytes)
        case .textArray(let texts): arrayLiteral(texts)
        }
    }

    /// `{"a","b\"c"}`: every element quoted, so commas, braces and the word NULL stay literal.
    static func arrayLiteral(_ texts: [String]) -> String {
        var literal = "{"
        literal.reserveCapacity(texts.reduce(2) { $0 + $1.utf8.count + 3 })
        for (index, text) in texts.enumerated() {
            if index > 0 { literal += "," }
            literal += "\""
            if text.utf8.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                for character in text {
                    if character == "\"" || character == "\\" { literal += "\\" }
                    literal.append(character)
                }
            } else {
                literal += text
            }
            literal += "\""
        }
        return literal + "}"
    }

    static func decode(_ text: String, type: Oid) -> SQLValue {
        switch type {
        case 16: .bool(text == "t")
        case 20, 21, 23, 26: Int64(text).map(SQLValue.int) ?? .text(text)
        case 700, 701: Double(text).map(SQLValue.double) ?? .text(text)
        case 1114, 1184: Timestamp.parse(text).map(SQLValue.timestamp) ?? .text(text)
        case 17: .bytes(decodeBytea(text))
        default: .text(text)
        }
    }

    private static func decodeBytea(_ text: String) -> [UInt8] {
        guard text.hasPrefix("\\x") else { return Array(text.utf8) }
        var bytes: [UInt8] = []
        var high: UInt8?
        for byte in text.utf8.dropFirst(2) {
            let nibble: UInt8
            switch byte {
            case 48...57: nibble = byte - 48
            case 97...102: nibble = byte - 87
            case 65...70: nibble = byte - 55
            default: continue
            }
            if let value = high {
                bytes.append(value << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return bytes
    }
}
