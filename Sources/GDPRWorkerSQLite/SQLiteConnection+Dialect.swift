import GDPRWorkerErasure
import GDPRWorkerQueue

extension SQLiteConnection {
    public var dialect: any SQLDialect { SQLiteDialect() }
}
