import GDPRWorkerErasure
import GDPRWorkerPostgres
import GDPRWorkerQueue
import GDPRWorkerSQLite
import Testing

@Suite("Database URLs")
struct DatabaseURLTests {
    static let drivers = DatabaseDrivers([PostgresDriver(), SQLiteDriver()])

    @Test("a PostgreSQL URL becomes libpq keywords")
    func postgres() throws {
        let store = try Self.drivers.makeStore(
            url: "postgres://app:s%40cret@db.internal:6432/shop?sslmode=require&application_name=eraser")
        let parameters = try #require(store as? PostgresJobStore).parameters
        #expect(parameters["host"] == "db.internal")
        #expect(parameters["port"] == "6432")
        #expect(parameters["user"] == "app")
        #expect(parameters["password"] == "s@cret")
        #expect(parameters["dbname"] == "shop")
        #expect(parameters["sslmode"] == "require")
        #expect(parameters["connect_timeout"] == "5")
        #expect(store.engine == .postgres)
    }

    @Test("the password never prints")
    func passwordIsHidden() throws {
        let store = try Self.drivers.makeStore(url: "postgresql://app:hunter2@localhost/shop")
        #expect(!store.location.contains("hunter2"))
        #expect(store.location == "postgres://app:***@localhost/shop")
    }

    @Test("lock and statement timeouts reach the PostgreSQL session; unset ones keep the driver's defaults")
    func settings() throws {
        let store = try Self.drivers.makeStore(
            url: "postgres://localhost/shop", settings: StoreSettings(lockTimeout: .seconds(2)))
        let session = try #require(store as? PostgresJobStore).session
        #expect(session.lockTimeout == .seconds(2))
        #expect(session.statementTimeout == PostgresSessionSettings.defaultStatementTimeout)
    }

    @Test(
        "SQLite paths",
        arguments: [
            ("sqlite:gdpr.sqlite3", "gdpr.sqlite3"), ("sqlite:/var/lib/gdpr/q.db", "/var/lib/gdpr/q.db"),
            ("sqlite:///tmp/x.db", "/tmp/x.db"),
        ])
    func sqlite(_ text: String, _ path: String) throws {
        let store = try Self.drivers.makeStore(url: text)
        #expect(try #require(store as? SQLiteJobStore).path == path)
        #expect(store.engine == .sqlite)
    }

    @Test(
        "malformed URLs are refused without echoing them",
        arguments: [
            "", "mysql://u:topsecret@h/db", "sqlite:", "sqlite::memory:", "postgres://u:topsecret@h:99999/db",
            "postgres://u:topsecret@h/db?sslmod=require", "postgres://u:top secret@h/db", "topsecret",
        ])
    func malformed(_ text: String) {
        do {
            _ = try Self.drivers.makeStore(url: text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.code == .invalidDatabaseURL)
            #expect(!error.message.contains("topsecret"))
        }
    }

    @Test("an unknown scheme is told the forms each registered driver opens")
    func unknownScheme() {
        #expect(throws: InputError.self) { try Self.drivers.makeStore(url: "mysql://h/db") }
        do {
            _ = try Self.drivers.makeStore(url: "mysql://h/db")
        } catch {
            #expect(error.message == "the database URL must start with postgres://, postgresql:// or sqlite:")
        }
    }

    @Test("the default is an SQLite file in the working directory")
    func defaultURL() throws {
        #expect(
            try #require(try Self.drivers.makeStore(url: SQLiteDriver.defaultURL) as? SQLiteJobStore).path
                == "gdpr-worker.sqlite3")
    }
}
