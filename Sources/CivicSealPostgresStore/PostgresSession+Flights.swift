import CivicSealPostgres
import CivicSealStorage

/// A statement a ``PostgresSession`` holds until its next flight, and whose it is.
struct QueuedStatement {
    enum Role {
        case begin, statement, savepoint, rollbackToSavepoint, releaseSavepoint, commit
    }

    let statement: PostgresStatement
    /// The SQL text as the records layer wrote it, for errors (never the values).
    let sql: String
    /// The closure it belongs to (its index in the session), nil for the store's own (BEGIN, the lock, COMMIT, a
    /// rollback to a savepoint): a failure of those ends the transaction.
    let owner: Int?
    let role: Role

    init(_ statement: PostgresStatement, sql: String, owner: Int?, role: Role) {
        self.statement = statement
        self.sql = sql
        self.owner = owner
        self.role = role
    }

    static let savepointName = "civicseal_write"

    static func savepoint(owner: Int) -> QueuedStatement {
        let sql = "SAVEPOINT \(savepointName)"
        return QueuedStatement(PostgresStatement(sql), sql: sql, owner: owner, role: .savepoint)
    }

    static func release(owner: Int?) -> QueuedStatement {
        let sql = "RELEASE SAVEPOINT \(savepointName)"
        return QueuedStatement(PostgresStatement(sql), sql: sql, owner: owner, role: .releaseSavepoint)
    }

    static let rollbackToSavepoint = QueuedStatement(
        PostgresStatement("ROLLBACK TO SAVEPOINT \(savepointName)"), sql: "ROLLBACK TO SAVEPOINT \(savepointName)",
        owner: nil, role: .rollbackToSavepoint)

    static let commit = QueuedStatement(PostgresStatement("COMMIT"), sql: "COMMIT", owner: nil, role: .commit)
}

/// How statements leave, and how a failure is attributed (see ``PostgresSession``).
///
/// A flight is every waiting statement plus, when the caller needs an answer, its statement, with one Sync. When
/// the server refuses statement *k* of a flight, the statements before it ran and those after it did not:
/// - *k* belongs to the closure running now: the error is thrown to it (it saw the statement, or a later one of its
///   own, fail) and recorded; its later statements are refused with the same error, and at its end the session goes
///   back to its savepoint.
/// - *k* belongs to a closure that already returned (its statements were waiting): in a batch, the session goes back
///   to that closure's savepoint (a script with `ROLLBACK TO` and `RELEASE`, one more round trip, only on failure),
///   records the failure as that closure's outcome and sends the rest of the flight again without it. The closures
///   after it never read anything in that flight (they would have sent it), so nothing they computed depended on it.
/// - anything else (BEGIN, the lock, COMMIT, a broken connection, a plain transaction's waiting statement at
///   COMMIT) ends the transaction: ``PostgresSession/fatal``.
extension PostgresSession {
    /// Sends the waiting statements and `final` in one flight and returns `final`'s rows (nil without one).
    @discardableResult
    func send(_ final: QueuedStatement?) throws(DatabaseError) -> PostgresRows? {
        var flight = pending
        pending = []
        if let final { flight.append(final) }
        while !flight.isEmpty {
            let first = flights == 0
            flights += 1
            do throws(PostgresError) {
                let rows = try connection.pipelineBlocking(flight.map(\.statement), guardingPreparation: savepoints)
                for (statement, result) in zip(flight, rows) { executed(statement, result) }
                return final == nil ? nil : rows.last
            } catch {
                if error.breaksConnection || connection.isBroken {
                    broken = true
                    if first && !flight.contains(where: { $0.role == .commit }) { brokeAtStart = true }
                }
                guard !broken, let index = error.statementIndex, index < flight.count else {
                    throw failed(error, sql: flight.last?.sql, owner: nil)
                }
                if !error.duringPreparation {
                    for statement in flight[..<index] { executed(statement, nil) }
                }
                let owner = flight[index].owner
                let failure = failed(error, sql: flight[index].sql, owner: owner)
                guard let owner, owner != currentOwner, savepoints else {
                    if owner != nil && owner == currentOwner && error.duringPreparation {
                        // Nothing ran: the other closures' statements wait for the next flight.
                        pending = flight[..<index].filter { $0.owner != owner } + pending
                    }
                    throw failure
                }
                // An earlier closure's waiting statement: back to its savepoint, then the rest without it.
                if openSavepoint == owner {
                    try rollbackToSavepoint()
                } else if !error.duringPreparation {
                    throw fail(failure)
                }
                flight = (error.duringPreparation ? flight : Array(flight[index...])).filter { $0.owner != owner }
            }
        }
        return nil
    }

