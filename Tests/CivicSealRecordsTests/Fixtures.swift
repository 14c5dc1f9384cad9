import CivicSealStorage
import CivicSealTestSupport
import CivicSealWorkflow
import Foundation

@testable import CivicSealRecords

/// Synthetic people, officers and stores in temporary folders. No ID number here is real: each is built to agree
/// with its invented person (province 079, a man born 2 March 1985).
enum Fixtures {
    static func date(_ text: String) -> CalendarDate {
        guard let date = CalendarDate(text) else { fatalError("bad fixture date \(text)") }
        return date
    }

    /// `hour` o'clock Việt Nam time (UTC+7) on `day`.
    static func instant(_ day: String, hour: Int = 10, minute: Int = 0) -> Date {
        Date(timeIntervalSince1970: Double(date(day).daysSinceEpoch * 86_400 + (hour - 7) * 3600 + minute * 60))
    }

    /// A Wednesday with no holiday nearby.
    static let now = instant("2026-07-15")

    static func person(_ number: Int) -> PersonIdentity {
        let digits = String(number)
        let id = try! PersonalIDNumber("079085" + String(repeating: "0", count: 6 - digits.count) + digits)
        return PersonIdentity(
            personalID: id, fullName: "Trần Văn Thử \(number)", birthDate: date("1985-03-02"), sex: .male)
    }

    static func applicant(_ number: Int) -> Applicant { Applicant(identity: person(number), assuranceLevel: .level2) }

    static func citizen(_ number: Int) -> Participant { .citizen(person(number).personalID) }

    static let justiceOfficer = Participant.officer("officer-lan", department: "justice-hanoi")
    static let justiceColleague = Participant.officer("officer-hung", department: "justice-hanoi")
    static let healthOfficer = Participant.officer("officer-mai", department: "health-hanoi")
    static let clinician = Participant.clinician("clinician-lan", facility: "health-hanoi")

    static let address = Address(line: "45 Lê Lợi, phường Bến Thành", provinceCode: "079")

    static func criminalRecord(form: CriminalRecordForm = .form1, purpose: String = "Xin việc", copies: Int = 1)
        -> RequestSubmission
    {
        RequestSubmission(
            request: .criminalRecord(CriminalRecordRequest(form: form, purpose: purpose)),
            particulars: Particulars(
                otherNames: [], birthPlace: "TP Hồ Chí Minh", ethnicity: "Kinh", nationality: "VN",
                permanentResidence: address, currentResidence: address, fatherName: "Trần Văn An",
                motherName: "Lê Thị Bích"),
            residenceHistory: [
                ResidencePeriod(from: "1985-03-02", address: "45 Lê Lợi", provinceCode: "079", occupation: "Kỹ sư")
            ],
            contact: ContactDetails(phone: "0987654321"), copies: copies)
    }

    static func healthCertificate() -> RequestSubmission {
        RequestSubmission(
            request: .healthCertificate(
                HealthCertificateRequest(certificateType: "driving-licence", licenceClass: "B")),
            particulars: Particulars(
                currentResidence: Address(line: "12 Phố Huế, phường Hai Bà Trưng", provinceCode: "001")),
            contact: ContactDetails(phone: "0987654321"))
    }

    static func validated(
        _ submission: RequestSubmission = criminalRecord(), person number: Int = 1,
        today: CalendarDate = date("2026-07-15")
    ) -> ValidatedRequest {
        switch SubmissionValidator().validate(submission, applicant: applicant(number), today: today) {
        case .success(let request): return request
        case .failure(let failure): fatalError("fixture does not validate: \(failure)")
        }
    }
}

/// A store on a fresh database of `backend` (SQLite in a temporary folder, or a new PostgreSQL database), removed
/// with the value.
final class StoreFixture: Sendable {
    let folder: TemporaryDirectory
    let store: RequestStore
    let backend: RecordsBackend
    private let handles: RecordsBackend.Handles
    /// The SQLite file (SQLite backend only).
    var path: String { folder.path + "/records.sqlite" }

    init(backend: RecordsBackend = .sqlite, configuration: RecordsConfiguration = RecordsConfiguration()) throws {
        folder = TemporaryDirectory("civicseal-records")
        self.backend = backend
        (store, handles) = try backend.makeStore(folder: folder, configuration: configuration)
    }

    deinit {
        try? store.close()
        handles.cleanup()
    }

    /// Runs `script` with the backend's own shell, behind the store's back (tampering tests).
    func shell(_ script: String) throws -> RecordsBackend.ShellResult { try handles.shell(script) }

    func count(_ table: String) throws -> Int64 {
        try store.database.read { try $0.scalar("SELECT count(*) FROM \(table)").int64 ?? -1 }
    }

    func scalar(_ sql: String, _ arguments: [DatabaseValue] = []) throws -> DatabaseValue {
        try store.database.read { try $0.scalar(sql, arguments) }
    }

    func execute(_ sql: String) throws { try store.database.write { try $0.execute(sql) } }

    /// The row number of a request's public id (derived or legacy); nil when no request has it.
    func seq(_ id: String) throws -> Int64? {
        try store.database.read { try store.ids.resolve(id, in: $0) }
    }

    /// How many history events the request's row lists (its audit references).
    func historyLength(_ id: String) throws -> Int {
        guard let seq = try seq(id) else { return -1 }
        return Int(
            try scalar(
                backend == .sqlite
                    ? "SELECT json_array_length(history) FROM requests WHERE seq = ?"
                    : "SELECT jsonb_array_length(history::jsonb) FROM requests WHERE seq = ?",
                [.integer(seq)]
            ).int64 ?? -1)
    }

    /// state, version, assignee, update time and history of a request, read straight from the table.
    func row(_ id: String) throws -> [DatabaseValue] {
        guard let seq = try seq(id) else { return [] }
        return try store.database.read {
            try $0.queryFirst(
                "SELECT state, version, assignee_id, updated_at, history FROM requests WHERE seq = ?", [.integer(seq)])?
                .values ?? []
        }
    }
}
