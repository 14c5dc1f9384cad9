import CivicSealRecords
import CivicSealWorkflow
import Foundation
import Testing

/// Department queues, a citizen's own list, and who may see what.
@Suite struct QueryTests {
    /// Submits health certificates (no one-open-request rule) for persons `numbers` received on `day`.
    static func fill(_ store: RequestStore, persons numbers: Range<Int>, day: String) async throws -> [RequestSummary] {
        var summaries: [RequestSummary] = []
        for number in numbers {
            summaries.append(
                try await store.submit(
                    Fixtures.validated(Fixtures.healthCertificate(), person: number, today: Fixtures.date(day)),
                    now: Fixtures.instant(day)))
        }
        return summaries
    }

    @Test(arguments: RecordsBackend.all) func queueIsOrderedByDueDateThenArrivalAndPagesWithoutGaps(
        backend: RecordsBackend
    ) async throws {
        let fixture = try StoreFixture(backend: backend)
        let store = fixture.store
        var all = try await Self.fill(store, persons: 0..<9, day: "2026-07-20")
        all += try await Self.fill(store, persons: 9..<17, day: "2026-07-15")
        // Within a due date, first come first served (row order), whatever the random-looking ids.
        let expected = all.enumerated().sorted { ($0.element.dueDate, $0.offset) < ($1.element.dueDate, $1.offset) }
            .map(\.element.id)
        var seen: [String] = []
        var cursor: String?
        repeat {
            let page = try await store.departmentQueue(
                for: Fixtures.healthOfficer, state: .submitted, limit: 5, after: cursor, now: Fixtures.now)
            #expect(page.items.count <= 5)
            seen += page.items.map(\.id)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen == expected)
    }

    @Test(arguments: RecordsBackend.all) func paginationIsStableWhileRowsAreInserted(backend: RecordsBackend)
        async throws
    {
        let fixture = try StoreFixture(backend: backend)
        let store = fixture.store
        let existing = try await Self.fill(store, persons: 0..<30, day: "2026-07-15")
        var seen: [String] = []
        var cursor: String?
        var nextPerson = 1000
        var pages = 0
        repeat {
            let page = try await store.departmentQueue(
                for: Fixtures.healthOfficer, state: .submitted, limit: 7, after: cursor, now: Fixtures.now)
            seen += page.items.map(\.id)
            cursor = page.nextCursor
            pages += 1
            // Between pages, new requests arrive: same due date (ids sort anywhere) and earlier due dates.
            _ = try await Self.fill(store, persons: nextPerson..<(nextPerson + 3), day: "2026-07-15")
            _ = try await Self.fill(store, persons: (nextPerson + 3)..<(nextPerson + 5), day: "2026-07-01")
            nextPerson += 5
        } while cursor != nil && pages < 100
        #expect(Set(seen).count == seen.count, "no duplicates")
        #expect(Set(existing.map(\.id)).isSubset(of: Set(seen)), "no pre-existing row skipped")
    }

