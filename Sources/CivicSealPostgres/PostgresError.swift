/// Every failure of the PostgreSQL client: a stable kind, a message that never holds a bound value or a password,
/// and for errors the server reported the fields of its ErrorResponse (SQLSTATE, detail, constraint …).
package struct PostgresError: Error, Sendable, CustomStringConvertible {
    package enum Kind: String, Sendable {
        /// The server could not be reached, or the connection broke (the connection is dropped).
        case connection
        /// TLS could not be set up or the server's certificate was refused.
        case tls
        /// The server sent something the protocol does not allow (the connection is dropped).
        case `protocol`
        /// The server refused the credentials, or authentication could not be completed safely.
        case authentication
        /// The server reported an error for a statement (see ``sqlState``); the connection stays usable.
        case server
        /// A deadline passed (connect, pool checkout, query timeout).
        case timeout
        /// The calling task was cancelled (a running statement was cancelled on the server).
        case cancelled
        /// The client was asked for something it does not do (a mechanism, a type, a COPY).
        case unsupported
    }

    /// The fields of an ErrorResponse, by their one-letter codes (protocol "Error and Notice Message Fields").
    package struct ServerFields: Sendable, Equatable {
        package var fields: [UInt8: String]
        package init(_ fields: [UInt8: String]) { self.fields = fields }
        package var severity: String? { fields[UInt8(ascii: "V")] ?? fields[UInt8(ascii: "S")] }
        package var sqlState: String? { fields[UInt8(ascii: "C")] }
        package var message: String? { fields[UInt8(ascii: "M")] }
        package var detail: String? { fields[UInt8(ascii: "D")] }
        package var hint: String? { fields[UInt8(ascii: "H")] }
        package var schema: String? { fields[UInt8(ascii: "s")] }
        package var table: String? { fields[UInt8(ascii: "t")] }
        package var column: String? { fields[UInt8(ascii: "c")] }
        package var constraint: String? { fields[UInt8(ascii: "n")] }
    }

    package let kind: Kind
    package let message: String
    /// The server's fields when the server reported the error.
    package let server: ServerFields?
    /// For a statement of a pipeline the server refused: its index in the pipeline. Statements before it ran;
    /// it and those after it did not.
    package var statementIndex: Int?
    /// Set when the statement at ``statementIndex`` was refused while it was being prepared (Parse): nothing of the
    /// pipeline ran, and a pipeline prepared under a savepoint left the transaction as it was.
    package var duringPreparation = false

    package init(_ kind: Kind, _ message: String, server: ServerFields? = nil) {
        self.kind = kind
        self.message = message
        self.server = server
    }

    /// The SQLSTATE the server reported ("23505" unique_violation, "28P01" invalid_password, "57014" cancelled).
    package var sqlState: String? { server?.sqlState }
    package var constraint: String? { server?.constraint }
    package var detail: String? { server?.detail }

    /// Whether the connection that raised this error is in an unknown state and must be dropped: failures of the
    /// socket, TLS, the protocol or authentication, and a timeout the server never answered. A statement error, a
    /// cancelled or timed-out statement the server confirmed, and a refusal by the client leave it usable.
    package var breaksConnection: Bool {
        switch kind {
        case .server, .cancelled, .unsupported: false
        case .timeout: server == nil
        case .connection, .tls, .protocol, .authentication: true
        }
    }

    package var description: String {
        var text = "postgres \(kind.rawValue) error: \(message)"
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        return text
    }

    /// The error for an ErrorResponse: authentication (SQLSTATE class 28), cancelled (57014), else server.
    static func fromServer(_ fields: ServerFields, duringStartup: Bool = false) -> PostgresError {
        let state = fields.sqlState ?? ""
        // FATAL and PANIC end the session (an administrator shutdown, 57P01, reaches idle connections this way).
        let ending = ["FATAL", "PANIC"].contains(fields.severity ?? "")
        let kind: Kind =
            state.hasPrefix("28")
            ? .authentication : state == "57014" ? .cancelled : (duringStartup || ending) ? .connection : .server
        return PostgresError(kind, fields.message ?? "the server reported an error", server: fields)
    }
}
