import CivicSealPostgres
import CivicSealStorage
import Synchronization

/// Group commit: async writes (the service's path) are queued, and one writer lane runs every queued closure, up to
/// ``PostgresStore/maximumBatch``, in ONE transaction:
///
/// ```
/// BEGIN; SELECT pg_advisory_xact_lock(…)            -- once, with the first closure's first statement
/// SAVEPOINT civicseal_write; …closure 1…; RELEASE    -- each SAVEPOINT leaves with its closure's first statement,
/// SAVEPOINT civicseal_write; …closure 2…; RELEASE    -- each RELEASE with the next flight
/// …
/// COMMIT                                            -- once; only then is every caller resumed
/// ```
///
/// The audit chain stays one chain appended under one lock: each closure reads the last entry its predecessors in
/// the batch wrote (same transaction), and the lock is held from the first closure to COMMIT. What a batch saves is
/// the commit (and the lock, BEGIN and the transaction's bookkeeping) of every closure but one.
///
/// - A closure that throws, or one of whose statements fails, goes back to its savepoint and gets its own error; the
///   others go on. A serialization failure or deadlock in one closure runs that closure again (bounded).
/// - A failed COMMIT or a broken connection fails the whole batch: every caller gets the error (a serialization
///   failure at COMMIT runs the batch again, bounded); nothing of the batch is committed.
/// - Nobody is acknowledged before COMMIT has answered.
/// - First come, first served: batches take the oldest waiting writes. The lane runs one batch at a time; other
///   instances' writers (and blocking writes) take the same lock in turn.
extension PostgresStore {
    /// Opening of a batch's transaction: the same as a blocking write's.
    static var batchOpening: [PostgresStatement] { writeOpening }

    /// One pass of the writer lane: batches until no write waits.
    func drainWrites() {
        while true {
            let batch = writeQueue.next(maximumBatch)
            if batch.isEmpty { return }
            runBatch(batch)
        }
    }

    /// Runs `writes` in one transaction and resumes each caller with its outcome, once the connection is back in
    /// the pool (a caller's next transaction may want it).
    func runBatch(_ writes: [any GroupedWrite]) {
        let failures = runTransaction(writes)
        for (write, failure) in zip(writes, failures) {
            if let failure { write.fail(failure) } else { write.succeed() }
        }
    }

    /// The batch's transaction; returns each write's failure (nil: committed).
    private func runTransaction(_ writes: [any GroupedWrite]) -> [(any Error)?] {
        var stale = 0
        var commitAttempt = 1
        while true {
            let session: PostgresSession
            do {
                session = try checkOut(opening: Self.batchOpening, savepoints: true)
            } catch {
                return writes.map { _ in error }
            }
            var healthy = true
            defer { checkIn(session, healthy: healthy) }
            let thrown = runClosures(writes, in: session)
            if let fatal = session.fatal {
                if session.brokeAtStart && stale < maximumConnections {
                    stale += 1
                    continue
                }
                healthy = session.rollback()
                return thrown.map { $0 ?? fatal }
            }
            do {
                try session.commit()
            } catch {
                healthy = session.rollback()
                if error.code == .serializationFailure && commitAttempt < maximumAttempts {
                    commitAttempt += 1
                    continue
                }
                return thrown.map { $0 ?? error }
            }
            // A closure's own error, else a failure of one of its statements (found at a later flight or at
            // COMMIT), else none.
            return thrown.indices.map { thrown[$0] ?? session.failures[$0] }
        }
    }

    /// Runs each closure under its savepoint; returns what each threw. Stops at a failure of the whole transaction.
    private func runClosures(_ writes: [any GroupedWrite], in session: PostgresSession) -> [(any Error)?] {
        var thrown = [(any Error)?](repeating: nil, count: writes.count)
        for (index, write) in writes.enumerated() {
            // Claimed just before its closure first runs: a caller cancelled until then is skipped (and has been
            // resumed with CancellationError already).
            guard write.claim() else {
                thrown[index] = CancellationError()
                continue
            }
            var attempt = 1
            while true {
                session.beginClosure(index)
                let error = write.run(session)
                session.endClosure(index, threw: error != nil)
                if session.fatal != nil { return thrown }
                let failure = error ?? session.failures[index]
                if let failure = failure as? DatabaseError, failure.code == .serializationFailure,
                    attempt < maximumAttempts
                {
                    // Back at its savepoint (its locks released): again, alone.
                    session.forgetFailure(of: index)
                    attempt += 1
                    continue
                }
                thrown[index] = error
                break
            }
        }
        return thrown
    }
}