    /// Records a failure: a closure's in ``failures`` (the first stands), anything else as ``fatal``.
    func failed(_ error: PostgresError, sql: String?, owner: Int?) -> DatabaseError {
        if error.breaksConnection || connection.isBroken { broken = true }
        let mapped = PostgresStore.databaseError(error, sql: sql)
        if let owner, !broken {
            if failures[owner] == nil { failures[owner] = mapped }
        } else if fatal == nil {
            fatal = mapped
        }
        return mapped
    }

    private func fail(_ error: DatabaseError) -> DatabaseError {
        if fatal == nil { fatal = error }
        return error
    }

    /// What a statement that ran changes in what the session knows of the server.
    private func executed(_ statement: QueuedStatement, _ rows: PostgresRows?) {
        switch statement.role {
        case .begin: inTransaction = true
        case .savepoint: openSavepoint = statement.owner
        case .rollbackToSavepoint: break
        case .releaseSavepoint: openSavepoint = nil
        case .commit: inTransaction = false
        case .statement:
            if let rows, statement.owner == currentOwner, let count = rows.affectedRows,
                Self.changesRows(rows.commandTag)
            {
                changedRows = count
            }
        }
    }

    /// Back to the open savepoint and out of it, at once (the transaction may be aborted, where only a rollback
    /// may be prepared): one script.
    private func rollbackToSavepoint() throws(DatabaseError) {
        let name = QueuedStatement.savepointName
        flights += 1
        do throws(PostgresError) {
            _ = try connection.simpleQueryBlocking("ROLLBACK TO SAVEPOINT \(name); RELEASE SAVEPOINT \(name)")
            openSavepoint = nil
        } catch {
            throw failed(error, sql: "ROLLBACK TO SAVEPOINT", owner: nil)
        }
    }

    // MARK: Closures

    /// Starts closure `index`: its statements are its own; in a batch, under a savepoint that leaves with its first
    /// flight.
    func beginClosure(_ index: Int) {
        currentOwner = index
        changedRows = 0
        if savepoints { pending.append(.savepoint(owner: index)) }
    }

    /// Ends closure `index`. When it stands, its release waits for the next flight; when it threw or one of its
    /// statements failed, its waiting statements are dropped and the transaction goes back to its savepoint (now
    /// when the transaction is aborted, else with the next flight). A batch that cannot go back is ``fatal``.
    func endClosure(_ index: Int, threw: Bool) {
        currentOwner = nil
        guard savepoints, fatal == nil else { return }
        if !threw && failures[index] == nil {
            if let last = pending.last, last.role == .savepoint, last.owner == index {
                pending.removeLast()  // it ran nothing
            } else {
                pending.append(.release(owner: index))
            }
            return
        }
        pending.removeAll { $0.owner == index }
        if openSavepoint == index {
            if connection.transactionIsAborted {
                _ = try? rollbackToSavepoint()
            } else {
                pending += [.rollbackToSavepoint, .release(owner: nil)]
                openSavepoint = nil
            }
        } else if connection.transactionIsAborted {
            _ = fail(DatabaseError(.error, "a failed statement aborted the transaction outside any savepoint"))
        }
    }

    /// Forgets closure `index`'s failure, to run it again (a serialization failure) after ``endClosure(_:threw:)``
    /// took the transaction back to its savepoint.
    func forgetFailure(of index: Int) { failures[index] = nil }

    // MARK: Ending

    /// Sends what waits with COMMIT, in one flight; a transaction that never ran anything sends nothing.
    func commit() throws(DatabaseError) {
        if let fatal { throw fatal }
        guard inTransaction || pending.contains(where: { $0.owner != nil }) else {
            pending = []
            return
        }
        let rows = try send(.commit)
        // COMMIT of a failed transaction answers ROLLBACK.
        guard rows?.commandTag == "COMMIT" else {
            throw fail(DatabaseError(.error, "the transaction was rolled back at COMMIT"))
        }
    }

    /// Ends an open transaction without keeping anything; false when the connection must be dropped.
    func rollback() -> Bool {
        pending = []
        if broken { return false }
        guard !connection.isIdle else { return true }
        do throws(PostgresError) {
            _ = try connection.simpleQueryBlocking("ROLLBACK")
            return true
        } catch {
            return false
        }
    }
}
