import CivicSealWorkflow
import Foundation
import Testing

@testable import CivicSealApp
@testable import CivicSealCasework

/// Issuance reads a stored submission with the strict JSON parser instead of `JSONDecoder`; the facts it takes must
/// be exactly what `JSONDecoder` reads from the same stored bytes.
@Suite struct StoredSubmissionFactsTests {
    static var submissions: [RequestSubmission] {
        var form2 = SyntheticRequests.criminalRecord(form: .form2)
        form2.particulars?.otherNames = ["Nguyễn Văn Tí", "Tèo"]
        form2.particulars?.permanentResidence = Address(line: "Số 1 Tràng Tiền", provinceCode: "01", countryCode: "VN")
        var minor = SyntheticRequests.criminalRecord()
        minor.relation = .parentOfMinor
        minor.subject = SubjectDetails(
            personalId: "001210012345", fullName: "Lê \"Bé\" Na\\", birthDate: "2010-02-03", sex: .female)
        var statesBans = SyntheticRequests.criminalRecord()
        statesBans.request = .criminalRecord(CriminalRecordRequest(form: .form1, purpose: "x", statesBans: true))
        let extract = RequestSubmission(
            request: .healthBookExtract(
                HealthBookExtractRequest(sections: [.vaccinations, .allergies], from: "2020-01-01", to: nil)),
            contact: ContactDetails(email: "a@b.vn"))
        return [
            SyntheticRequests.criminalRecord(), form2, minor, statesBans, SyntheticRequests.healthCertificate(),
            extract,
        ]
    }

    @Test func factsEqualWhatJSONDecoderReadsFromTheStoredBytes() throws {
        for submission in Self.submissions {
            let json = String(decoding: submission.sortedKeysJSON(), as: UTF8.self)
            let foundation = JSONDecoder()
            foundation.dateDecodingStrategy = .iso8601
            let decoded = try foundation.decode(RequestSubmission.self, from: Data(json.utf8))
            let facts = try StoredSubmissionFacts(json: json)
            #expect(facts.particulars == decoded.particulars, "\(json)")
            switch decoded.request {
            case .criminalRecord(let details):
                #expect(facts.details == .criminalRecord(form: details.form, statesBans: details.effectiveStatesBans))
            case .healthCertificate(let details):
                #expect(facts.details == .healthCertificate(type: details.type, licenceClass: details.licenceClass))
                #expect(details.type == .drivingLicence && details.licenceClass == "B")
            case .healthBookExtract(let details):
                #expect(
                    facts.details == .healthBookExtract(sections: details.sections, from: details.from, to: details.to))
            }
            let subject = decoded.subject.map {
                StoredSubmissionFacts.Subject(
                    personalID: $0.personalId, fullName: $0.fullName, birthDate: $0.birthDate, sex: $0.sex)
            }
            #expect(facts.subject == subject)
        }
    }

    @Test func theIdentityBlockIsReadLikeJSONDecoderReadsIt() throws {
        let identity = SyntheticRequests.person(7)
        let json = String(decoding: identity.sortedKeysJSON(), as: UTF8.self)
        let read = try #require(StoredSubmissionFacts.identity(json: json))
        #expect(read.personalID == identity.personalID.digits && read.fullName == identity.fullName)
        #expect(read.birthDate == identity.birthDate && read.sex == identity.sex)
    }

    @Test func bytesThatAreNotAStoredSubmissionAreRefused() {
        for json in [
            "", "[]", "{}", #"{"request":{"kind":"criminal-record"}}"#, #"{"request":{"kind":"passport"}}"#,
            #"{"request":{"kind":"criminal-record","form":3}}"#,
        ] {
            #expect(throws: DocumentRecordBuilder.Failure.self, "\(json)") { try StoredSubmissionFacts(json: json) }
        }
        #expect(StoredSubmissionFacts.identity(json: #"{"fullName":"A"}"#) == nil)
    }
}
