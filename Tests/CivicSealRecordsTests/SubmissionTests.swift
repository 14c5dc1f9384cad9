import CivicSealRecords
import CivicSealWorkflow
import Foundation
import Testing

/// Submitting: routing, deadlines across weekends and holidays, fees, idempotency, the one-open-request rule.
@Suite struct SubmissionTests {
    @Test(arguments: RecordsBackend.all) func submissionIsRoutedPricedAndAudited(backend: RecordsBackend) async throws {
        let fixture = try StoreFixture(backend: backend)
        let summary = try await fixture.store.submit(
            Fixtures.validated(Fixtures.criminalRecord(copies: 4)), now: Fixtures.now)
        #expect(RequestStore.isRequestID(summary.id))
        #expect(summary.state == .submitted)
        #expect(summary.kind == .criminalRecord)
        #expect(summary.form == .form1)
        #expect(summary.departmentID == "justice-hanoi")
        #expect(summary.feeVND == 200_000 + 2 * 5_000)
        #expect(summary.version == 1)
        let health = try await fixture.store.submit(Fixtures.validated(Fixtures.healthCertificate()), now: Fixtures.now)
        #expect(health.departmentID == "health-hanoi")
        let entries = try await fixture.store.auditEntries()
        #expect(entries.map(\.action) == ["submit", "submit"])
        #expect(entries.map(\.requestID) == [summary.id, health.id])
        #expect(entries[1].previousHash == entries[0].hash)
        #expect(entries[0].previousHash == AuditEntry.genesisHash)
    }

    /// (received at 10:00 Việt Nam time, working days, expected due date). 2026-09-01 and 09-02 are National Day.
    static let deadlines: [(String, String)] = [
        ("2026-07-15", "2026-07-29"),  // Wednesday: two plain weeks
        ("2026-07-17", "2026-07-31"),  // Friday: weekends skipped
        ("2026-07-18", "2026-07-31"),  // Saturday: the count starts on Monday
        ("2026-08-28", "2026-09-15"),  // Friday before National Day: two holidays skipped
        ("2026-08-29", "2026-09-15"),  // Saturday before National Day
    ]

    @Test(arguments: RecordsBackend.all, deadlines)
    func dueDateIsStoredInWorkingDays(backend: RecordsBackend, deadline: (String, String)) async throws {
        let (received, due) = deadline
        let fixture = try StoreFixture(backend: backend)
        let now = Fixtures.instant(received)
        let request = Fixtures.validated(today: Fixtures.date(received))
        let summary = try await fixture.store.submit(request, now: now)
        #expect(summary.receivedOn == Fixtures.date(received))
        #expect(summary.dueDate == Fixtures.date(due))
        let stored = try await fixture.store.request(summary.id, by: .system(), now: now)
        #expect(stored.summary.dueDate == Fixtures.date(due))
        let seq = try #require(try fixture.seq(summary.id))
        #expect(try fixture.scalar("SELECT due_date FROM requests WHERE seq = ?", [.integer(seq)]) == .text(due))
    }

    @Test(arguments: RecordsBackend.all) func receiptDayFollowsVietnamTimeNotUTC(backend: RecordsBackend) async throws {
        let fixture = try StoreFixture(backend: backend)
        // 23:30 UTC on Thursday 16 July is already Friday 17 July in Hà Nội.
        let now = Fixtures.instant("2026-07-17", hour: 6, minute: 30)
        let summary = try await fixture.store.submit(Fixtures.validated(), now: now)
        #expect(summary.receivedOn == Fixtures.date("2026-07-17"))
        #expect(summary.dueDate == Fixtures.date("2026-07-31"))
    }

    @Test(arguments: RecordsBackend.all) func holidaysComeFromConfiguration(backend: RecordsBackend) async throws {
        var configuration = RecordsConfiguration()
        configuration.calendar = WorkingDayCalendar(
            holidays: [PublicHoliday(date: Fixtures.date("2026-07-22"), name: "Synthetic holiday")])
        let fixture = try StoreFixture(backend: backend, configuration: configuration)
        let summary = try await fixture.store.submit(Fixtures.validated(), now: Fixtures.instant("2026-07-17"))
        #expect(summary.dueDate == Fixtures.date("2026-08-03"))
    }

    @Test(arguments: RecordsBackend.all) func overdueIsComputedFromTheDueDateWhileOpen(backend: RecordsBackend)
        async throws
    {
        let fixture = try StoreFixture(backend: backend)
        let store = fixture.store
        let summary = try await store.submit(Fixtures.validated(), now: Fixtures.now)  // due 2026-07-29
        let onDueDate = try await store.request(
            summary.id, by: .system(), now: Fixtures.instant("2026-07-29", hour: 23))
        #expect(!onDueDate.summary.isOverdue)
        let dayAfter = Fixtures.instant("2026-07-30", hour: 8)
        #expect(try await store.request(summary.id, by: .system(), now: dayAfter).summary.isOverdue)
        let page = try await store.departmentQueue(for: Fixtures.justiceOfficer, state: .submitted, now: dayAfter)
        #expect(page.items.map(\.isOverdue) == [true])
        _ = try await store.cancel(summary.id, by: Fixtures.citizen(1), now: dayAfter)
        #expect(!(try await store.request(summary.id, by: .system(), now: dayAfter).summary.isOverdue))
    }

