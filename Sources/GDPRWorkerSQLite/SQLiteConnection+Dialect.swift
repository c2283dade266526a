import GDPRWorkerCore

extension SQLiteConnection {
    public var dialect: any SQLDialect { SQLiteDialect() }
}
