import CivicSealJSON
import Foundation
import Testing

@testable import CivicSealWorkflow

/// Request bodies are read by the one strict reader: a member given twice is refused, however it is spelt, and
/// text printed on a document refuses bidi controls; event dates cannot be after today (issue 12, findings 14, 15).
@Suite("Strict request bodies")
struct StrictBodyTests {
    /// The sample body with `"copies": 3` replaced by `members` (e.g. two `copies` members).
    static func sample(copies members: String) -> String {
        SubmissionJSONTests.sample(replacing: #""copies": 3"#, with: members)
    }

    @Test(
        "a member given twice is refused with its path, plain or escaped, first or last",
        arguments: [
            #""copies": 5, "copies": 1"#, #""copies": 1, "copies": 5"#, #""cop\u0069es": 5, "copies": 1"#,
            #""copies": 5, "\u0063opies": 1"#,
        ])
    func duplicateCopiesRefused(_ members: String) {
        guard case .failure(let failure) = SubmissionJSONTests.decode(Self.sample(copies: members)) else {
            Issue.record("a body naming copies twice was accepted")
            return
        }
        #expect(failure.issues.map(\.code) == [.jsonDuplicateMember])
        #expect(failure.issues.first?.field == "copies")
    }

    @Test("a nested duplicate is named by its full path")
    func nestedDuplicateNamed() {
        let body = SubmissionJSONTests.sample(
            replacing: #""purpose": "Xin việc""#, with: #""purpose": "Xin việc", "purpos\u0065": "Du học""#)
        guard case .failure(let failure) = SubmissionJSONTests.decode(body) else {
            Issue.record("accepted")
            return
        }
        #expect(failure.issues.first?.field == "request.purpose")
        #expect(failure.issues.first?.code == .jsonDuplicateMember)
    }

    @Test("a health-book entry naming a member twice is refused")
    func duplicateHealthEntryRefused() {
        let body = """
            {"entryType": "vaccination", "facilityId": "01001", "administeredOn": "2025-03-02", "vaccine":
            "Vaxigrip Tetra",
             "antigen": "influenza", "dose": 1, "d\\u006fse": 2}
            """
        guard case .failure(let failure) = WorkflowJSON.decode(HealthBookEntry.self, from: Array(body.utf8)) else {
            Issue.record("accepted")
            return
        }
        #expect(failure.issues.map(\.code) == [.jsonDuplicateMember])
        #expect(failure.issues.first?.field == "dose")
    }

    @Test("nesting past the limit and bodies past the size limit are refused with their own codes")
    func limitsRefused() {
        let deep = String(repeating: #"{"a":"#, count: 100) + "1" + String(repeating: "}", count: 100)
        guard case .failure(let tooDeep) = WorkflowJSON.decode(RequestSubmission.self, from: Array(deep.utf8)) else {
            Issue.record("accepted")
            return
        }
        #expect(tooDeep.issues.map(\.code) == [.jsonTooDeep])
        let body = Array(SubmissionJSONTests.sample.utf8)
        guard
            case .failure(let tooLarge) = WorkflowJSON.decode(
                RequestSubmission.self, from: body, limits: JSONLimits(maximumBytes: body.count - 1))
        else {
            Issue.record("accepted")
            return
        }
        #expect(tooLarge.issues.map(\.code) == [.jsonTooLarge])
    }

    @Test("decoding from the value tree gives what JSONDecoder gives for a valid body, dates included")
    func treeDecodingAgreesWithFoundation() throws {
        let ours = try SubmissionJSONTests.decode(SubmissionJSONTests.sample).get()
        let foundation = try FoundationJSON.decoder().decode(
            RequestSubmission.self, from: Data(SubmissionJSONTests.sample.utf8))
        #expect(ours == foundation)
        let encounter = """
            {"entryType": "encounter", "facilityId": "01001", "facilityName": "Bệnh viện Bạch Mai", "startedAt":
            "2025-03-02T08:30:00Z",
             "type": "outpatient", "reason": "Khám định kỳ", "diagnoses": ["J06.9"], "outcome": "recovered"}
            """
        let decoded = try WorkflowJSON.decode(HealthBookEntry.self, from: Array(encounter.utf8)).get()
        #expect(decoded == (try FoundationJSON.decoder().decode(HealthBookEntry.self, from: Data(encounter.utf8))))
        // Type errors keep their path and json.* code.
        let wrong = SubmissionJSONTests.sample(replacing: #""copies": 3"#, with: #""copies": "3""#)
        guard case .failure(let failure) = SubmissionJSONTests.decode(wrong) else {
            Issue.record("accepted")
            return
        }
        #expect(failure.issues.first?.field == "copies")
        #expect(failure.issues.first?.code == .jsonTypeMismatch)
    }

    @Test(
        "bidirectional controls in printed text are refused, naming the field",
        arguments: [
            "\u{202E}", "\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}", "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}",
        ])
    func bidiControlsRefused(_ control: String) throws {
        var submission = try SubmissionJSONTests.decode(SubmissionJSONTests.sample).get()
        submission.particulars?.birthPlace = "Hà Nội \(control)iốN àH"
        let failure = Fixtures.issues(Fixtures.validate(submission))
        #expect(failure.contains(.textBidiControl, at: "particulars.birthPlace"), "\(failure)")
    }

    @Test("a vaccination, encounter or allergy dated after today is refused; today is accepted")
    func futureHealthEntriesRefused() throws {
        let today = Fixtures.today
        let tomorrow = today.adding(days: 1)
        let vaccination = HealthBookEntry.vaccination(
            Vaccination(
                facilityId: "01001", administeredOn: tomorrow, vaccine: "Vaxigrip", antigen: "influenza", dose: 1))
        #expect(vaccination.issues(at: "entry", today: today).map(\.code) == [.dateInFuture])
        #expect(vaccination.issues(at: "entry", today: today).first?.field == "entry.administeredOn")
        let ontime = HealthBookEntry.vaccination(
            Vaccination(facilityId: "01001", administeredOn: today, vaccine: "Vaxigrip", antigen: "influenza", dose: 1))
        #expect(ontime.issues(at: "entry", today: today).isEmpty)
        let year2099 = HealthBookEntry.vaccination(
            Vaccination(
                facilityId: "01001", administeredOn: CalendarDate("2099-01-01")!, vaccine: "Vaxigrip",
                antigen: "influenza", dose: 1))
        #expect(year2099.issues(at: "entry", today: today).contains { $0.code == .dateInFuture })
    }
}