    // The last one is well formed (base64url of `q1|2026-07-15|aaa…a`) but names no request of this database.
    @Test(
        arguments: RecordsBackend.all,
        [
            "", "not-a-cursor", "cTF8MjAyNi0wNy0xNXx4", "q1|2026-07-15|" + String(repeating: "a", count: 32),
            "cTF8MjAyNi0wNy0xNXxhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYQ",
        ])
    func foreignCursorsAreRefused(backend: RecordsBackend, cursor: String) async throws {
        let fixture = try StoreFixture(backend: backend)
        let error = await #expect(throws: RecordsError.self) {
            _ = try await fixture.store.departmentQueue(
                for: Fixtures.healthOfficer, state: .submitted, after: cursor, now: Fixtures.now)
        }
        #expect(error?.code == .invalidCursor)
    }

    @Test(arguments: RecordsBackend.all) func citizensSeeOnlyTheirOwnRequests(backend: RecordsBackend) async throws {
        let fixture = try StoreFixture(backend: backend)
        let store = fixture.store
        let mine = try await store.submit(Fixtures.validated(person: 1), now: Fixtures.now)
        let theirs = try await store.submit(Fixtures.validated(person: 2), now: Fixtures.now)
        #expect(try await store.requests(ownedBy: Fixtures.citizen(1), now: Fixtures.now).map(\.id) == [mine.id])
        for attempt in [
            { _ = try await store.request(theirs.id, by: Fixtures.citizen(1), now: Fixtures.now) },
            { _ = try await store.history(of: theirs.id, by: Fixtures.citizen(1)) },
            { _ = try await store.cancel(theirs.id, by: Fixtures.citizen(1), now: Fixtures.now) },
            {
                _ = try await store.request(
                    String(repeating: "0", count: 32), by: Fixtures.citizen(1), now: Fixtures.now)
            },
            { _ = try await store.request("../etc/passwd", by: Fixtures.citizen(1), now: Fixtures.now) },
        ] as [@Sendable () async throws -> Void] {
            let error = await #expect(throws: RecordsError.self) { try await attempt() }
            #expect(error?.code == .notFound)
        }
        #expect(try fixture.row(theirs.id)[0] == .text("submitted"))
    }

    @Test(arguments: RecordsBackend.all) func officersSeeOnlyTheirDepartment(backend: RecordsBackend) async throws {
        let fixture = try StoreFixture(backend: backend)
        let store = fixture.store
        let criminal = try await store.submit(Fixtures.validated(person: 1), now: Fixtures.now)
        let health = try await store.submit(
            Fixtures.validated(Fixtures.healthCertificate(), person: 2), now: Fixtures.now)
        let justiceQueue = try await store.departmentQueue(
            for: Fixtures.justiceOfficer, state: .submitted, now: Fixtures.now)
        #expect(justiceQueue.items.map(\.id) == [criminal.id])
        let healthQueue = try await store.departmentQueue(
            for: Fixtures.healthOfficer, state: .submitted, now: Fixtures.now)
        #expect(healthQueue.items.map(\.id) == [health.id])
        for attempt in [
            { _ = try await store.request(criminal.id, by: Fixtures.healthOfficer, now: Fixtures.now) },
            { _ = try await store.claim(criminal.id, by: Fixtures.healthOfficer, now: Fixtures.now) },
            { _ = try await store.history(of: health.id, by: Fixtures.justiceOfficer) },
        ] as [@Sendable () async throws -> Void] {
            let error = await #expect(throws: RecordsError.self) { try await attempt() }
            #expect(error?.code == .notFound)
        }
        let citizenQueue = await #expect(throws: RecordsError.self) {
            _ = try await store.departmentQueue(for: Fixtures.citizen(1), state: .submitted, now: Fixtures.now)
        }
        #expect(citizenQueue?.code == .forbidden)
        #expect(
            try await store.request(criminal.id, by: Fixtures.justiceOfficer, now: Fixtures.now).summary.id
                == criminal.id)
    }

    @Test(arguments: RecordsBackend.all) func healthBookEntriesAreRecordedByCliniciansAndReadByThePerson(
        backend: RecordsBackend
    ) async throws {
        let fixture = try StoreFixture(backend: backend)
        let store = fixture.store
        let person = Fixtures.person(9).personalID
        let vaccination = HealthBookEntry.vaccination(
            Vaccination(
                facilityId: "79001", administeredOn: Fixtures.date("2026-03-02"), vaccine: "Synthetic-VX",
                antigen: "Sởi",
                dose: 1))
        let allergy = HealthBookEntry.allergy(
            Allergy(
                facilityId: "79001", recordedOn: Fixtures.date("2025-01-10"), type: .drug, agent: "Penicillin",
                reaction: "Phát ban"))
        try await store.recordHealthEntry(vaccination, for: person, by: Fixtures.clinician, now: Fixtures.now)
        try await store.recordHealthEntry(allergy, for: person, by: Fixtures.clinician, now: Fixtures.now)
        let book = try await store.healthBook(for: person, by: .citizen(person))
        #expect(book.entries == [allergy, vaccination])
        #expect(try await store.healthBook(for: person, by: .system()).entries.count == 2)
        let stranger = await #expect(throws: RecordsError.self) {
            _ = try await store.healthBook(for: person, by: Fixtures.citizen(1))
        }
        #expect(stranger?.code == .notFound)
        let citizenWrites = await #expect(throws: RecordsError.self) {
            try await store.recordHealthEntry(vaccination, for: person, by: .citizen(person), now: Fixtures.now)
        }
        #expect(citizenWrites?.code == .forbidden)
        // A deciding officer is not a clinician: health-book entries are the facility's.
        let officerWrites = await #expect(throws: RecordsError.self) {
            try await store.recordHealthEntry(vaccination, for: person, by: Fixtures.healthOfficer, now: Fixtures.now)
        }
        #expect(officerWrites?.code == .forbidden)
        let badDose = HealthBookEntry.vaccination(
            Vaccination(
                facilityId: "79001", administeredOn: Fixtures.date("2026-03-02"), vaccine: "X", antigen: "Y", dose: 99))
        let invalid = await #expect(throws: RecordsError.self) {
            try await store.recordHealthEntry(badDose, for: person, by: Fixtures.clinician, now: Fixtures.now)
        }
        #expect(invalid?.issues.map(\.code) == [.doseOutOfRange])
        let audit = try await store.auditEntries()
        #expect(audit.map(\.action) == ["health-book.record", "health-book.record"])
        #expect(audit.allSatisfy { $0.reason == nil && $0.requestID == nil })
        #expect(audit.allSatisfy { $0.actorRole == "clinician" && $0.actorID == "clinician-lan" })
        #expect(try await store.verifyAudit().isIntact)
    }
}

