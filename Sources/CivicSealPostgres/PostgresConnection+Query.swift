/// A prepared statement's identity in the cache: its SQL and the parameter types the client declares.
struct StatementKey: Hashable {
    let sql: String
    let parameterTypes: [UInt32]
}

/// A statement parsed and described on this connection.
struct PreparedStatement {
    let name: String
    let parameterCount: Int
    /// The result columns, with the format the client asks for in Bind.
    let columns: [PostgresColumn]
    var lastUse: Int
    var resultFormats: [Int16] { columns.map { $0.isBinary ? 1 : 0 } }
}

/// The extended query protocol ("Extended Query"): Parse and Describe once per statement, then Bind, Execute and
/// one Sync per pipeline; and the simple query protocol for scripts.
extension PostgresConnection {
    /// Runs `batch` with one Sync, preparing first what the cache lacks (one more round trip). With
    /// `guardingPreparation` inside a transaction block, that preparation runs under a savepoint released in the same
    /// flight, so a statement the server refuses to parse leaves the transaction as it was (an error in a transaction
    /// block otherwise aborts it): the error then carries the statement's index and
    /// ``PostgresError/duringPreparation``.
    func runExtended(
        _ batch: [PostgresStatement], policy: WaitPolicy, guardingPreparation: Bool = false
    ) throws(PostgresError) -> [PostgresRows] {
        guard let socket else { throw PostgresError(.connection, "the connection is closed") }
        let encoded = batch.map { $0.bindings.map(\.encoded) }
        let keys = zip(batch, encoded).map { StatementKey(sql: $0.sql, parameterTypes: $1.map(\.typeOID)) }
        let inTransaction = transactionState.load(ordering: .relaxed) == UInt8(ascii: "T")
        try prepare(keys, socket: socket, policy: policy, guarded: guardingPreparation && inTransaction)
        var message = FrontendBuffer()
        var prepared: [PreparedStatement] = []
        for (key, parameters) in zip(keys, encoded) {
            guard let statement = statements[key] else { throw PostgresError(.protocol, "a statement was lost") }
            guard statement.parameterCount == parameters.count else {
                throw PostgresError(
                    .unsupported,
                    "the statement has \(statement.parameterCount) parameters but \(parameters.count) were bound")
            }
            useCounter += 1
            statements[key]?.lastUse = useCounter
            prepared.append(statement)
            message.bind(statement: statement.name, parameters: parameters, resultFormats: statement.resultFormats)
            message.execute()
        }
        message.sync()
        try socket.write(message.bytes, policy: policy)
        roundTrips.add(1, ordering: .relaxed)
        var results: [PostgresRows] = []
        var rows: [PostgresRow] = []
        var failure: PostgresError?
        var budget = ResultBudget(limit: configuration.maximumResultBytes)
        while true {
            let message = try next(socket, policy: policy)
            if failure != nil, case .readyForQuery = message {
                break
            } else if failure != nil {
                continue
            }
            switch message {
            case .bindComplete: rows = []
            case .dataRow(let values):
                guard results.count < prepared.count else { throw unexpected(message, "after the last statement") }
                if let tooLarge = budget.take(values) {
                    failure = tooLarge
                    continue
                }
                rows.append(try row(values, columns: prepared[results.count].columns))
            case .commandComplete(let tag):
                guard results.count < prepared.count else { throw unexpected(message, "after the last statement") }
                results.append(PostgresRows(columns: prepared[results.count].columns, rows: rows, commandTag: tag))
            case .emptyQueryResponse:
                results.append(PostgresRows(columns: [], rows: [], commandTag: ""))
            case .error(let fields):
                failure = PostgresError.fromServer(fields)
                failure?.statementIndex = results.count
            case .readyForQuery:
                guard results.count == prepared.count else { throw unexpected(message, "before every result") }
                return results
            case .copyResponse:
                markBroken()  // the server now waits for COPY data: the session cannot go on
                throw PostgresError(.unsupported, "COPY is not supported by this client")
            default: throw unexpected(message, "while statements ran")
            }
        }
        // A schema change made a cached statement's result shape stale (0A000 "cached plan must not change result
        // type"): forget the statements of this pipeline, so that the next call prepares them again.
        if failure?.sqlState == "0A000" {
            for key in keys { statements[key] = nil }
        }
        throw failure ?? PostgresError(.protocol, "a statement failed without an error")
    }

    /// The guard of a guarded preparation (see ``runExtended(_:policy:guardingPreparation:)``).
    static let preparationSavepoint = "civicseal_prepare"

