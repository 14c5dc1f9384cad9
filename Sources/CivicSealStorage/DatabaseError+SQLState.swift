internal import CSQLite

extension DatabaseError {
    /// A failure a SQL server reported with its five-character SQLSTATE, under the code SQLite would give the same
    /// failure, so the records layer maps one set of codes whatever the backend (`23505` unique violation →
    /// `SQLITE_CONSTRAINT_UNIQUE`, an exception raised by an append-only trigger → `SQLITE_CONSTRAINT_TRIGGER`).
    /// `message` must already be free of bound values (the server's primary message is; its detail is not).
    package init(sqlState: String, message: String, sql: String?) {
        let resultCode: Int32? =
            switch sqlState {
            case "23505": 2067  // SQLITE_CONSTRAINT_UNIQUE (a macro Swift does not import)
            case "23503": 787  // SQLITE_CONSTRAINT_FOREIGNKEY
            case "23514": 275  // SQLITE_CONSTRAINT_CHECK
            case "23502": 1299  // SQLITE_CONSTRAINT_NOTNULL
            case "P0001": 1811  // SQLITE_CONSTRAINT_TRIGGER: RAISE EXCEPTION in an append-only trigger
            case "25006": SQLITE_READONLY  // read_only_sql_transaction
            case "40001", "40P01": nil
            case "57014": SQLITE_INTERRUPT  // query_canceled
            default: sqlState.hasPrefix("23") ? SQLITE_CONSTRAINT : nil
            }
        if let resultCode {
            self.init(resultCode: resultCode, message: "\(message) [SQLSTATE \(sqlState)]", sql: sql)
        } else if sqlState == "40001" || sqlState == "40P01" {
            self.init(.serializationFailure, "\(message) [SQLSTATE \(sqlState)]", sql: sql)
        } else if sqlState.hasPrefix("08") || sqlState.hasPrefix("57P") || sqlState == "53300" {
            // connection exceptions, admin/crash shutdown, cannot connect now, too many connections
            self.init(.unavailable, "\(message) [SQLSTATE \(sqlState)]", sql: sql)
        } else {
            self.init(.error, "\(message) [SQLSTATE \(sqlState)]", sql: sql)
        }
    }
}
