import Crypto
import Foundation
import GDPRWorkerErasure
import GDPRWorkerHTTP
import GDPRWorkerQueue
import GDPRWorkerTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import Logging
import Prometheus
import Testing
import _CryptoExtras

/// A tenant-scoped member schema with the seeds' own tenants, keys and customers, served with a
/// worker pool running beside the API, as `gdpr-worker serve` runs them.
struct FrontDoorHarness {
    static let schema = """
        CREATE TABLE members (
            id integer PRIMARY KEY,
            account_id text NOT NULL,
            code text NOT NULL,
            email text NOT NULL,
            password_hash text,
            full_name text
        );
        CREATE TABLE transactions (
            id integer PRIMARY KEY,
            member_id integer NOT NULL REFERENCES members (id),
            campaign text NOT NULL,
            points integer NOT NULL
        );
        CREATE INDEX members_code ON members (code);
        CREATE INDEX transactions_member ON transactions (member_id);
        """

    static let dataMap = """
        version: 1
        subject:
          table: members
          key: code
          email: email
          password_hash: password_hash
        tables:
          members:
            match: [code]
            tenant: account_id
            columns:
              id: keep
              account_id: keep
              code: keep
              email: { placeholder: email }
              password_hash: null
              full_name: { placeholder: name }
          transactions:
            reached_by:
              - column: member_id
                references: members.id
            columns:
              id: keep
              member_id: keep
              campaign: keep
              points: keep
        """

    /// The seeds' example tenants and credentials, verbatim.
    enum Seed {
        static let azotteTenant = "e2a1c7b2-4f3a-4b8e-9c2d-1a2b3c4d5e6f"
        static let azotteKey = "sk_dev_acme_sample_123456789"
        static let loyaltyAccount = "greatwidgets"
        static let loyaltyUser = "john1970"
        static let loyaltyKey = "1959caadac9b13dcb3"
        static let loyaltyCode = "1234567890123456"
        static let easycmsAccount = "ACCOUNT_ID"
        static let easycmsToken = "TOKEN"
        static let easycmsUser = "USERNAME"
        static let easycmsPassword = "PASSWORD"
        static let customerEmail = "customer@mail.com"
        static let customerPassword = "YOUR_CUSTOMER_PASSWORD"
    }

    /// Another tenant's key, on every door: `globex`, user `globexuser`, password `globex-password`.
    static let globexKey = "sk_globex_0123456789abcdef"

    let database: TestDatabase
    let pool: WorkerPool?
    let poolTask: Task<Void, any Error>?
    let frontDoors: FrontDoorConfiguration
    /// Where the pool writes exports and the API reads them.
    let exports: ExportStore.Configuration

