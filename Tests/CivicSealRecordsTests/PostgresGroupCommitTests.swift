import CivicSealPostgres
import CivicSealStorage
import CivicSealTestSupport
import Dispatch
import Foundation
import Synchronization
import Testing

@testable import CivicSealPostgresStore
@testable import CivicSealRecords

/// Group commit on a real PostgreSQL server: async writes queued behind a running one are committed together, in
/// one transaction, and each caller still gets its own outcome, never before COMMIT.
///
/// Each test holds the writer lane with a first write whose closure waits on a gate, queues its writers one by one
/// behind it (waiting until each is queued, so the batch's order is known), then opens the gate: the queued writers
/// form the next batch.
@Suite(.enabled(if: ExternalTool.isCI || ExternalTool.isUsable("initdb", "psql")))
struct PostgresGroupCommitTests {
    @Test("a batch commits its writers in one transaction; one that throws or fails alone is absent, with its error")
    func failuresStayWithTheirOwnWriter() async throws {
        let fixture = try await GroupCommitFixture.make()
        defer { fixture.close() }
        let gate = try await fixture.holdTheLane()
        var writers: [Task<Int64, any Error>] = []
        for index in 0..<8 {
            writers.append(
                try await fixture.queue { session in
                    try session.execute("INSERT INTO gc (k) VALUES (?)", [.text("w\(index)")])
                    switch index {
                    case 1:  // sees what the writers before it in the batch wrote
                        return try session.scalar("SELECT count(*) FROM gc").int64 ?? -1
                    case 3: throw Refusal()
                    case 5:  // a duplicate key, sent only with a later flight
                        try session.execute("INSERT INTO gc (k) VALUES (?)", [.text("w0")])
                    case 6:  // refused when prepared
                        _ = try session.scalar("SELECT no_such_column FROM gc")
                    default: break
                    }
                    return 0
                })
        }
        gate.open()
        #expect(try await gate.held.value == 0)
        var outcomes: [Result<Int64, any Error>] = []
        for writer in writers { outcomes.append(await writer.result) }

        #expect(try outcomes[1].get() == 3, "the blocker's row, w0 and its own")
        #expect(throws: Refusal.self) { try outcomes[3].get() }
        #expect((outcomes[5].failure as? DatabaseError)?.code == .constraintUnique)
        #expect(outcomes[6].failure is DatabaseError)
        for index in [0, 2, 4, 7] { #expect(try outcomes[index].get() == 0) }
        let rows = try await fixture.rows()
        #expect(rows.map(\.key) == ["blocker", "w0", "w1", "w2", "w4", "w7"])
        #expect(Set(rows.dropFirst().map(\.transaction)).count == 1, "one transaction for the whole batch")
        #expect(rows[0].transaction != rows[1].transaction)
    }

    @Test("a connection killed in the middle of a batch fails every writer in it and writes none of them")
    func aBatchWhoseConnectionDiesWritesNothing() async throws {
        let fixture = try await GroupCommitFixture.make()
        defer { fixture.close() }
        let gate = try await fixture.holdTheLane()
        var writers: [Task<Int64, any Error>] = []
        for index in 0..<6 {
            writers.append(
                try await fixture.queue { session in
                    try session.execute("INSERT INTO gc (k) VALUES (?)", [.text("k\(index)")])
                    _ = try session.scalar("SELECT count(*) FROM gc")
                    if index == 3 {
                        // The server ends this connection's backend (FATAL 57P01), as a server killed or restarted
                        // under a running transaction does.
                        _ = try session.scalar("SELECT pg_terminate_backend(pg_backend_pid())")
                    }
                    return 0
                })
        }
        gate.open()
        _ = try await gate.held.value
        for writer in writers {
            let error = await #expect(throws: DatabaseError.self) { try await writer.value }
            #expect(error?.code == .unavailable)
        }
        #expect(try await fixture.rows().map(\.key) == ["blocker"])
        // The store connects afresh for the next batch.
        _ = try await fixture.postgres.writeSession { session in
            try session.execute("INSERT INTO gc (k) VALUES ('after')")
        }
        #expect(try await fixture.rows().map(\.key) == ["after", "blocker"])
    }

    @Test("a writer cancelled while it waits is removed; the writers around it are committed")
    func aCancelledWaitingWriterNeverRuns() async throws {
        let fixture = try await GroupCommitFixture.make()
        defer { fixture.close() }
        let gate = try await fixture.holdTheLane()
        let before = try await fixture.queue { session in
            try session.execute("INSERT INTO gc (k) VALUES ('before')")
            return 0
        }
        let cancelled = try await fixture.queue { session in
            try session.execute("INSERT INTO gc (k) VALUES ('cancelled')")
            return 0
        }
        let after = try await fixture.queue { session in
            try session.execute("INSERT INTO gc (k) VALUES ('after')")
            return 0
        }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        gate.open()
        _ = try await gate.held.value
        _ = try await before.value
        _ = try await after.value
        #expect(try await fixture.rows().map(\.key) == ["after", "before", "blocker"])
    }

    @Test("beyond the queue limit a write is refused at once as busy")
    func aFullQueueRefusesWrites() async throws {
        let fixture = try await GroupCommitFixture.make(maximumQueuedWrites: 2)
        defer { fixture.close() }
        let gate = try await fixture.holdTheLane()
        let first = try await fixture.queue { _ in 1 }
        let second = try await fixture.queue { _ in 2 }
        let refused = await #expect(throws: DatabaseError.self) {
            try await fixture.postgres.writeSession { _ in 3 }
        }
        #expect(refused?.code == .busy)
        gate.open()
        _ = try await gate.held.value
        #expect(try await first.value == 1)
        #expect(try await second.value == 2)
    }

