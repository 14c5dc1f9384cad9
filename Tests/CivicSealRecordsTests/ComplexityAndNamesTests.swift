import CivicSealRecords
import CivicSealWorkflow
import Foundation
import Testing

/// Issue 13: an officer's Art. 48 complexity (audited, deadline recomputed, refused where it does not apply) and the
/// officer's name kept beside each step and on the claimed request.
@Suite struct ComplexityAndNamesTests {
    static let named = Participant.officer(
        "dev-staff-b5e1e67224005492", department: "justice-hanoi", name: "  Trần  Đức Lương ")

    @Test(arguments: RecordsBackend.all) func settingTheComplexityRecomputesTheDeadlineFromTheReceiptDayAndIsAudited(
        backend: RecordsBackend
    ) async throws {
        let fixture = try StoreFixture(backend: backend)
        let store = fixture.store
        let submitted = try await store.submit(Fixtures.validated(person: 11), now: Fixtures.now)
        #expect(
            submitted.dueDate
                == StatutoryDeadline(receivedOn: submitted.receivedOn, workingDays: 10, calendar: WorkingDayCalendar())
                .dueDate)
        let set = try await store.setComplexity(
            submitted.id, CaseComplexity(reasons: [.severalProvinces, .livedAbroad]),
            reason: " Sống ở Đà Nẵng và Tokyo ", by: Self.named,
            now: Fixtures.instant("2026-07-20"))
        #expect(set.state == .submitted && set.version == submitted.version + 1)
        #expect(set.receivedOn == submitted.receivedOn, "the clock still runs from receipt")
        #expect(
            set.dueDate
                == StatutoryDeadline(receivedOn: submitted.receivedOn, workingDays: 15, calendar: WorkingDayCalendar())
                .dueDate)
        let record = try await store.request(submitted.id, by: .system(), now: Fixtures.now)
        #expect(record.complexityOverride == CaseComplexity(reasons: [.severalProvinces, .livedAbroad]))
        #expect(record.workingDays == 15)
        let event = try #require(record.history.last)
        #expect(event.action == "set-complexity")
        #expect(event.reason == "[lived-abroad,several-provinces] Sống ở Đà Nẵng và Tokyo")
        #expect(event.actorName == "Trần Đức Lương", "the name as the token gave it, spaces collapsed")
        #expect(event.actorID == Self.named.id)
        let audited = try #require(event.reason)
        let parsed = try #require(CaseComplexity.parseAuditText(audited))
        #expect(
            parsed.complexity == CaseComplexity(reasons: [.severalProvinces, .livedAbroad])
                && parsed.reason == "Sống ở Đà Nẵng và Tokyo")
        #expect(try await store.verifyAudit().isIntact)

        // Back to the ordinary case, with its own reason: 10 days again.
        let simple = try await store.setComplexity(
            submitted.id, CaseComplexity(), reason: "Nhầm: chỉ học ngắn hạn", by: Self.named, now: Fixtures.now)
        #expect(simple.dueDate == submitted.dueDate)
        #expect(
            try await store.request(submitted.id, by: .system(), now: Fixtures.now).history.last?.reason
                == "[simple] Nhầm: chỉ học ngắn hạn")
    }

    @Test(arguments: RecordsBackend.all) func complexityNeedsAReasonAnOpenCriminalRecordAndTheDepartment(
        backend: RecordsBackend
    ) async throws {
        let fixture = try StoreFixture(backend: backend)
        let store = fixture.store
        let id = try await store.submit(Fixtures.validated(person: 12), now: Fixtures.now).id
        var error = await #expect(throws: RecordsError.self) {
            _ = try await store.setComplexity(
                id, CaseComplexity(reasons: [.foreigner]), reason: "   ", by: Self.named, now: Fixtures.now)
        }
        #expect(error?.lifecycle?.code == .reasonRequired)
        error = await #expect(throws: RecordsError.self) {
            _ = try await store.setComplexity(
                id, CaseComplexity(reasons: [.foreigner]), reason: "x", by: Fixtures.healthOfficer, now: Fixtures.now)
        }
        #expect(error?.code == .notFound, "another department's officer")
        error = await #expect(throws: RecordsError.self) {
            _ = try await store.setComplexity(
                id, CaseComplexity(reasons: [.foreigner]), reason: "x", by: Fixtures.citizen(12), now: Fixtures.now)
        }
        #expect(error?.code == .notFound || error?.lifecycle?.code == .roleNotAllowed)
        // Claimed by a colleague: only the assignee may change it while in review.
        _ = try await store.claim(id, by: Fixtures.justiceColleague, now: Fixtures.now)
        error = await #expect(throws: RecordsError.self) {
            _ = try await store.setComplexity(
                id, CaseComplexity(reasons: [.foreigner]), reason: "x", by: Fixtures.justiceOfficer, now: Fixtures.now)
        }
        #expect(error?.lifecycle?.code == .notAssignee)
        // A health request has no Art. 48 complexity.
        let health = try await store.submit(
            Fixtures.validated(Fixtures.healthCertificate(), person: 13), now: Fixtures.now
        ).id
        error = await #expect(throws: RecordsError.self) {
            _ = try await store.setComplexity(
                health, CaseComplexity(reasons: [.foreigner]), reason: "x", by: Fixtures.healthOfficer,
                now: Fixtures.now)
        }
        #expect(error?.code == .invalidInput)
        #expect(try await store.verifyAudit().isIntact)
    }

    @Test(arguments: RecordsBackend.all) func theClaimingOfficersNameIsKeptForTheQueueAndClearedWhenTheRequestGoesBack(
        backend: RecordsBackend
    ) async throws {
        let fixture = try StoreFixture(backend: backend)
        let store = fixture.store
        let id = try await store.submit(Fixtures.validated(person: 14), now: Fixtures.now).id
        let officer = Participant.officer("dev-staff-1", department: "justice-hanoi", name: "Lê Văn Luật")
        _ = try await store.claim(id, by: officer, now: Fixtures.now)
        var names = try await store.queueNames([id], for: officer)
        #expect(names[id] == QueueNames(subjectName: Fixtures.person(14).fullName, assigneeName: "Lê Văn Luật"))
        #expect(try await store.request(id, by: officer, now: Fixtures.now).assigneeName == "Lê Văn Luật")
        #expect(
            try await store.queueNames([id], for: Fixtures.healthOfficer).isEmpty, "another department sees nothing")
        _ = try await store.decide(id, .requestInfo(reason: "Bổ sung"), by: officer, now: Fixtures.now)
        _ = try await store.supplement(id, with: Fixtures.validated(person: 14), now: Fixtures.now)
        names = try await store.queueNames([id], for: officer)
        #expect(names[id]?.assigneeName == nil, "unassigned again")
        let history = try await store.request(id, by: officer, now: Fixtures.now).history
        #expect(history.map(\.actorName) == [nil, "Lê Văn Luật", "Lê Văn Luật", nil])
    }

    @Test(arguments: RecordsBackend.all) func allStatesQueueMergesStatesInDueDateOrderAndPages(backend: RecordsBackend)
        async throws
    {
        let fixture = try StoreFixture(backend: backend)
        let store = fixture.store
        var ids: [String] = []
        for person in 20..<27 {
            let day = Fixtures.instant("2026-07-\(person - 5)")
            ids.append(
                try await store.submit(Fixtures.validated(person: person, today: CalendarDate(day)), now: day).id)
        }
        // Move some into review and needs-info: the all-states queue still lists them all, oldest due first.
        _ = try await store.claim(ids[1], by: Fixtures.justiceOfficer, now: Fixtures.now)
        _ = try await store.claim(ids[4], by: Fixtures.justiceOfficer, now: Fixtures.now)
        _ = try await store.decide(ids[4], .requestInfo(reason: "x"), by: Fixtures.justiceOfficer, now: Fixtures.now)
        var seen: [String] = []
        var cursor: String?
        repeat {
            let page = try await store.departmentQueue(
                for: Fixtures.justiceOfficer, states: RequestState.allCases, filter: QueueFilter(), limit: 3,
                after: cursor, now: Fixtures.now)
            seen += page.items.map(\.id)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen == ids, "every request once, in due-date order, across states and pages")
        let counts = try await store.queueCounts(
            for: Fixtures.justiceOfficer, states: RequestState.allCases, now: Fixtures.now)
        #expect(counts.total == ids.count)
    }
}
