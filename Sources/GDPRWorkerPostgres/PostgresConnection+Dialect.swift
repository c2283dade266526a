import GDPRWorkerCore

extension PostgresConnection {
    public var dialect: any SQLDialect { PostgresDialect() }
}
