import ArgumentParser
import GDPRWorkerErasure
import GDPRWorkerQueue

/// How an error ends the process: the line printed and the exit status (sysexits(3) values).
enum CommandFailure {
    /// 64: the command line or an argument was wrong.
    static let usage = ExitCode(64)
    /// 65: the input data was wrong, such as a data map that fails `check`.
    static let dataError = ExitCode(65)
    /// 69: the database could not be reached or refused the credentials.
    static let unavailable = ExitCode(69)
    /// 70: an internal error; please report it.
    static let software = ExitCode(70)
    /// 73: the sweep left rows it could not archive (the archive holds other rows under their keys).
    static let archiveConflict = ExitCode(73)
    /// 75: a temporary failure; trying again later may succeed.
    static let temporary = ExitCode(75)
    /// 78: the configuration is incomplete, such as a database without the schema.
    static let configuration = ExitCode(78)

    /// The message and status for an error, or a nil message for ArgumentParser's own errors
    /// (help, version, usage), which it prints itself.
    static func describe(_ error: any Error) -> (String?, ExitCode) {
        switch error {
        case let error as InputError:
            return (error.message, usage)
        case let error as DatabaseError:
            switch error.code {
            case .schemaMissing:
                return ("\(error.message); run `gdpr-worker migrate` first", configuration)
            case .connectionFailed, .authenticationFailed, .connectionLost:
                return (error.message, unavailable)
            case .busy, .conflict, .cancelled:
                return (error.message, temporary)
            default:
                return (error.message, software)
            }
        case let error as DataMapError:
            return ("the data map is invalid: \(error)", dataError)
        case let failure as CommandError:
            return (failure.message, failure.code)
        default:
            return (nil, .failure)
        }
    }
}

/// A failure a command reports itself, with its exit status.
struct CommandError: Error {
    var message: String
    var code: ExitCode
}
