import Foundation
import Testing

@testable import CivicSealWorkflow

/// `RequestSubmission.sortedKeysJSON()` must write exactly what `FoundationJSON.encoder()` writes: the store keeps
/// those bytes and hashes them for idempotency.
@Suite("Sorted-keys JSON of a submission")
struct SortedKeysJSONTests {
    /// Every optional present, every kind, arrays empty and not, postal delivery, a proxy and a subject.
    static let submissions: [RequestSubmission] = {
        let address = Address(line: "12 Phố Huế, phường Hai Bà Trưng", provinceCode: "001")
        let abroad = Address(line: "1 Rue de Rivoli / Paris", provinceCode: nil, countryCode: "FR")
        let full = Particulars(
            otherNames: ["Tuyết", "Snow \"White\""], birthPlace: "Hà Nội", ethnicity: "Kinh", nationality: "VN",
            permanentResidence: address, currentResidence: abroad, fatherName: "Nguyễn Văn Bình",
            motherName: "Phạm Thị Cúc", spouseName: "Lê Văn Dũng")
        let history = [
            ResidencePeriod(
                from: "1990-05-14", to: "2008-08-31", address: "12 Phố Huế", provinceCode: "001", occupation: "Học sinh"
            ),
            ResidencePeriod(from: "2008-09-01", address: "Paris", countryCode: "FR", occupation: "Kế toán"),
        ]
        return [
            RequestSubmission(
                request: .criminalRecord(CriminalRecordRequest(form: .form1, purpose: "Xin việc", statesBans: true)),
                particulars: Particulars(otherNames: []), residenceHistory: [],
                contact: ContactDetails(phone: "0912345678"), copies: 1),
            RequestSubmission(
                request: .criminalRecord(
                    CriminalRecordRequest(
                        form: .form2, purpose: "Du học", statesBans: nil, expungementToVerify: false)),
                relation: .parentOfMinor,
                subject: SubjectDetails(
                    personalId: "001310012345", fullName: "Nguyễn Minh", birthDate: "2012-01-31", sex: .female),
                particulars: full, residenceHistory: history,
                contact: ContactDetails(phone: "+84912345678", email: "tuyet@example.vn"), copies: 12,
                delivery: DeliveryChoice(method: .postal, postalAddress: abroad), feeGroup: "student"),
            RequestSubmission(
                request: .healthCertificate(HealthCertificateRequest(certificateType: "driving-licence")),
                relation: .authorisedProxy, proxy: ProxyDetails(kinship: .other, authorisationReference: "UQ-12/2026"),
                contact: ContactDetails(email: "a@b.vn"), delivery: DeliveryChoice(method: .inPerson)),
            RequestSubmission(
                request: .healthCertificate(HealthCertificateRequest(certificateType: "employment", purpose: "Đi làm")),
                proxy: ProxyDetails(kinship: .parent), contact: ContactDetails(phone: "0912345678"), copies: 0),
            RequestSubmission(
                request: .healthBookExtract(HealthBookExtractRequest(sections: [])), contact: ContactDetails()),
            RequestSubmission(
                request: .healthBookExtract(
                    HealthBookExtractRequest(
                        sections: [.allergies, .encounters, .vaccinations], from: "2020-01-01", to: "2026-12-31",
                        purpose: "Bảo hiểm")),
                contact: ContactDetails(phone: "0912345678", email: "x@y.vn"), copies: -3),
        ]
    }()

    static func foundationBytes(_ submission: RequestSubmission) throws -> [UInt8] {
        Array(try FoundationJSON.encoder().encode(submission))
    }

    @Test func everyFieldIsWrittenExactlyAsJSONEncoderWritesIt() throws {
        for submission in Self.submissions {
            let ours = submission.sortedKeysJSON()
            #expect(ours == (try Self.foundationBytes(submission)), "\(String(decoding: ours, as: UTF8.self))")
            #expect(ours == (try WorkflowJSON.encode(submission)), "the generic encoder writes the same bytes")
        }
    }

    @Test func stringEscapesMatchJSONEncoderForEveryASCIICharacterAndBeyond() throws {
        var texts = (0..<128).map { String(UnicodeScalar(UInt8($0))) }
        texts += ["", "a/b\\c\"d", "\u{7F}", "é", "\u{2028}\u{2029}", "👩‍👩‍👧", "tab\there\r\nnul\u{0}end", "</script>"]
        for text in texts {
            let submission = RequestSubmission(
                request: .criminalRecord(CriminalRecordRequest(form: .form1, purpose: text)),
                contact: ContactDetails(email: text), feeGroup: text)
            let ours = submission.sortedKeysJSON()
            #expect(
                ours == (try Self.foundationBytes(submission)), "escaping of \(Array(text.unicodeScalars.map(\.value)))"
            )
            #expect(
                ours == (try WorkflowJSON.encode(submission)),
                "generic escaping of \(Array(text.unicodeScalars.map(\.value)))")
            #expect(try FoundationJSON.decoder().decode(RequestSubmission.self, from: Data(ours)) == submission)
        }
    }

    @Test func decodingWhatItWritesGivesTheSameSubmission() throws {
        for submission in Self.submissions {
            let decoded = try FoundationJSON.decoder().decode(
                RequestSubmission.self, from: Data(submission.sortedKeysJSON()))
            #expect(decoded == submission)
        }
    }

    @Test func equalSubmissionsGiveEqualBytesWhateverTheirOrigin() throws {
        for submission in Self.submissions {
            // A copy made by decoding pretty-printed, reordered JSON is equal, so its bytes (and body hash) are too.
            let pretty = JSONEncoder()
            pretty.outputFormatting = [.prettyPrinted]
            let roundTripped = try FoundationJSON.decoder().decode(
                RequestSubmission.self, from: pretty.encode(submission))
            #expect(roundTripped.sortedKeysJSON() == submission.sortedKeysJSON())
            #expect(submission.sortedKeysJSON() == submission.sortedKeysJSON())
        }
    }
}

@Suite struct PersonIdentitySortedKeysJSONTests {
    @Test func identityIsWrittenExactlyAsJSONEncoderWritesIt() throws {
        let names = ["Nguyễn Thị Ánh Tuyết", "O'Brien \"Quote\" \\ / </script>", "tab\tnul\u{0}", "👩‍👩‍👧"]
        for (index, name) in names.enumerated() {
            let identity = PersonIdentity(
                personalID: try PersonalIDNumber("001190012345"), fullName: name,
                birthDate: CalendarDate(year: 1990, month: 5, day: 14 + index)!, sex: index % 2 == 0 ? .female : .male)
            let ours = identity.sortedKeysJSON()
            #expect(
                ours == Array(try FoundationJSON.encoder().encode(identity)), "\(String(decoding: ours, as: UTF8.self))"
            )
            #expect(ours == (try WorkflowJSON.encode(identity)))
            #expect(try FoundationJSON.decoder().decode(PersonIdentity.self, from: Data(ours)) == identity)
        }
    }
}
