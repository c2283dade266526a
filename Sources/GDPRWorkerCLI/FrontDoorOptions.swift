import ArgumentParser
import GDPRWorkerHTTP
import GDPRWorkerQueue

/// How `serve` runs the seed systems' front doors (Azotte, the loyalty platform, easycms).
struct FrontDoorOptions: ParsableArguments {
    @Option(
        name: .customLong("door-timeout"),
        help: ArgumentHelp(
            "How long a front-door call waits for its erasure before answering that it still runs.",
            valueName: "duration"))
    var timeout: String = FrontDoorConfiguration.defaultAnswerTimeout.humanReadable

    @Flag(
        name: .customLong("door-waits-for-archive"),
        help: "Front-door jobs wait for the archive cutoff like Voyado's, instead of running at once.")
    var waitsForArchive = false

    @Option(
        name: .customLong("door-login-attempts"),
        help: ArgumentHelp(
            "Failed easycms logins allowed per email and per client address in 15 minutes.", valueName: "n"))
    var loginAttempts = FrontDoorConfiguration.defaultFailedLoginLimit

    func configuration() throws(InputError) -> FrontDoorConfiguration {
        let timeout = try Duration(parsing: timeout)
        guard timeout <= .seconds(300) else {
            throw InputError(.invalidArgument, "--door-timeout must be at most 5m")
        }
        guard (1...1_000).contains(loginAttempts) else {
            throw InputError(.invalidArgument, "--door-login-attempts must be between 1 and 1000")
        }
        return FrontDoorConfiguration(
            waitsForArchive: waitsForArchive, answerTimeout: timeout, failedLoginLimit: loginAttempts)
    }
}
