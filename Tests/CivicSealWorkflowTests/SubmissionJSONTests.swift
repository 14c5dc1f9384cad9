import Foundation
import Testing

@testable import CivicSealWorkflow

@Suite("Submission JSON")
struct SubmissionJSONTests {
    static let sample = """
        {
          "request": {"kind": "criminal-record", "form": 1, "purpose": "Xin việc", "statesBans": true},
          "relation": "self",
          "particulars": {
            "otherNames": [], "birthPlace": "Hà Nội", "ethnicity": "Kinh", "nationality": "VN",
            "permanentResidence": {"line": "12 Phố Huế, phường Hai Bà Trưng", "provinceCode": "001"},
            "currentResidence": {"line": "12 Phố Huế, phường Hai Bà Trưng", "provinceCode": "001"},
            "fatherName": "Nguyễn Văn Bình", "motherName": "Phạm Thị Cúc"
          },
          "residenceHistory": [
            {"from": "1990-05-14", "to": "2008-08-31", "address": "12 Phố Huế, Hà Nội", "provinceCode": "001",
             "occupation": "Học sinh"},
            {"from": "2008-09-01", "address": "12 Phố Huế, Hà Nội", "provinceCode": "001", "occupation": "Kế toán"}
          ],
          "contact": {"phone": "0912345678", "email": "tuyet@example.vn"},
          "copies": 3,
          "delivery": {"method": "electronic"},
          "feeGroup": "student"
        }
        """

    static func decode(_ text: String) -> Result<RequestSubmission, ValidationFailure> {
        WorkflowJSON.decode(RequestSubmission.self, from: Data(text.utf8))
    }

    /// The sample with one substring replaced, so each error case differs from a valid body in one place.
    static func sample(replacing target: String, with replacement: String) -> String {
        precondition(sample.contains(target), "fixture does not contain \(target)")
        return sample.replacingOccurrences(of: target, with: replacement)
    }

    @Test("the sample decodes, validates, and costs 105,000 VND")
    func sampleDecodes() throws {
        let submission = try Self.decode(Self.sample).get()
        #expect(
            submission.request
                == .criminalRecord(CriminalRecordRequest(form: .form1, purpose: "Xin việc", statesBans: true)))
        #expect(submission.relation == .oneself)
        #expect(submission.residenceHistory?.count == 2)
        #expect(submission.residenceHistory?[1].to == nil)
        #expect(submission.delivery.method == .electronic)
        let request = try Fixtures.validate(submission).get()
        #expect(
            FeeSchedule().quote(kind: request.kind, copies: submission.copies, feeGroup: submission.feeGroup).totalVND
                == 105_000)
    }

    @Test("encoding uses camelCase keys and the kind tag, and round-trips")
    func roundTrip() throws {
        let submission = try Self.decode(Self.sample).get()
        let data = try WorkflowJSON.encode(submission)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"kind\":\"criminal-record\""))
        #expect(text.contains("\"residenceHistory\""))
        #expect(text.contains("\"relation\":\"self\""))
        #expect(try WorkflowJSON.decodeStored(RequestSubmission.self, from: data) == submission)
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        let name: String
        let body: String
        let field: String
        let code: ValidationCode
        var testDescription: String { name }
    }

    @Test(
        "structural errors name the exact field and a stable code",
        arguments: [
            ErrorCase(
                name: "missing copies", body: sample(replacing: "\"copies\": 3,", with: ""),
                field: "copies", code: .jsonMissingField),
            ErrorCase(
                name: "copies as text", body: sample(replacing: "\"copies\": 3", with: "\"copies\": \"ba\""),
                field: "copies", code: .jsonTypeMismatch),
            ErrorCase(
                name: "form 3", body: sample(replacing: "\"form\": 1", with: "\"form\": 3"),
                field: "request.form", code: .jsonInvalidValue),
            ErrorCase(
                name: "unknown kind", body: sample(replacing: "\"criminal-record\"", with: "\"passport\""),
                field: "request.kind", code: .jsonInvalidValue),
            ErrorCase(
                name: "unknown relation",
                body: sample(replacing: "\"relation\": \"self\"", with: "\"relation\": \"friend\""),
                field: "relation", code: .jsonInvalidValue),
            ErrorCase(
                name: "period without address",
                body: sample(
                    replacing: "{\"from\": \"2008-09-01\", \"address\": \"12 Phố Huế, Hà Nội\",",
                    with: "{\"from\": \"2008-09-01\","),
                field: "residenceHistory[1].address", code: .jsonMissingField),
            ErrorCase(
                name: "null purpose", body: sample(replacing: "\"purpose\": \"Xin việc\"", with: "\"purpose\": null"),
                field: "request.purpose", code: .jsonNullValue),
            ErrorCase(
                name: "unknown delivery", body: sample(replacing: "\"electronic\"", with: "\"pigeon\""),
                field: "delivery.method", code: .jsonInvalidValue),
            // The strict reader names the member whose value the text ends in.
            ErrorCase(name: "not JSON", body: "{\"request\": ", field: "request", code: .jsonMalformed),
            ErrorCase(name: "an array", body: "[]", field: "", code: .jsonTypeMismatch),
        ])
    func structuralErrors(_ example: ErrorCase) {
        guard case .failure(let failure) = Self.decode(example.body) else {
            Issue.record("decoded an invalid body")
            return
        }
        #expect(failure.issues.count == 1)
        #expect(failure.issues.first?.field == example.field)
        #expect(failure.issues.first?.code == example.code)
    }

    @Test("misspelt or unknown keys are all reported, nested ones with their path; a null member is refused too")
    func unknownKeys() {
        var body = Self.sample(replacing: "\"statesBans\": true", with: "\"statesBan\": true")
        body = body.replacingOccurrences(
            of: "\"occupation\": \"Kế toán\"", with: "\"occupation\": \"Kế toán\", \"note\": 1")
        body = body.replacingOccurrences(
            of: "\"feeGroup\": \"student\"", with: "\"feeGroup\": \"student\", \"extra\": null")
        guard case .failure(let failure) = Self.decode(body) else {
            Issue.record("accepted unknown keys")
            return
        }
        #expect(failure.issues.map(\.field) == ["extra", "request.statesBan", "residenceHistory[1].note"])
        #expect(failure.codes == [.jsonNullValue, .jsonUnknownField, .jsonUnknownField])
    }

    @Test("an impossible date decodes (dates are text) and validation names it")
    func impossibleDateIsAValidationIssue() throws {
        let submission = try Self.decode(
            Self.sample(replacing: "\"to\": \"2008-08-31\"", with: "\"to\": \"2007-02-29\"")
        ).get()
        let failure = Fixtures.issues(Fixtures.validate(submission))
        #expect(failure.contains(.dateInvalid, at: "residenceHistory[0].to"))
    }
}
