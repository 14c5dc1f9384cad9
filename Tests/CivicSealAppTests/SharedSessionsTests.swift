import CivicSealApp
import CivicSealCrypto
import CivicSealPostgres
import CivicSealPostgresStore
import CivicSealTestSupport
import CivicSealWebKit
import Foundation
import Testing

/// Two instances' session stores on one PostgreSQL database (what two `serve --database postgresql://…` hold).
@Suite(.enabled(if: ExternalTool.isCI || ExternalTool.isUsable("initdb", "psql")))
struct SharedSessionsTests {
    static let codec = SessionPayloadCodec<String>(
        encode: { Array($0.utf8) }, decode: { String(validating: $0, as: UTF8.self) })

    /// Two stores, each over its own connection pool, as two instances have (opened off the cooperative pool).
    static func instances(
        _ database: PostgresTestDatabase, capacity: Int = 100, perOwner: Int = 3
    ) async throws -> (SessionStore<String>, SessionStore<String>, [PostgresStore]) {
        let configuration = try SharedStateTests.configuration(database)
        var stores: [PostgresStore] = []
        var sessions: [SessionStore<String>] = []
        for _ in 0..<2 {
            let store = try await PostgresStore.open(configuration, maximumConnections: 2)
            stores.append(store)
            let backend = try await SharedStateTests.offPool { try DatabaseSessionBackend(store: store) }
            sessions.append(SessionStore(shared: backend, codec: codec, capacity: capacity, sessionsPerOwner: perOwner))
        }
        return (sessions[0], sessions[1], stores)
    }

    @Test("a session made on one instance is found on the other; sign-out on either ends it on both")
    func sessionsAreShared() async throws {
        let folder = TemporaryDirectory("civicseal-shared-sessions")
        let database = try await SharedStateTests.database(folder)
        defer { database.drop() }
        let (a, b, stores) = try await Self.instances(database)
        defer { for store in stores { try? store.close() } }
        #expect(a.isShared && b.isShared)

        let session = try await a.create("officer Lan", owner: "officer:lan")
        let seen = try #require(await b.lookup(session.id))
        #expect(seen.payload == "officer Lan")
        // The CSRF token minted by A is accepted by B's copy of the session.
        #expect(SessionStore<String>.csrfMatches(seen, session.csrfToken))
        #expect(!SessionStore<String>.csrfMatches(seen, String(session.csrfToken.reversed())))
        // A change made on B is seen on A.
        #expect(await b.update(session.id) { $0 += " (flash)" }?.payload == "officer Lan (flash)")
        #expect(await a.lookup(session.id)?.payload == "officer Lan (flash)")
        // Rotation (sign-in) on B: the old id stops working on both, the new one works on both.
        let rotated = try #require(await b.rotate(session.id))
        #expect(await a.lookup(session.id) == nil)
        #expect(await b.lookup(session.id) == nil)
        #expect(await a.lookup(rotated.id)?.payload == "officer Lan (flash)")
        #expect(await a.lookup(rotated.id)?.csrfToken == rotated.csrfToken)
        // Sign-out on A ends it on B.
        await a.remove(rotated.id)
        #expect(await b.lookup(rotated.id) == nil)
        #expect(await a.count == 0)
        #expect(await b.count == 0)
    }

    @Test("the database holds digests and sealed payloads, never a session id, an owner or a payload in clear")
    func theTableHoldsNoSecretOrPersonalData() async throws {
        let folder = TemporaryDirectory("civicseal-shared-sessions")
        let database = try await SharedStateTests.database(folder)
        defer { database.drop() }
        let (a, _, stores) = try await Self.instances(database)
        defer { for store in stores { try? store.close() } }
        let session = try await a.create("Nguyễn Văn An 001099012345", owner: "citizen:https://idp.example subject-42")
        let dump = try await SharedStateTests.offPool {
            try database.scalar(
                "SELECT encode(key, 'escape') || encode(owner_key, 'escape') || encode(payload, 'escape') "
                    + "FROM web_sessions")
        }
        #expect(!dump.isEmpty)
        #expect(!dump.contains(session.id) && !dump.contains("001099012345") && !dump.contains("subject-42"))
        let key = try await SharedStateTests.offPool {
            try database.scalar("SELECT encode(key, 'hex') FROM web_sessions")
        }
        let expected = Digest.sha256(Array(session.id.utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(key == expected)
    }

    @Test("limits hold across instances: an owner's sessions are bounded and a full store refuses sign-ins")
    func limitsAreShared() async throws {
        let folder = TemporaryDirectory("civicseal-shared-sessions")
        let database = try await SharedStateTests.database(folder)
        defer { database.drop() }
        let (a, b, stores) = try await Self.instances(database, capacity: 4, perOwner: 2)
        defer { for store in stores { try? store.close() } }
        let first = try await a.create("1", owner: "citizen:x")
        _ = try await b.create("2", owner: "citizen:x")
        _ = try await a.create("3", owner: "citizen:x")
        // The owner's least recently seen session went, wherever it was made.
        #expect(await b.count(owner: "citizen:x") == 2)
        #expect(await b.lookup(first.id) == nil)
        _ = try await b.create("4", owner: "citizen:y")
        _ = try await a.create("5", owner: "citizen:z")
        #expect(await a.count == 4)
        await #expect(throws: SessionStoreError(.full, "")) { try await b.create("6", owner: "citizen:w") }
        #expect(await a.count == 4)
    }
}