/// The queue page's counts: the whole (filtered) queue and its overdue part, stopping at the count limit.
@Suite struct QueueCountTests {
    @Test(arguments: RecordsBackend.all) func countsFollowTheFiltersAndStopAtTheLimit(backend: RecordsBackend)
        async throws
    {
        let fixture = try StoreFixture(backend: backend)
        let store = fixture.store
        // Health certificates in the health queue, received long ago (overdue by July) and recently (not overdue).
        let old = Fixtures.instant("2026-03-02")
        let template = Fixtures.validated(Fixtures.healthCertificate())
        func copies(_ count: Int, from first: Int) -> [ValidatedRequest] {
            (first..<first + count).map { number in
                ValidatedRequest(
                    submission: template.submission, applicant: Fixtures.applicant(number),
                    subject: Fixtures.person(number),
                    complexity: template.complexity, routingProvince: template.routingProvince)
            }
        }
        _ = try store.submitBatch(copies(RequestStore.queueCountLimit + 5, from: 1), now: old)
        _ = try store.submitBatch(copies(3, from: 20_000), now: Fixtures.now)
        let officer = Fixtures.healthOfficer
        let all = try await store.queueCounts(for: officer, state: .submitted, now: Fixtures.now)
        #expect(all.total == RequestStore.queueCountLimit && all.totalIsAtLeast)
        #expect(all.overdue == RequestStore.queueCountLimit && all.overdueIsAtLeast)
        let criminal = try await store.queueCounts(
            for: officer, state: .submitted, filter: QueueFilter(kind: .criminalRecord), now: Fixtures.now)
        #expect(criminal == QueueCounts(total: 0, overdue: 0, totalIsAtLeast: false, overdueIsAtLeast: false))
        let inReview = try await store.queueCounts(for: officer, state: .inReview, now: Fixtures.now)
        #expect(inReview.total == 0 && !inReview.totalIsAtLeast)
        // Justice sees none of health's queue.
        let justice = try await store.queueCounts(for: Fixtures.justiceOfficer, state: .submitted, now: Fixtures.now)
        #expect(justice.total == 0)
        // The page of overdue ones skips the three recent requests.
        let overduePage = try await store.departmentQueue(
            for: officer, state: .submitted, filter: QueueFilter(overdueOnly: true), limit: 200, now: Fixtures.now)
        #expect(overduePage.items.count == 200 && overduePage.items.allSatisfy(\.isOverdue))
    }
}
