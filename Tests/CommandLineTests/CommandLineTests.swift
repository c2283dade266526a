import Foundation
import GDPRWorkerErasure
import GDPRWorkerPostgres
import GDPRWorkerQueue
import GDPRWorkerSQLite
import GDPRWorkerTestSupport
import Testing

/// The real `gdpr-worker` binary, run as a user would run it.
@Suite("Command line")
struct CommandLineTests {
    func run(_ arguments: [String], database: TestDatabase? = nil, input: String? = nil) throws -> ProcessRunner.Outcome
    {
        var environment = ["GDPR_WORKER_LOG_LEVEL": "warning"]
        if let database { environment["GDPR_WORKER_DATABASE_URL"] = database.url }
        return try ProcessRunner.outcome(PackagePaths.binary.path, arguments, environment: environment, input: input)
    }

    /// A user error: one line on standard error, the given status, and no trace of a crash.
    func expectUserError(
        _ outcome: ProcessRunner.Outcome, status: Int32, mentioning text: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(outcome.status == status, "exit status", sourceLocation: sourceLocation)
        let lines = outcome.standardError.split(separator: "\n")
        #expect(lines.count == 1, "one line: \(outcome.standardError)", sourceLocation: sourceLocation)
        #expect(outcome.standardError.hasPrefix("gdpr-worker: error: "), sourceLocation: sourceLocation)
        #expect(outcome.standardError.contains(text), "\(outcome.standardError)", sourceLocation: sourceLocation)
        #expect(!outcome.standardError.contains("Fatal error"), sourceLocation: sourceLocation)
        #expect(outcome.standardOutput.isEmpty, sourceLocation: sourceLocation)
    }

    @Test("migrate, twice", arguments: TestDatabase.engines)
    func migrateTwice(_ engine: DatabaseEngine) throws {
        let database = try TestDatabase(engine, migrated: false)
        let first = try run(["migrate"], database: database)
        #expect(first.status == 0)
        #expect(first.standardOutput.contains("applied 0001_queue"))
        #expect(first.standardOutput.contains("applied 0002_api_keys"))
        let second = try run(["migrate"], database: database)
        #expect(second.status == 0)
        #expect(second.standardOutput.contains("schema is up to date"))
    }

