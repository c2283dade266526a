import GDPRWorkerErasure
import GDPRWorkerQueue

extension PostgresConnection {
    public var dialect: any SQLDialect { PostgresDialect() }
}
