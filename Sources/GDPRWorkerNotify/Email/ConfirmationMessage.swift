import Foundation
import GDPRWorkerQueue

/// The confirmation a data subject receives once their remove job is done (seed 004: "a
/// confirmation is typically sent to the customer's email address for their records").
///
/// It says what was done and when, and names the job for reference; it carries no key and no
/// data of theirs. The address is validated by `ContactAddress`, so it goes into `To:` as it is.
struct ConfirmationMessage {
    let to: ContactAddress
    let from: String
    let jid: String
    let eventID: String
    let finishedAt: String?
    let mode: String?

    init(to: ContactAddress, from: String, delivery: OutboxDelivery) {
        self.to = to
        self.from = from
        jid = delivery.jid
        eventID = delivery.eventID
        let data = (try? JSONSerialization.jsonObject(with: Data(delivery.payload.utf8))) as? [String: Any]
        let fields = data?["data"] as? [String: Any]
        finishedAt = fields?["finished_at"] as? String
        mode = fields?["mode"] as? String
    }

    var text: String {
        let date = Self.rfc5322Date.string(from: Date())
        let action = mode == "delete" ? "deleted" : "erased"
        let lines = [
            "From: \(from)",
            "To: \(to.rawValue)",
            "Subject: Your personal data has been \(action)",
            "Date: \(date)",
            "Message-ID: <\(eventID)@gdpr-worker>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "Auto-Submitted: auto-generated",
            "",
            "Your request to have your personal data \(action) has been carried out.",
            "",
            "Reference: \(jid)",
            "Completed: \(finishedAt ?? date)",
            "",
            "This confirmation is sent once, to the address given with the request. That address has now been",
            "erased from our systems as well.",
            "",
        ]
        return lines.joined(separator: "\r\n")
    }

    static let rfc5322Date: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter
    }()
}
