import Foundation
import Testing

@testable import CivicSealWorkflow

@Suite("Calendar dates and working days")
struct CalendarTests {
    @Test("only real dates written strictly as YYYY-MM-DD parse")
    func strictParsing() {
        #expect(CalendarDate("2024-02-29") == CalendarDate(year: 2024, month: 2, day: 29))
        #expect(CalendarDate("2000-02-29") != nil)
        for text in [
            "2023-02-29", "1900-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00", "2026-1-05",
            "26-01-05", "2026/01/05", "2026-01-05T00:00", " 2026-01-05", "２０２６-01-05", "0000-01-01",
        ] {
            #expect(CalendarDate(text) == nil, "accepted \(text)")
        }
    }

    @Test("day numbers round-trip and weekdays are right")
    func weekdays() {
        #expect(CalendarDate("1970-01-01")!.daysSinceEpoch == 0)
        #expect(CalendarDate("2026-01-01")!.weekday == .thursday)
        #expect(CalendarDate("2026-02-17")!.weekday == .tuesday)
        #expect(CalendarDate("2026-04-26")!.weekday == .sunday)
        #expect(CalendarDate("2026-09-02")!.weekday == .wednesday)
        for offset in stride(from: -800_000, through: 800_000, by: 997) {
            #expect(CalendarDate(daysSinceEpoch: offset).daysSinceEpoch == offset)
        }
    }

    @Test("age counts completed years; 29 February birthdays complete on 1 March")
    func ages() {
        let birth = CalendarDate("2010-07-16")!
        #expect(birth.age(on: CalendarDate("2026-07-15")!) == 15)
        #expect(birth.age(on: CalendarDate("2026-07-16")!) == 16)
        let leap = CalendarDate("2008-02-29")!
        #expect(leap.age(on: CalendarDate("2022-02-28")!) == 13)
        #expect(leap.age(on: CalendarDate("2022-03-01")!) == 14)
        #expect(leap.adding(years: 14) == CalendarDate("2022-03-01"))
    }

    @Test("instants become dates in Việt Nam time (UTC+7)")
    func vietnamDate() {
        let midnightHanoi = Date(
            timeIntervalSince1970: Double(CalendarDate("2026-03-17")!.daysSinceEpoch * 86_400 - 7 * 3600))
        #expect(CalendarDate(midnightHanoi) == CalendarDate("2026-03-17"))
        #expect(CalendarDate(midnightHanoi.addingTimeInterval(-1)) == CalendarDate("2026-03-16"))
    }

    struct DueCase: Sendable, CustomTestStringConvertible {
        let received: String
        let days: Int
        let due: String
        let why: String
        var testDescription: String { "\(received) + \(days) → \(due): \(why)" }
    }

