import CivicSealCrypto
import CivicSealJSON
import CivicSealWorkflow
import Foundation

/// What a document states from a stored submission, read from its canonical JSON with the strict JSON parser.
///
/// The store keeps submissions exactly as ``RequestSubmission/sortedKeysJSON()`` wrote them after validation, so
/// issuance needs no second validation, only the facts: `JSONDecoder` for the whole submission was about 10 % of an
/// issuance. Anything that does not have the stored shape is refused (``DocumentRecordBuilder/Failure``), never
/// guessed; `StoredSubmissionFactsTests` checks that the facts equal what `JSONDecoder` reads from the same bytes.
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

    init(json: String) throws {
        guard let object = (try? JSONValue(parsing: Array(json.utf8)))?.objectValue,
            let request = object["request"]?.objectValue,
            let kind = request["kind"]?.stringValue.flatMap(RequestKind.init(rawValue:))
        else { throw DocumentRecordBuilder.Failure(description: "the stored submission does not decode") }
        switch kind {
        case .criminalRecord:
            guard let form = request["form"]?.int64Value.flatMap({ CriminalRecordForm(rawValue: Int($0)) }) else {
                throw DocumentRecordBuilder.Failure(description: "the stored criminal-record request has no form")
            }
            details = .criminalRecord(
                form: form,
                statesBans: CriminalRecordRequest(form: form, purpose: "", statesBans: request["statesBans"]?.boolValue)
                    .effectiveStatesBans)
        case .healthCertificate:
            details = .healthCertificate(
                type: request["certificateType"]?.stringValue.flatMap(HealthCertificateType.init(rawValue:)),
                licenceClass: request["licenceClass"]?.stringValue)
        case .healthBookExtract:
            let sections = (request["sections"]?.arrayValue ?? []).compactMap {
                $0.stringValue.flatMap(HealthBookSection.init(rawValue:))
            }
            details = .healthBookExtract(
                sections: sections, from: request["from"]?.stringValue, to: request["to"]?.stringValue)
        }
        particulars = object["particulars"]?.objectValue.map { members in
            func address(_ name: String) -> Address? {
                guard let address = members[name]?.objectValue, let line = address["line"]?.stringValue else {
                    return nil
                }
                return Address(
                    line: line, provinceCode: address["provinceCode"]?.stringValue,
                    countryCode: address["countryCode"]?.stringValue)
            }
            return Particulars(
                otherNames: members["otherNames"]?.arrayValue.map { $0.compactMap(\.stringValue) },
                birthPlace: members["birthPlace"]?.stringValue,
                ethnicity: members["ethnicity"]?.stringValue, nationality: members["nationality"]?.stringValue,
                permanentResidence: address("permanentResidence"), currentResidence: address("currentResidence"),
                fatherName: members["fatherName"]?.stringValue, motherName: members["motherName"]?.stringValue,
                spouseName: members["spouseName"]?.stringValue)
        }
        subject = object["subject"]?.objectValue.flatMap { members in
            guard let id = members["personalId"]?.stringValue, let name = members["fullName"]?.stringValue,
                let birth = members["birthDate"]?.stringValue,
                let sex = members["sex"]?.stringValue.flatMap(Sex.init(rawValue:))
            else { return nil }
            return Subject(personalID: id, fullName: name, birthDate: birth, sex: sex)
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
