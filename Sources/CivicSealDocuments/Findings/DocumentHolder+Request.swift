import CivicSealWorkflow

extension DocumentHolder {
    /// Refuses, naming each, the facts a document of `kind` prints that `particulars` do not state (checked at
    /// approval, so the officer asks the citizen for them instead of sealing an empty line).
    package static func checkFacts(particulars: Particulars?, kind: RequestKind) throws(ValidationFailure) {
        _ = try requestFacts(particulars, kind: kind)
    }

    /// The printed facts taken from the request: residence, and for criminal records birth place, nationality
    /// (the code printed as the country's Vietnamese name, `VN` as "Việt Nam") and ethnicity; each missing one is an
    /// issue naming its request field.
    static func requestFacts(_ particulars: Particulars?, kind: RequestKind) throws(ValidationFailure)
        -> (residence: String, birthPlace: String, nationality: String, ethnicity: String?)
    {
        var issues: [ValidationIssue] = []
        func require(_ value: String?, _ field: String) -> String {
            guard let value, !value.isEmpty else {
                issues.append(
                    ValidationIssue(
                        field: field, code: .holderFactMissing,
                        message: "the request does not state \(field), which the document prints"))
                return ""
            }
            return value
        }
        let residence = require(
            particulars?.currentResidence?.line ?? particulars?.permanentResidence?.line, "particulars.currentResidence"
        )
        var birthPlace = ""
        var nationality = ""
        var ethnicity: String?
        if kind == .criminalRecord {
            birthPlace = require(particulars?.birthPlace, "particulars.birthPlace")
            nationality = require(particulars?.nationality, "particulars.nationality")
            ethnicity = require(particulars?.ethnicity, "particulars.ethnicity")
            // Printed as the country's Vietnamese name ("Việt Nam", "Lào"); a code this list does not know stays as
            // recorded.
            if let country = Country.named(nationality) { nationality = country.vietnamese }
        }
        guard issues.isEmpty else { throw ValidationFailure(issues: issues) }
        return (residence, birthPlace, nationality, ethnicity)
    }

    /// The holder block from the identity token's facts and the request's particulars, with no fact made up: a
    /// fact the document of `kind` prints that the request does not state is refused (`holder.fact-missing`,
    /// naming the request field). The criminal-record forms print birth place, nationality, ethnicity and residence;
    /// the health documents print the residence.
    package static func fromRequest(
        personalID: String, fullName: String, birthDate: CalendarDate, sex: Sex, particulars: Particulars?,
        kind: RequestKind
    ) throws(ValidationFailure) -> DocumentHolder {
        let facts = try requestFacts(particulars, kind: kind)
        let otherNames = particulars?.otherNames.flatMap { $0.isEmpty ? nil : $0.joined(separator: ", ") }
        return DocumentHolder(
            fullName: fullName, otherNames: otherNames, sex: sex, birthDate: birthDate, birthPlace: facts.birthPlace,
            nationality: facts.nationality, ethnicity: facts.ethnicity, residence: facts.residence,
            personalID: personalID, fatherName: particulars?.fatherName,
            motherName: particulars?.motherName, spouseName: particulars?.spouseName)
    }
}