    @Test(
        "due dates in 2026 skip weekends and public holidays",
        arguments: [
            DueCase(received: "2026-03-02", days: 10, due: "2026-03-16", why: "Monday, two plain weeks"),
            DueCase(received: "2026-03-06", days: 10, due: "2026-03-20", why: "Friday receipt"),
            DueCase(received: "2026-03-07", days: 1, due: "2026-03-09", why: "Saturday receipt, next Monday"),
            DueCase(received: "2026-03-08", days: 10, due: "2026-03-20", why: "Sunday receipt"),
            DueCase(received: "2026-03-02", days: 0, due: "2026-03-02", why: "zero days"),
            DueCase(received: "2026-02-12", days: 10, due: "2026-03-05", why: "across Tết 16–20 Feb"),
            DueCase(received: "2026-04-23", days: 10, due: "2026-05-12", why: "across 27 Apr, 30 Apr, 1 May"),
            DueCase(received: "2026-08-24", days: 15, due: "2026-09-16", why: "complex case across 1–2 Sep"),
            DueCase(received: "2025-12-31", days: 5, due: "2026-01-08", why: "health document across New Year"),
        ])
    func dueDates(_ example: DueCase) {
        let calendar = WorkingDayCalendar()
        #expect(
            calendar.adding(workingDays: example.days, to: Fixtures.date(example.received))
                == Fixtures.date(example.due))
    }

    @Test("the holiday list is configuration: without it Tết counts as working days")
    func configurableHolidays() throws {
        let plain = WorkingDayCalendar(holidays: [])
        #expect(plain.adding(workingDays: 10, to: Fixtures.date("2026-02-12")) == Fixtures.date("2026-02-26"))
        #expect(!WorkingDayCalendar().isWorkingDay(Fixtures.date("2026-09-01")))
        #expect(plain.isWorkingDay(Fixtures.date("2026-09-01")))
        let json = try WorkflowJSON.encode(WorkingDayCalendar())
        let decoded = try WorkflowJSON.decodeStored(WorkingDayCalendar.self, from: json)
        #expect(decoded == WorkingDayCalendar())
    }

    @Test("a request is overdue from the day after its due date, Việt Nam time")
    func overdue() {
        let deadline = StatutoryDeadline(
            receivedOn: Fixtures.date("2026-03-02"), workingDays: 10, calendar: WorkingDayCalendar())
        #expect(deadline.dueDate == Fixtures.date("2026-03-16"))
        let endOfDueDay = Date(
            timeIntervalSince1970: Double(Fixtures.date("2026-03-17").daysSinceEpoch * 86_400 - 7 * 3600 - 1))
        #expect(!deadline.isOverdue(now: endOfDueDay))
        #expect(deadline.isOverdue(now: endOfDueDay.addingTimeInterval(1)))
        #expect(!deadline.isOverdue(today: Fixtures.date("2026-03-16")))
        #expect(deadline.isOverdue(today: Fixtures.date("2026-03-17")))
    }

    @Test("deadlines per kind: 10, 15 for complex criminal records, 5 for health documents")
    func deadlinePolicy() throws {
        let policy = DeadlinePolicy()
        #expect(policy.workingDays(for: .criminalRecord, complexity: .simple) == 10)
        #expect(policy.workingDays(for: .criminalRecord, complexity: CaseComplexity(reasons: [.foreigner])) == 15)
        #expect(policy.workingDays(for: .healthCertificate, complexity: .simple) == 5)
        #expect(policy.workingDays(for: .healthBookExtract, complexity: .simple) == 5)

        var submission = Fixtures.criminalRecord()
        submission.residenceHistory = [
            ResidencePeriod(
                from: "1990-05-14", to: "2008-08-31", address: "Hà Nội", provinceCode: "001", occupation: "Học sinh"),
            ResidencePeriod(
                from: "2008-09-01", to: "2015-12-31", address: "Quận 1", provinceCode: "079", occupation: "Kế toán"),
            ResidencePeriod(
                from: "2016-01-01", to: "2018-12-31", address: "Osaka", countryCode: "JP", occupation: "Kế toán"),
            ResidencePeriod(from: "2019-01-01", address: "Hà Nội", provinceCode: "001", occupation: "Kế toán"),
        ]
        let request = try Fixtures.validate(submission).get()
        #expect(request.complexity.reasons == [.severalProvinces, .livedAbroad])
        let deadline = policy.deadline(
            for: request, receivedOn: Fixtures.date("2026-08-24"), calendar: WorkingDayCalendar())
        #expect(deadline.workingDays == 15)
        #expect(deadline.dueDate == Fixtures.date("2026-09-16"))

        let simple = try Fixtures.validate(Fixtures.criminalRecord()).get()
        #expect(!simple.complexity.isComplex)
        #expect(
            policy.deadline(for: simple, receivedOn: Fixtures.date("2026-03-02"), calendar: WorkingDayCalendar())
                .dueDate
                == Fixtures.date("2026-03-16"))
    }

    @Test("a foreigner or an expungement to verify is a complex case")
    func complexReasons() throws {
        var submission = Fixtures.criminalRecord()
        submission.request = .criminalRecord(
            CriminalRecordRequest(form: .form1, purpose: "Xin việc", expungementToVerify: true))
        submission.particulars?.nationality = "KR"
        let request = try Fixtures.validate(submission).get()
        #expect(request.complexity.reasons == [.foreigner, .expungementToVerify])
    }
}
