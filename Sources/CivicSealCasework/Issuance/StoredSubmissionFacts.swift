import CivicSealCrypto
import CivicSealJSON
import CivicSealWorkflow
import Foundation

/// What a document states from a stored submission: a view of the one ``RequestSubmission`` decoding (the strict
/// reader and ``CivicSealJSON/JSONValueDecoder``, through
/// ``WorkflowJSON/decode(_:from:rejectingUnknownKeys:limits:)``), never a second hand-written copy of its shape.
///
/// The store keeps submissions exactly as ``RequestSubmission/sortedKeysJSON()`` wrote them after validation, so
/// issuance needs no second validation, only the facts. Anything that does not decode as a submission is refused
/// (``DocumentRecordBuilder/Failure``), never guessed.
struct StoredSubmissionFacts: Equatable {
    enum Details: Equatable {
        case criminalRecord(form: CriminalRecordForm, statesBans: Bool)
        /// The requested type and licence class as stored; a type this build does not know is nil (refused at
        /// issuance).
        case healthCertificate(type: HealthCertificateType?, licenceClass: String?)
        case healthBookExtract(sections: [HealthBookSection], from: String?, to: String?)
    }

    struct Subject: Equatable {
        let personalID: String
        let fullName: String
        let birthDate: String
        let sex: Sex
    }

    let details: Details
    let particulars: Particulars?
    let subject: Subject?

    init(details: Details, particulars: Particulars?, subject: Subject?) {
        self.details = details
        self.particulars = particulars
        self.subject = subject
    }

    /// The facts of `submission`.
    init(_ submission: RequestSubmission) {
        switch submission.request {
        case .criminalRecord(let request):
            details = .criminalRecord(form: request.form, statesBans: request.effectiveStatesBans)
        case .healthCertificate(let request):
            details = .healthCertificate(type: request.type, licenceClass: request.licenceClass)
        case .healthBookExtract(let request):
            details = .healthBookExtract(sections: request.sections, from: request.from, to: request.to)
        }
        particulars = submission.particulars
        subject = submission.subject.map {
            Subject(personalID: $0.personalId, fullName: $0.fullName, birthDate: $0.birthDate, sex: $0.sex)
        }
    }

    /// The facts of the stored submission `json`, read through the one submission decoding.
    init(json: String) throws {
        switch WorkflowJSON.decode(RequestSubmission.self, from: Array(json.utf8), rejectingUnknownKeys: false) {
        case .success(let submission): self.init(submission)
        case .failure: throw DocumentRecordBuilder.Failure(description: "the stored submission does not decode")
        }
    }

    /// The identity block stored beside the submission (`{birthDate, fullName, personalId, sex}`), or nil.
    static func identity(json: String) -> (personalID: String, fullName: String, birthDate: CalendarDate, sex: Sex)? {
        guard let members = (try? JSONValue(parsing: Array(json.utf8)))?.objectValue,
            let id = members["personalId"]?.stringValue,
            let name = members["fullName"]?.stringValue,
            let birth = members["birthDate"]?.stringValue.flatMap(CalendarDate.init),
            let sex = members["sex"]?.stringValue.flatMap(Sex.init(rawValue:))
        else { return nil }
        return (id, name, birth, sex)
    }
}