    /// Parses and describes every statement of `keys` not yet cached, with one Sync; evicts the least recently
    /// used beyond the cache size (Close in the same round trip). A refused statement's error carries the index in
    /// `keys` of its first use.
    private func prepare(
        _ keys: [StatementKey], socket: PostgresSocket, policy: WaitPolicy, guarded: Bool
    ) throws(PostgresError) {
        var missing: [StatementKey] = []
        var seen = Set<StatementKey>()
        for key in keys where statements[key] == nil && seen.insert(key).inserted { missing.append(key) }
        if missing.isEmpty { return }
        var message = FrontendBuffer()
        if guarded { message.runUnnamed("SAVEPOINT \(Self.preparationSavepoint)") }
        let excess = statements.count + missing.count - max(configuration.statementCacheSize, 1)
        if excess > 0 {
            let used = Set(keys)
            let evicted = statements.filter { !used.contains($0.key) }.sorted { $0.value.lastUse < $1.value.lastUse }
                .prefix(excess)
            for (key, statement) in evicted {
                message.closeStatement(statement.name)
                statements[key] = nil
            }
        }
        var names: [(StatementKey, String)] = []
        for key in missing {
            statementCounter += 1
            let name = "civicseal_\(statementCounter)"
            names.append((key, name))
            message.parse(name: name, sql: key.sql, parameterTypes: key.parameterTypes)
            message.describeStatement(name)
        }
        if guarded { message.runUnnamed("RELEASE SAVEPOINT \(Self.preparationSavepoint)") }
        message.sync()
        try socket.write(message.bytes, policy: policy)
        roundTrips.add(1, ordering: .relaxed)
        var index = 0
        var parameterCount = 0
        var failure: PostgresError?
        var guardTaken = false
        while true {
            let message = try next(socket, policy: policy)
            switch message {
            case .closeComplete, .parseComplete, .bindComplete: continue
            case .commandComplete:  // the guard's SAVEPOINT or RELEASE
                guardTaken = true
            case .parameterDescription(let types): parameterCount = types.count
            case .rowDescription, .noData:
                guard index < names.count else { throw unexpected(message, "after the last description") }
                var columns: [PostgresColumn] = []
                if case .rowDescription(let described) = message {
                    columns = described.map { column in
                        PostgresColumn(
                            name: column.name, tableOID: column.tableOID, attributeNumber: column.attributeNumber,
                            typeOID: column.typeOID, typeModifier: column.typeModifier,
                            isBinary: PostgresValue.binaryResultTypes.contains(column.typeOID))
                    }
                }
                let (key, name) = names[index]
                useCounter += 1
                statements[key] = PreparedStatement(
                    name: name, parameterCount: parameterCount, columns: columns, lastUse: useCounter)
                index += 1
            case .error(let fields):
                failure = PostgresError.fromServer(fields)
                if index < names.count { failure?.statementIndex = keys.firstIndex(of: names[index].0) }
                failure?.duringPreparation = true
            case .readyForQuery:
                if var failure {
                    if guarded {
                        // Back to before the flight; without the guard's savepoint (its own failure) the
                        // transaction stays aborted and the index means nothing.
                        guard guardTaken else {
                            failure.statementIndex = nil
                            throw failure
                        }
                        _ = try runSimple(
                            "ROLLBACK TO SAVEPOINT \(Self.preparationSavepoint); "
                                + "RELEASE SAVEPOINT \(Self.preparationSavepoint)", policy: policy)
                    }
                    throw failure
                }
                guard index == names.count else { throw unexpected(message, "before every description") }
                return
            default: throw unexpected(message, "while statements were prepared")
            }
        }
    }

    private func row(_ values: [[UInt8]?], columns: [PostgresColumn]) throws(PostgresError) -> PostgresRow {
        guard values.count == columns.count else {
            throw PostgresError(.protocol, "a row has \(values.count) values for \(columns.count) columns")
        }
        var decoded: [PostgresValue] = []
        decoded.reserveCapacity(values.count)
        for (value, column) in zip(values, columns) {
            decoded.append(try PostgresValue.decode(value, typeOID: column.typeOID, binary: column.isBinary))
        }
        return PostgresRow(columns: columns, values: decoded)
    }

    func runSimple(_ script: String, policy: WaitPolicy) throws(PostgresError) -> [PostgresRows] {
        guard let socket else { throw PostgresError(.connection, "the connection is closed") }
        var message = FrontendBuffer()
        message.query(script)
        try socket.write(message.bytes, policy: policy)
        roundTrips.add(1, ordering: .relaxed)
        var results: [PostgresRows] = []
        var columns: [PostgresColumn] = []
        var rows: [PostgresRow] = []
        var failure: PostgresError?
        var budget = ResultBudget(limit: configuration.maximumResultBytes)
        while true {
            let message = try next(socket, policy: policy)
            if failure != nil, case .dataRow = message { continue }
            switch message {
            case .rowDescription(let described):
                columns = described
                rows = []
            case .dataRow(let values):
                if let tooLarge = budget.take(values) {
                    failure = tooLarge
                    continue
                }
                rows.append(try row(values, columns: columns))
            case .commandComplete(let tag):
                results.append(PostgresRows(columns: columns, rows: rows, commandTag: tag))
                columns = []
                rows = []
            case .emptyQueryResponse: continue
            case .error(let fields): failure = PostgresError.fromServer(fields)
            case .readyForQuery:
                if let failure { throw failure }
                return results
            case .copyResponse:
                markBroken()  // the server now waits for COPY data: the session cannot go on
                throw PostgresError(.unsupported, "COPY is not supported by this client")
            default: throw unexpected(message, "while a script ran")
            }
        }
    }
}

/// Counts the row bytes one call has received against the configured limit.
struct ResultBudget {
    let limit: Int
    private var used = 0

    init(limit: Int) { self.limit = limit }

    /// Adds a row; returns the error to report once the total passes the limit.
    mutating func take(_ values: [[UInt8]?]) -> PostgresError? {
        used += values.reduce(4 * values.count) { $0 + ($1?.count ?? 0) }
        guard used > limit else { return nil }
        return PostgresError(.unsupported, "the result is larger than the limit of \(limit) bytes")
    }
}
