/// Lowercase hexadecimal text of bytes.
///
/// Table-driven because it runs once per finished job (the audit hash): `String(format: "%02x")`
/// goes through Foundation's printf machinery per byte and cost more than the HMAC itself.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