    static func start(
        _ engine: DatabaseEngine, worker: Bool = true, frontDoors: FrontDoorConfiguration = .init()
    ) throws -> FrontDoorHarness {
        let database = try TestDatabase(engine)
        try database.withConnection { connection in
            try connection.database.executeScript(schema)
            let bcrypt = Bcrypt.hash(Seed.customerPassword, cost: 4)
            let members: [(Int, String, String, String, String?)] = [
                (1, Seed.azotteTenant, "cu.00.482", "anna@example.com", nil),
                (2, Seed.azotteTenant, "cu.00.483", "bo@example.com", nil),
                (3, "globex", "cu.00.482", "anna@example.com", bcrypt),
                (4, Seed.loyaltyAccount, Seed.loyaltyCode, "carl@example.com", nil),
                (5, Seed.loyaltyAccount, "5555", "dora@example.com", nil),
                (6, Seed.loyaltyAccount, "dup-code", "eva@example.com", nil),
                (7, Seed.loyaltyAccount, "dup-code", "fred@example.com", nil),
                (8, Seed.easycmsAccount, "ec-8", Seed.customerEmail, bcrypt),
                (9, Seed.easycmsAccount, "ec-9", "django@mail.com", djangoHash(Seed.customerPassword)),
                (10, "globex", "ec-10", Seed.customerEmail, bcrypt),
            ]
            let d = database.dialect
            for (id, account, code, email, hash) in members {
                try connection.database.execute(
                    """
                    INSERT INTO members (id, account_id, code, email, password_hash, full_name)
                    VALUES (\(d.placeholder(1)), \(d.placeholder(2)), \(d.placeholder(3)), \(d.placeholder(4)), \(d.placeholder(5)), \(d.placeholder(6)))
                    """, [.int(id), .text(account), .text(code), .text(email), .optional(hash), .text("Person \(id)")])
                for campaign in 0..<2 {
                    try connection.database.execute(
                        "INSERT INTO transactions (id, member_id, campaign, points) VALUES (\(d.placeholder(1)), \(d.placeholder(2)), \(d.placeholder(3)), 10)",
                        [.int(id * 10 + campaign), .int(id), .text("campaign-\(campaign)")])
                }
            }
            let keys: [(String, String, String?, String?)] = [
                (Seed.azotteKey, Seed.azotteTenant, nil, nil),
                (Seed.loyaltyKey, Seed.loyaltyAccount, Seed.loyaltyUser, nil),
                (Seed.easycmsToken, Seed.easycmsAccount, Seed.easycmsUser, Bcrypt.hash(Seed.easycmsPassword, cost: 4)),
                (globexKey, "globex", "globexuser", Bcrypt.hash("globex-password", cost: 4)),
            ]
            for (token, tenant, name, passwordHash) in keys {
                try connection.insertAPIKey(
                    try APIKey.importing(token), tenant: try Tenant(tenant), name: name, passwordHash: passwordHash)
            }
        }
        var pool: WorkerPool?
        var task: Task<Void, any Error>?
        let exports = ExportStore.Configuration(
            directory: FileManager.default.temporaryDirectory.appending(path: "gw-doors-\(UUID())").path)
        if worker {
            var logger = Logger(label: "test.doors.pool")
            logger.logLevel = .critical
            let started = WorkerPool(
                store: database.store,
                handler: ErasureJobHandler(dataMap: try DataMap(yaml: dataMap), configuration: .init(export: exports)),
                hasher: AuditKeyHasher(secret: Data("test-secret".utf8)),
                configuration: WorkerPool.Configuration(
                    workers: 1, batchSize: 10, pollInterval: .milliseconds(20), archiveDelay: .seconds(5 * 86_400)),
                logger: logger)
            pool = started
            task = Task { try await started.run() }
        }
        return FrontDoorHarness(
            database: database, pool: pool, poolTask: task, frontDoors: frontDoors, exports: exports)
    }

    func stop() async throws {
        pool?.stop()
        try await poolTask?.value
    }

    func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        var logger = Logger(label: "test.doors")
        logger.logLevel = .critical
        let pool = self.pool
        let application = APIServer.makeApplication(
            configuration: .init(apiKeyCacheTTL: .zero, frontDoors: frontDoors),
            database: BlockingConnectionPool(store: database.store, size: 2, failFastWindow: .zero),
            exports: ExportStore(configuration: exports),
            registry: PrometheusCollectorRegistry(), subjects: SubjectLookup(map: try DataMap(yaml: Self.dataMap)),
            logger: logger, onEnqueue: { pool?.wake() })
        try await application.test(.router, body)
    }

    /// Every member row as text, by id, and how many transactions each has.
    func members() throws -> [Int: (row: String, transactions: Int)] {
        try database.withConnection { connection in
            var found: [Int: (String, Int)] = [:]
            for row in try connection.database.query(
                """
                SELECT m.id, m.account_id, m.code, m.email, m.password_hash, m.full_name,
                       (SELECT count(*) FROM transactions t WHERE t.member_id = m.id) AS n
                  FROM members m
                """, [])
            {
                let text = ["account_id", "code", "email", "password_hash", "full_name"].map {
                    row.optionalString($0) ?? "NULL"
                }.joined(separator: "|")
                found[try row.int("id")] = (text, try row.int("n"))
            }
            return found
        }
    }

    /// Whether every member but `changed` is exactly as before.
    static func othersUnchanged(
        _ before: [Int: (row: String, transactions: Int)], _ after: [Int: (row: String, transactions: Int)],
        except changed: Set<Int>
    ) -> Bool {
        before.keys.filter { !changed.contains($0) }.allSatisfy { id in
            after[id]?.row == before[id]?.row && after[id]?.transactions == before[id]?.transactions
        }
    }

    /// Django's `pbkdf2_sha256$ROUNDS$SALT$HASH`, with few rounds for the tests.
    static func djangoHash(_ password: String) -> String {
        let salt = "seasalt0123"
        let key = try! KDF.Insecure.PBKDF2.deriveKey(
            from: Data(password.utf8), salt: Data(salt.utf8), using: .sha256, outputByteCount: 32,
            unsafeUncheckedRounds: 1_000)
        let hash = key.withUnsafeBytes { Data($0).base64EncodedString() }
        return "pbkdf2_sha256$1000$\(salt)$\(hash)"
    }

    static func form(_ fields: [(String, String)]) -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return ByteBuffer(
            string: fields.map {
                "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
            }.joined(separator: "&"))
    }

    static let formHeaders: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
}