    @Test("enqueue prints a jid that status reports as started", arguments: TestDatabase.engines)
    func enqueueAndStatus(_ engine: DatabaseEngine) throws {
        let database = try TestDatabase(engine)
        let enqueued = try run(
            ["enqueue", "d9528030-509c-4e0f-b585-7168f1e9feca", "--mode", "delete"], database: database)
        #expect(enqueued.status == 0, "\(enqueued.standardError)")
        let jid = enqueued.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(throws: Never.self) { try JobID(parsing: jid) }
        let status = try run(["status", jid], database: database)
        #expect(status.status == 0)
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(status.standardOutput.utf8)) as? [String: Any])
        #expect(json["jid"] as? String == jid)
        #expect(json["status"] as? String == "started")
        #expect(json["phase"] as? String == "waiting_for_archive")
        #expect(json["mode"] as? String == "delete")
        #expect(json["legal_due_at"] is String)
        #expect(!status.standardOutput.contains("d9528030-509c"))
    }

    @Test("enqueue reads the key from standard input with -", arguments: [DatabaseEngine.sqlite])
    func keyFromStandardInput(_ engine: DatabaseEngine) throws {
        let database = try TestDatabase(engine)
        let enqueued = try run(["enqueue", "-"], database: database, input: "alice@example.com\n")
        #expect(enqueued.status == 0)
        let claimed = try database.withConnection { connection in
            try connection.claim(
                ClaimRequest(worker: "w", limit: 1, lease: .seconds(5), cutoff: ArchiveCutoff(delay: .zero), now: nil))
        }
        #expect(claimed.first?.customerKey.rawValue == "alice@example.com")
    }

    @Test("status of an unknown jid prints not_found and exits 1", arguments: TestDatabase.engines)
    func unknownJob(_ engine: DatabaseEngine) throws {
        let database = try TestDatabase(engine)
        let outcome = try run(["status", "d9528030-509c-4e0f-b585-7168f1e9feca"], database: database)
        #expect(outcome.status == 1)
        #expect(
            outcome.standardOutput == #"{"jid":"d9528030-509c-4e0f-b585-7168f1e9feca","status":"not_found"}"# + "\n")
    }

    @Test(
        "bad input gets one line and exit 64",
        arguments: [
            (["status", "not-a-uuid"], "jid must be a UUID"),
            (["enqueue", ""], "customerKey must not be empty"),
            (["enqueue", String(repeating: "k", count: 257)], "at most 256 bytes"),
            (["enqueue", "alice\u{7}@example.com"], "control characters"),
            (["enqueue", "alice@example.com", "--mode", "shred"], "mode must be one of"),
            (["enqueue", "alice@example.com", "--tenant", "acme corp"], "tenant must be"),
            (["enqueue", "alice@example.com", "--database-url", "mysql://u:p@h/db"], "must start with postgres://"),
            (["enqueue", "alice@example.com", "--database-url", "postgres://u:topsecret@h:99999/db"], "port must be"),
            (
                ["status", "d9528030-509c-4e0f-b585-7168f1e9feca", "--archive-delay", "5"],
                "a duration is a number with a unit"
            ),
        ])
    func badInput(_ arguments: [String], _ message: String) throws {
        let database = try TestDatabase(.sqlite)
        let outcome = try run(arguments, database: arguments.contains("--database-url") ? nil : database)
        expectUserError(outcome, status: 64, mentioning: message)
        #expect(!outcome.standardError.contains("alice"))
        #expect(!outcome.standardError.contains("topsecret"))
    }

    @Test("an unreachable database gets one line and exit 69")
    func unreachable() throws {
        let outcome = try run([
            "enqueue", "alice@example.com", "--database-url", "postgres://u:topsecret@127.0.0.1:1/db?connect_timeout=2",
        ])
        expectUserError(outcome, status: 69, mentioning: "cannot connect to PostgreSQL")
        #expect(!outcome.standardError.contains("topsecret"))
    }

    @Test("a wrong password gets one line and exit 69, without the password")
    func wrongPassword() throws {
        guard TestDatabase.engines.contains(.postgres) else { return }
        let server = try TestPostgresServer.parameters.get()
        let wrong = server.setting("password", to: "Wr0ng-pa55word")
        let outcome = try run(["migrate", "--database-url", wrong.urlString])
        expectUserError(outcome, status: 69, mentioning: "password authentication failed")
        #expect(!outcome.standardError.contains("Wr0ng-pa55word"))
        #expect(!outcome.standardError.contains(server["password"] ?? "-"))
    }

    @Test("a database without the schema asks for migrate, exit 78", arguments: TestDatabase.engines)
    func missingSchema(_ engine: DatabaseEngine) throws {
        let database = try TestDatabase(engine, migrated: false)
        expectUserError(
            try run(["enqueue", "k"], database: database), status: 78, mentioning: "run `gdpr-worker migrate` first")
    }

    @Test("an unknown flag is a usage error, not a crash")
    func unknownFlag() throws {
        let outcome = try run(["enqueue", "k", "--frobnicate"])
        #expect(outcome.status == 64)
        #expect(!outcome.standardError.contains("Fatal error"))
    }
}

@Suite("Command line: keys")
struct KeysCommandTests {
    func run(_ arguments: [String], database: TestDatabase) throws -> ProcessRunner.Outcome {
        try ProcessRunner.outcome(
            PackagePaths.binary.path, arguments, environment: ["GDPR_WORKER_DATABASE_URL": database.url])
    }

    @Test("create prints the key once, list never shows it, revoke disables it", arguments: TestDatabase.engines)
    func lifecycle(_ engine: DatabaseEngine) throws {
        let database = try TestDatabase(engine)
        let created = try run(["keys", "create", "--tenant", "acme", "--name", "portal"], database: database)
        #expect(created.status == 0)
        let token = created.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("gwk_"))
        let id = String(token.split(separator: "_")[1])
        #expect(
            try database.withConnection { try $0.tenant(forAPIKeyHash: APIKey.hash(token: token)) }
                == (try Tenant("acme")))
        let listed = try run(["keys", "list"], database: database)
        #expect(listed.standardOutput.contains(id))
        #expect(listed.standardOutput.contains("acme\tportal"))
        #expect(!listed.standardOutput.contains(String(token.split(separator: "_")[2])))
        #expect(try run(["keys", "revoke", id], database: database).status == 0)
        #expect(try database.withConnection { try $0.tenant(forAPIKeyHash: APIKey.hash(token: token)) } == nil)
        let again = try run(["keys", "revoke", id], database: database)
        #expect(again.status == 64)
        #expect(again.standardError.contains("no active key has id"))
        #expect(try run(["keys", "create", "--tenant", "bad tenant"], database: database).status == 64)
    }
}
