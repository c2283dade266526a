import CLibPQ
import Foundation
import GDPRWorkerCore

/// A dedicated connection that LISTENs on the queue's channel and blocks in `poll` until a NOTIFY.
final class PostgresNotificationListener: JobWakeupSource {
    private let connection: PostgresConnection

    init(parameters: PostgresConnectionParameters, channel: String) throws(DatabaseError) {
        connection = try PostgresConnection(parameters: parameters.setting("application_name", to: "gdpr-worker-listener"))
        try connection.executeScript("LISTEN \(channel)")
    }

    func wait(timeout: Duration) throws(DatabaseError) -> Bool {
        if try connection.drainNotifications() > 0 { return true }
        var descriptor = pollfd(fd: connection.socket, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(clamping: Int64(timeout.seconds * 1000))
        let ready = poll(&descriptor, 1, milliseconds)
        if ready <= 0 { return false }
        return try connection.drainNotifications() > 0
    }

    func close() {
        connection.close()
    }
}