    @Test("a burst of concurrent submissions keeps one audit chain, each request numbered once")
    func aConcurrentBurstKeepsOneAuditChain() async throws {
        let fixture = try await GroupCommitFixture.make(records: true)
        defer { fixture.close() }
        let store = try RequestStore(database: fixture.postgres)
        let submitted = try await withThrowingTaskGroup(of: String.self) { group in
            for person in 1...60 {
                group.addTask { try await store.submit(Fixtures.validated(person: person), now: Fixtures.now).id }
            }
            var ids: [String] = []
            for try await id in group { ids.append(id) }
            return ids
        }
        #expect(Set(submitted).count == 60)
        let verdict = try await store.verifyAudit()
        #expect(verdict.isIntact, "\(verdict)")
        #expect(verdict.entryCount == 60)
        let numbers = try await fixture.postgres.readSession { session in
            try session.query("SELECT seq FROM requests ORDER BY seq").map { $0[0].int64 ?? 0 }
        }
        #expect(numbers == Array(1...60))
    }

    @Test("one submission costs two round trips alone; in a batch one each and one COMMIT for all")
    func submissionsTakeFewRoundTrips() async throws {
        let fixture = try await GroupCommitFixture.make(records: true)
        defer { fixture.close() }
        let store = try RequestStore(database: fixture.postgres)
        // Every statement prepared once on the one connection, by a blocking and an async submission.
        try await onOwnThread { _ = try store.submit(Fixtures.validated(person: 1), now: Fixtures.now) }
        _ = try await store.submit(Fixtures.validated(person: 2), now: Fixtures.now)
        let start = fixture.postgres.roundTrips
        // The blocking API, as the command line and the benchmark's one-writer figure use it.
        try await onOwnThread { _ = try store.submit(Fixtures.validated(person: 3), now: Fixtures.now) }
        let alone = fixture.postgres.roundTrips - start

        let gate = try await fixture.holdTheLane(writing: false)
        var submissions: [Task<RequestSummary, any Error>] = []
        for person in 10..<18 {
            let queued = fixture.postgres.writeQueue.count
            submissions.append(Task { try await store.submit(Fixtures.validated(person: person), now: Fixtures.now) })
            #expect(await eventually { fixture.postgres.writeQueue.count == queued + 1 })
        }
        let batchStart = fixture.postgres.roundTrips
        gate.open()
        _ = try await gate.held.value
        for submission in submissions { _ = try await submission.value }
        // The gate's own transaction ran nothing, so sent nothing.
        let batch = fixture.postgres.roundTrips - batchStart
        #expect(alone <= 2, "\(alone) round trips")
        #expect(batch <= 8 + 1, "\(batch) round trips for 8 submissions in one batch")
        print("round trips: one submission alone \(alone), a batch of 8: \(batch)")
    }
}

