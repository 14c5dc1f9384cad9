import CivicSealRecords
import CivicSealWorkflow
import Foundation
import Testing

/// Drives requests through the store: each allowed transition, and every forbidden one refused without a trace.
@Suite struct LifecycleStoreTests {
    /// Performs `action` on a request of person `owner` as the role the lifecycle expects for it.
    static func attempt(
        _ action: LifecycleAction, _ id: String, owner: Int, in store: RequestStore, now: Date = Fixtures.now
    ) async throws(RecordsError) -> RequestSummary {
        let officer = Fixtures.justiceOfficer
        switch action {
        case .claim: return try await store.claim(id, by: officer, now: now)
        case .approve:
            return try await store.decide(id, .approve(findingsJSON: #"{"convictions":[]}"#), by: officer, now: now)
        case .requestInfo:
            return try await store.decide(
                id, .requestInfo(reason: "Thiếu địa chỉ nơi cư trú 2008"), by: officer, now: now)
        case .reject: return try await store.decide(id, .reject(reason: "Hồ sơ không hợp lệ"), by: officer, now: now)
        case .supplement:
            return try await store.supplement(id, with: Fixtures.validated(person: owner), now: now)
        case .cancel: return try await store.cancel(id, by: Fixtures.citizen(owner), now: now)
        case .issue: return try await store.markIssued(id, now: now)
        case .revoke: return try await store.revoke(id, reason: "Cấp nhầm thông tin", by: officer, now: now)
        case .setComplexity:
            return try await store.setComplexity(
                id, CaseComplexity(reasons: [.livedAbroad]), reason: "Đã sống ở Nhật Bản", by: officer, now: now)
        }
    }

    /// The actions leading from `submitted` to `state`.
    static func path(to state: RequestState) -> [LifecycleAction] {
        switch state {
        case .submitted: []
        case .inReview: [.claim]
        case .needsInfo: [.claim, .requestInfo]
        case .approved: [.claim, .approve]
        case .issued: [.claim, .approve, .issue]
        case .rejected: [.claim, .reject]
        case .cancelled: [.cancel]
        case .revoked: [.claim, .approve, .issue, .revoke]
        }
    }

    /// A new request of person `owner` brought to `state`.
    static func request(in state: RequestState, owner: Int, store: RequestStore) async throws -> String {
        let id = try await store.submit(Fixtures.validated(person: owner), now: Fixtures.now).id
        for action in path(to: state) { _ = try await attempt(action, id, owner: owner, in: store) }
        return id
    }

    @Test(arguments: RecordsBackend.all) func everyAllowedTransitionMovesTheRowAndRecordsHistoryAndAudit(
        backend: RecordsBackend
    ) async throws {
        let fixture = try StoreFixture(backend: backend)
        let store = fixture.store
        // Together these paths use each transition at least once.
        let paths: [[LifecycleAction]] = [
            [.claim, .approve, .issue, .revoke],
            [.claim, .requestInfo, .supplement, .claim, .reject],
            [.cancel],
            [.claim, .requestInfo, .cancel],
            [.setComplexity, .claim, .setComplexity, .requestInfo, .setComplexity, .cancel],
        ]
        var used: Set<String> = []
        for (index, path) in paths.enumerated() {
            let owner = 100 + index
            let id = try await store.submit(Fixtures.validated(person: owner), now: Fixtures.now).id
            var version = 1
            for action in path {
                let before = try await store.request(id, by: .system(), now: Fixtures.now).summary.state
                let summary = try await Self.attempt(action, id, owner: owner, in: store)
                let expected = try #require(RequestLifecycle.transition(from: before, action: action))
                #expect(summary.state == expected.to)
                version += 1
                #expect(summary.version == version)
                used.insert("\(before.rawValue)-\(action.rawValue)")
            }
            let record = try await store.request(id, by: Fixtures.citizen(owner), now: Fixtures.now)
            #expect(record.history.map(\.action) == ["submit"] + path.map(\.rawValue))
            #expect(record.history.map(\.number) == Array(1...(path.count + 1)))
            #expect(Set(record.history.map(\.auditSequence)).count == path.count + 1)
        }
        #expect(used == Set(RequestLifecycle.transitions.map { "\($0.from.rawValue)-\($0.action.rawValue)" }))
        let verdict = try await store.verifyAudit()
        #expect(verdict.isIntact)
        #expect(verdict.entryCount == paths.count + paths.map(\.count).reduce(0, +))
    }

    @Test(arguments: RecordsBackend.all) func approvalStoresFindingsAndClaimAssigns(backend: RecordsBackend)
        async throws
    {
        let fixture = try StoreFixture(backend: backend)
        let id = try await Self.request(in: .inReview, owner: 7, store: fixture.store)
        #expect(try fixture.row(id)[2] == .text("officer-lan"))
        _ = try await Self.attempt(.approve, id, owner: 7, in: fixture.store)
        let record = try await fixture.store.request(id, by: Fixtures.justiceOfficer, now: Fixtures.now)
        #expect(record.findingsJSON == #"{"convictions":[]}"#)
    }

    /// Every (state, action) pair the lifecycle does not list, performed by the role that action needs.
    static let forbidden: [(RequestState, LifecycleAction)] = RequestState.allCases.flatMap { state in
        LifecycleAction.allCases.filter { RequestLifecycle.transition(from: state, action: $0) == nil }.map {
            (state, $0)
        }
    }

    @Test(arguments: RecordsBackend.all, RequestState.allCases)
    func forbiddenTransitionsAreRefusedAndChangeNothing(backend: RecordsBackend, state: RequestState) async throws {
        let fixture = try StoreFixture(backend: backend)
        let owner = 200
        let id = try await Self.request(in: state, owner: owner, store: fixture.store)
        let row = try fixture.row(id)
        let audit = try fixture.count("audit_log")
        let events = try fixture.historyLength(id)
        let actions = Self.forbidden.filter { $0.0 == state }.map(\.1)
        #expect(!actions.isEmpty)
        for action in actions {
            let error = await #expect(throws: RecordsError.self, "\(action.rawValue) from \(state.rawValue)") {
                _ = try await Self.attempt(action, id, owner: owner, in: fixture.store)
            }
            #expect(error?.code == .transitionRefused)
            #expect(error?.lifecycle?.code == .transitionNotAllowed)
            #expect(try fixture.row(id) == row)
        }
        #expect(try fixture.count("audit_log") == audit)
        #expect(try fixture.historyLength(id) == events)
        #expect(try await fixture.store.verifyAudit().isIntact)
    }

    @Test(arguments: RecordsBackend.all) func wrongRoleMissingReasonAndOtherAssigneeAreRefused(backend: RecordsBackend)
        async throws
    {
        let fixture = try StoreFixture(backend: backend)
        let store = fixture.store
        let id = try await Self.request(in: .submitted, owner: 3, store: store)
        let row = try fixture.row(id)
        // A citizen cannot claim their own request.
        var error = await #expect(throws: RecordsError.self) {
            _ = try await store.claim(id, by: Fixtures.citizen(3), now: Fixtures.now)
        }
        #expect(error?.lifecycle?.code == .roleNotAllowed)
        _ = try await store.claim(id, by: Fixtures.justiceOfficer, now: Fixtures.now)
        // A colleague cannot decide a request claimed by someone else.
        error = await #expect(throws: RecordsError.self) {
            _ = try await store.decide(
                id, .approve(findingsJSON: "{}"), by: Fixtures.justiceColleague, now: Fixtures.now)
        }
        #expect(error?.lifecycle?.code == .notAssignee)
        // Rejection needs a reason; white space is none.
        error = await #expect(throws: RecordsError.self) {
            _ = try await store.decide(id, .reject(reason: "   "), by: Fixtures.justiceOfficer, now: Fixtures.now)
        }
        #expect(error?.lifecycle?.code == .reasonRequired)
        // Findings must be a JSON object.
        error = await #expect(throws: RecordsError.self) {
            _ = try await store.decide(
                id, .approve(findingsJSON: "[1,"), by: Fixtures.justiceOfficer, now: Fixtures.now)
        }
        #expect(error?.code == .invalidInput)
        #expect(try fixture.row(id)[0] == .text("in_review"))
        #expect(try fixture.row(id)[1] == .integer((row[1].int64 ?? 0) + 1))
    }

    @Test(arguments: RecordsBackend.all) func staleVersionIsRefusedAsConcurrentModification(backend: RecordsBackend)
        async throws
    {
        let fixture = try StoreFixture(backend: backend)
        let id = try await Self.request(in: .submitted, owner: 4, store: fixture.store)
        let error = await #expect(throws: RecordsError.self) {
            _ = try await fixture.store.claim(id, by: Fixtures.justiceOfficer, expectedVersion: 7, now: Fixtures.now)
        }
        #expect(error?.code == .concurrentModification)
        #expect(try fixture.row(id)[0] == .text("submitted"))
    }

    @Test(arguments: RecordsBackend.all) func supplementCannotChangeTheForm(backend: RecordsBackend) async throws {
        let fixture = try StoreFixture(backend: backend)
        let id = try await Self.request(in: .needsInfo, owner: 5, store: fixture.store)
        let error = await #expect(throws: RecordsError.self) {
            _ = try await fixture.store.supplement(
                id, with: Fixtures.validated(Fixtures.criminalRecord(form: .form2), person: 5), now: Fixtures.now)
        }
        #expect(error?.code == .supplementMismatch)
        #expect(try fixture.row(id)[0] == .text("needs_info"))
    }

    @Test(arguments: RecordsBackend.all) func concurrentClaimsByManyOfficersHaveExactlyOneWinner(
        backend: RecordsBackend
    ) async throws {
        let fixture = try StoreFixture(backend: backend)
        let store = fixture.store
        let id = try await Self.request(in: .submitted, owner: 6, store: store)
        let officers = (0..<12).map { Participant.officer("officer-\($0)", department: "justice-hanoi") }
        let results = await withTaskGroup(of: (String, Result<RequestSummary, RecordsError>).self) { group in
            for officer in officers {
                group.addTask {
                    do throws(RecordsError) {
                        return (officer.id, .success(try await store.claim(id, by: officer, now: Fixtures.now)))
                    } catch {
                        return (officer.id, .failure(error))
                    }
                }
            }
            var all: [(String, Result<RequestSummary, RecordsError>)] = []
            for await result in group { all.append(result) }
            return all
        }
        let winners = results.filter { if case .success = $0.1 { true } else { false } }
        #expect(winners.count == 1)
        for case (_, .failure(let error)) in results { #expect(error.code == .transitionRefused) }
        #expect(try fixture.row(id)[2] == .text(winners.first?.0 ?? "none"))
        #expect(try fixture.historyLength(id) == 2)
    }
}
