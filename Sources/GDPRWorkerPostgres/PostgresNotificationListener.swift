import CLibPQ
import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue

/// A dedicated connection that LISTENs on the queue's channel and blocks in `poll` until a NOTIFY.
///
/// `poll` also watches one end of a pipe, so that `interrupt` can end the wait from another
/// thread by writing to the other end.
final class PostgresNotificationListener: JobWakeupSource, @unchecked Sendable {
    private let connection: PostgresConnection
    /// [read end, write end]; a byte in it means interrupted for good.
    private var interruption: [Int32] = [-1, -1]

    init(parameters: PostgresConnectionParameters, channel: String) throws(DatabaseError) {
        connection = try PostgresConnection(
            parameters: parameters.setting("application_name", to: "gdpr-worker-listener"))
        guard pipe(&interruption) == 0 else {
            connection.close()
            throw DatabaseError(.connectionFailed, "cannot create the listener's wake-up pipe (errno \(errno))")
        }
        for descriptor in interruption {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        do {
            try connection.executeScript("LISTEN \(channel)")
        } catch {
            close()
            throw error
        }
    }

    func wait(timeout: Duration) throws(DatabaseError) -> Bool {
        if try connection.drainNotifications() > 0 { return true }
        var descriptors = [
            pollfd(fd: connection.socket, events: Int16(POLLIN), revents: 0),
            pollfd(fd: interruption[0], events: Int16(POLLIN), revents: 0),
        ]
        let milliseconds = Int32(clamping: Int64(timeout.seconds * 1000))
        let ready = poll(&descriptors, 2, milliseconds)
        if ready <= 0 || descriptors[1].revents != 0 { return false }
        return try connection.drainNotifications() > 0
    }

    func interrupt() {
        var byte: UInt8 = 1
        _ = write(interruption[1], &byte, 1)
    }

    func close() {
        connection.close()
        for descriptor in interruption where descriptor >= 0 { _ = Glibc.close(descriptor) }
        interruption = [-1, -1]
    }
}