private struct Refusal: Error {}

/// Runs blocking work (a blocking store call, `psql`) on a thread of its own, never a cooperative one.
private func onOwnThread<R: Sendable>(_ work: @escaping @Sendable () throws -> R) async throws -> R {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { error } else { nil }
    }
}

/// A PostgresStore on a fresh database of the shared cluster, with a table `gc (k, transaction id)`.
private final class GroupCommitFixture: Sendable {
    let folder = TemporaryDirectory("civicseal-group-commit")
    let database: PostgresTestDatabase
    let postgres: PostgresStore

    /// Made on a thread of its own: creating the database runs `psql`, opening the store blocks.
    static func make(maximumQueuedWrites: Int = 4096, records: Bool = false) async throws -> GroupCommitFixture {
        try await onOwnThread { try GroupCommitFixture(maximumQueuedWrites: maximumQueuedWrites, records: records) }
    }

    private init(maximumQueuedWrites: Int, records: Bool) throws {
        database = try PostgresTestDatabase.make(in: folder.path, prefix: "gc")
        let cluster = database.cluster
        postgres = try PostgresStore.open(
            PostgresConfiguration(
                endpoint: .unixSocket(directory: cluster.directory, port: cluster.port), user: cluster.scramUser,
                password: cluster.scramPassword, database: database.name, applicationName: "civicseal-group-commit"),
            maximumConnections: 2, migrations: records ? RecordsSchema.postgresqlMigrations : [],
            maximumQueuedWrites: maximumQueuedWrites)
        try postgres.writeSession { session in
            try session.executeScript(
                "CREATE TABLE gc (k text PRIMARY KEY, transaction_id bigint NOT NULL DEFAULT txid_current())")
        }
    }

    /// Closes the store and drops the database on a thread of its own (both block), without waiting.
    func close() {
        Thread.detachNewThread { [self] in
            try? postgres.close()
            database.drop()
        }
    }

    /// The committed rows, by key.
    func rows() async throws -> [(key: String, transaction: Int64)] {
        try await postgres.readSession { session in
            try session.query("SELECT k, transaction_id FROM gc ORDER BY k").map {
                ($0[0].string ?? "", $0[1].int64 ?? 0)
            }
        }
    }

    /// Starts a write whose closure holds the writer lane until the gate opens; returns once it runs.
    func holdTheLane(writing: Bool = true) async throws -> Gate {
        let gate = Gate()
        let held = Task {
            try await postgres.writeSession { session -> Int64 in
                if writing { try session.execute("INSERT INTO gc (k) VALUES ('blocker')") }
                gate.enterAndWait()
                return 0
            }
        }
        gate.held = held
        #expect(await eventually { gate.entered })
        return gate
    }

    /// Starts a write and returns once it waits in the queue (so writers queue in the order they are started).
    func queue<T: Sendable>(_ updates: @escaping @Sendable (any SQLSession) throws -> T) async throws -> Task<
        T, any Error
    > {
        let queued = postgres.writeQueue.count
        let task = Task { try await postgres.writeSession(updates) }
        #expect(await eventually { postgres.writeQueue.count == queued + 1 })
        return task
    }
}

/// Holds a closure on the writer lane's thread (never a cooperative one) until opened.
private final class Gate: @unchecked Sendable {
    // @unchecked Sendable: `held` is set once, before any other task reads it; the rest is atomic or a semaphore.
    private let arrived = Atomic<Bool>(false)
    private let opened = DispatchSemaphore(value: 0)
    var held: Task<Int64, any Error>!

    var entered: Bool { arrived.load(ordering: .acquiring) }

    func enterAndWait() {
        arrived.store(true, ordering: .releasing)
        // A hang guard, not a timing: the test opens the gate as soon as its writers are queued.
        _ = opened.wait(timeout: .now() + .seconds(600))
    }

    func open() { opened.signal() }
}
