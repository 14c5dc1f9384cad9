import CivicSealWorkflow

extension DocumentHolder {
    /// The holder block from the identity token's facts and the request's particulars, with no fact made up: a
    /// fact the document of `kind` prints that the request does not state is refused (`holder.fact-missing`,
    /// naming the request field). The criminal-record forms print birth place, nationality, ethnicity and residence;
    /// the health documents print the residence.
    /// Refuses, naming each, the facts a document of `kind` prints that `particulars` do not state (checked at
    /// approval, so the officer asks the citizen for them instead of sealing an empty line).
    public static func checkFacts(particulars: Particulars?, kind: RequestKind) throws(ValidationFailure) {
        _ = try fromRequest(personalID: "", fullName: "", birthDate: CalendarDate(daysSinceEpoch: 0), sex: .male, particulars: particulars, kind: kind)
    }

    public static func fromRequest(
        personalID: String, fullName: String, birthDate: CalendarDate, sex: Sex, particulars: Particulars?, kind: RequestKind
    ) throws(ValidationFailure) -> DocumentHolder {
        var issues: [ValidationIssue] = []
        func require(_ value: String?, _ field: String) -> String {
            guard let value, !value.isEmpty else {
                issues.append(ValidationIssue(field: field, code: .holderFactMissing, message: "the request does not state \(field), which the document prints"))
                return ""
            }
            return value
        }
        let residenceValue = particulars?.currentResidence?.line ?? particulars?.permanentResidence?.line
        let residence = require(residenceValue, "particulars.currentResidence")
        var birthPlace = ""
        var nationality = ""
        var ethnicity: String?
        if kind == .criminalRecord {
            birthPlace = require(particulars?.birthPlace, "particulars.birthPlace")
            nationality = require(particulars?.nationality, "particulars.nationality")
            ethnicity = require(particulars?.ethnicity, "particulars.ethnicity")
            if nationality == "VN" { nationality = "Việt Nam" }
        }
        guard issues.isEmpty else { throw ValidationFailure(issues: issues) }
        let otherNames = particulars?.otherNames.flatMap { $0.isEmpty ? nil : $0.joined(separator: ", ") }
        return DocumentHolder(
            fullName: fullName, otherNames: otherNames, sex: sex, birthDate: birthDate, birthPlace: birthPlace, nationality: nationality,
            ethnicity: ethnicity, residence: residence, personalID: personalID, fatherName: particulars?.fatherName,
            motherName: particulars?.motherName, spouseName: particulars?.spouseName)
    }
}
