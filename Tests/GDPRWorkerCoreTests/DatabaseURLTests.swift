import GDPRWorkerCore
import Testing

@Suite("Database URLs")
struct DatabaseURLTests {
    @Test("a PostgreSQL URL becomes libpq keywords")
    func postgres() throws {
        let url = try DatabaseURL(parsing: "postgres://app:s%40cret@db.internal:6432/shop?sslmode=require&application_name=eraser")
        guard case .postgres(let parameters) = url else {
            Issue.record("expected a PostgreSQL URL")
            return
        }
        #expect(parameters["host"] == "db.internal")
        #expect(parameters["port"] == "6432")
        #expect(parameters["user"] == "app")
        #expect(parameters["password"] == "s@cret")
        #expect(parameters["dbname"] == "shop")
        #expect(parameters["sslmode"] == "require")
        #expect(parameters["connect_timeout"] == "5")
        #expect(url.engine == .postgres)
    }

    @Test("the password never prints")
    func passwordIsHidden() throws {
        let url = try DatabaseURL(parsing: "postgresql://app:hunter2@localhost/shop")
        #expect(!url.description.contains("hunter2"))
        #expect(url.description == "postgres://app:***@localhost/shop")
    }

    @Test("SQLite paths", arguments: [("sqlite:gdpr.sqlite3", "gdpr.sqlite3"), ("sqlite:/var/lib/gdpr/q.db", "/var/lib/gdpr/q.db"), ("sqlite:///tmp/x.db", "/tmp/x.db")])
    func sqlite(_ text: String, _ path: String) throws {
        #expect(try DatabaseURL(parsing: text) == .sqlite(path: path))
    }

    @Test("malformed URLs are refused without echoing them", arguments: [
        "", "mysql://u:topsecret@h/db", "sqlite:", "sqlite::memory:", "postgres://u:topsecret@h:99999/db",
        "postgres://u:topsecret@h/db?sslmod=require", "postgres://u:top secret@h/db", "topsecret",
    ])
    func malformed(_ text: String) {
        do {
            _ = try DatabaseURL(parsing: text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.code == .invalidDatabaseURL)
            #expect(!error.message.contains("topsecret"))
        }
    }

    @Test("the default is an SQLite file in the working directory")
    func defaultURL() {
        #expect(DatabaseURL.defaultURL == .sqlite(path: "gdpr-worker.sqlite3"))
    }
}
