import GDPRWorkerQueue

/// Where the data subjects themselves are: the table with one row per person, the column whose
/// value is the person's key, and, for self-service deletion, the columns of their login.
///
/// The front doors that answer synchronously read it: Azotte's C2A delete answers
/// `CUSTOMER_NOT_FOUND` when no subject row has the key, the loyalty platform's `customer_delete`
/// refuses a code that matches more than one customer, and easycms verifies a customer's email
/// and password against `email` and `password_hash` before it erases the account.
public struct SubjectMap: Sendable, Hashable {
    public var table: String
    /// The column holding the key jobs are enqueued with; one of the table's `match` columns.
    public var key: String
    /// The customer's login email, for self-service deletion.
    public var email: String?
    /// The application's stored hash of the customer's password: bcrypt (`$2a$`, `$2b$`, `$2y$`) or
    /// Django's `pbkdf2_sha256$…`.
    public var passwordHash: String?

    public init(table: String, key: String, email: String? = nil, passwordHash: String? = nil) {
        self.table = table
        self.key = key
        self.email = email
        self.passwordHash = passwordHash
    }
}