    // MARK: Idempotency

    @Test(arguments: RecordsBackend.all) func sameKeyAndBodyReturnsTheFirstRequest(backend: RecordsBackend) async throws
    {
        let fixture = try StoreFixture(backend: backend)
        let first = try await fixture.store.submit(Fixtures.validated(), idempotencyKey: "key-1", now: Fixtures.now)
        let again = try await fixture.store.submit(
            Fixtures.validated(), idempotencyKey: "key-1", now: Fixtures.now.addingTimeInterval(5))
        #expect(again.id == first.id)
        #expect(try fixture.count("requests") == 1)
        #expect(try fixture.count("audit_log") == 1)
    }

    @Test(arguments: RecordsBackend.all) func sameKeyWithADifferentBodyIsRefused(backend: RecordsBackend) async throws {
        let fixture = try StoreFixture(backend: backend)
        _ = try await fixture.store.submit(Fixtures.validated(), idempotencyKey: "key-1", now: Fixtures.now)
        let error = await #expect(throws: RecordsError.self) {
            _ = try await fixture.store.submit(
                Fixtures.validated(Fixtures.criminalRecord(purpose: "Du học")), idempotencyKey: "key-1",
                now: Fixtures.now)
        }
        #expect(error?.code == .idempotencyKeyReused)
        #expect(try fixture.count("requests") == 1)
        #expect(try fixture.count("audit_log") == 1)
    }

    @Test(arguments: RecordsBackend.all) func differentCitizensMayReuseAKey(backend: RecordsBackend) async throws {
        let fixture = try StoreFixture(backend: backend)
        let first = try await fixture.store.submit(
            Fixtures.validated(person: 1), idempotencyKey: "k", now: Fixtures.now)
        let second = try await fixture.store.submit(
            Fixtures.validated(person: 2), idempotencyKey: "k", now: Fixtures.now)
        #expect(first.id != second.id)
        #expect(try fixture.count("requests") == 2)
    }

    @Test(arguments: RecordsBackend.all, ["", String(repeating: "x", count: 201), "with space", "tab\tkey", "khóa"])
    func malformedIdempotencyKeysAreRefused(backend: RecordsBackend, key: String) async throws {
        let fixture = try StoreFixture(backend: backend)
        let error = await #expect(throws: RecordsError.self) {
            _ = try await fixture.store.submit(Fixtures.validated(), idempotencyKey: key, now: Fixtures.now)
        }
        #expect(error?.code == .idempotencyKeyInvalid)
    }

    // MARK: One unfinished request per form

    @Test(arguments: RecordsBackend.all) func unfinishedRequestOfTheSameFormBlocksAnother(backend: RecordsBackend)
        async throws
    {
        let fixture = try StoreFixture(backend: backend)
        let store = fixture.store
        let first = try await store.submit(Fixtures.validated(), now: Fixtures.now)
        let error = await #expect(throws: RecordsError.self) {
            _ = try await store.submit(Fixtures.validated(), now: Fixtures.now)
        }
        #expect(error?.code == .unfinishedRequestExists)
        #expect(error?.issues.map(\.code) == [.requestUnfinishedExists])
        // Another form, another person, another kind: all allowed.
        _ = try await store.submit(Fixtures.validated(Fixtures.criminalRecord(form: .form2)), now: Fixtures.now)
        _ = try await store.submit(Fixtures.validated(person: 2), now: Fixtures.now)
        _ = try await store.submit(Fixtures.validated(Fixtures.healthCertificate()), now: Fixtures.now)
        _ = try await store.submit(Fixtures.validated(Fixtures.healthCertificate()), now: Fixtures.now)
        // Still blocked while in review or approved; free again once finished.
        _ = try await store.claim(first.id, by: Fixtures.justiceOfficer, now: Fixtures.now)
        _ = try await store.decide(
            first.id, .approve(findingsJSON: "{}"), by: Fixtures.justiceOfficer, now: Fixtures.now)
        await #expect(throws: RecordsError.self) { _ = try await store.submit(Fixtures.validated(), now: Fixtures.now) }
        _ = try await store.markIssued(first.id, now: Fixtures.now)
        _ = try await store.submit(Fixtures.validated(), now: Fixtures.now)
    }

    @Test(arguments: RecordsBackend.all) func concurrentSubmissionsOfTheSameFormLetOnlyOneThrough(
        backend: RecordsBackend
    ) async throws {
        let fixture = try StoreFixture(backend: backend)
        let store = fixture.store
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask { (try? await store.submit(Fixtures.validated(), now: Fixtures.now)) != nil }
            }
            var successes = 0
            for await success in group where success { successes += 1 }
            return successes
        }
        #expect(outcomes == 1)
        #expect(try fixture.count("requests") == 1)
    }
}
