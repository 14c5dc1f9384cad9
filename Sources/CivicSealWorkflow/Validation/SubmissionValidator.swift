/// Checks a ``RequestSubmission`` against the applicant's identity and the law, reporting **every** problem at
/// once, and returns the normalised request (text trimmed and NFC) with its derived facts.
///
/// Rules with a legal source:
/// - criminal records need a level-2 account (VNeID online service) and a person of at least 16 (Law 107/2025/QH15,
///   from 1 July 2026; configurable);
/// - form 2 only for oneself or, by a parent, for a minor child; form 1 also through an authorised proxy, who needs
///   a written authorisation unless parent, spouse or child (Art. 45–46, Law on Judicial Records 28/2009/QH12);
/// - the residence history starts by age 14, without inverted or overlapping periods (tờ khai, Circular
/// 13/2011/TT-BTP);
/// - the complexity reasons of Art. 48 (several provinces, abroad, foreigner, expungement) are derived here.
package struct SubmissionValidator: Sendable {
    package var policy: ValidationPolicy
    package var fees: FeeSchedule

    package init(policy: ValidationPolicy = ValidationPolicy(), fees: FeeSchedule = FeeSchedule()) {
        self.policy = policy
        self.fees = fees
    }

    /// Validates `submission` made by `applicant` on `today` (Việt Nam date).
    package func validate(
        _ submission: RequestSubmission, applicant: Applicant, today: CalendarDate
    ) -> Result<ValidatedRequest, ValidationFailure> {
        var issues = IssueCollector()
        var clean = submission
        let kind = submission.request.kind
        let isCriminalRecord = kind == .criminalRecord

        let required = policy.requiredAssurance(for: kind)
        if applicant.assuranceLevel < required {
            issues.add(
                "assuranceLevel", .assuranceLevel2Required,
                "\(kind.rawValue) requests need a \(required.rawValue) account")
        }

        let subject = validateSubject(submission, applicant: applicant, today: today, into: &issues, clean: &clean)
        validateRelation(submission, applicant: applicant, subject: subject, today: today, into: &issues, clean: &clean)
        clean.request = validateDetails(submission.request, today: today, into: &issues)

        // The citizen's own nationality is the identity token's (VNeID states it); a request about oneself takes it
        // from there when the form leaves it out, and cannot state another.
        if submission.relation == .oneself, let stated = applicant.nationality, var particulars = clean.particulars {
            if particulars.nationality == nil {
                particulars.nationality = stated
                clean.particulars = particulars
            } else if particulars.nationality != stated {
                issues.add(
                    "particulars.nationality", .nationalityTokenMismatch,
                    "your nationality is the one your identity account states (\(stated))")
            }
        }
        if let particulars = clean.particulars {
            clean.particulars = validateParticulars(particulars, required: isCriminalRecord, into: &issues)
            if !isCriminalRecord, particulars.currentResidence == nil, particulars.permanentResidence == nil {
                issues.add(
                    "particulars.currentResidence", .fieldRequired, "health documents print the residence (Nơi cư trú)")
            }
        } else if isCriminalRecord {
            issues.add("particulars", .fieldRequired, "criminal-record requests need the personal particulars")
        } else {
            issues.add(
                "particulars.currentResidence", .fieldRequired, "health documents print the residence (Nơi cư trú)")
        }

        if isCriminalRecord {
            clean.residenceHistory = validateResidenceHistory(
                submission.residenceHistory, subject: subject, today: today, into: &issues)
        } else {
            // Health documents print no residence history: one stated anyway is checked row by row, then dropped.
            if submission.residenceHistory != nil {
                _ = validateResidenceHistory(submission.residenceHistory, subject: nil, today: today, into: &issues)
            }
            clean.residenceHistory = nil
        }

        clean.contact = validateContact(submission.contact, into: &issues)
        if !(policy.minimumCopies...policy.maximumCopies).contains(submission.copies) {
            issues.add(
                "copies", .copiesOutOfRange,
                "copies must be \(policy.minimumCopies) to \(policy.maximumCopies), got \(submission.copies)")
        }
        if submission.delivery.method == .postal {
            if let address = submission.delivery.postalAddress {
                clean.delivery.postalAddress = validateAddress(address, at: "delivery.postalAddress", into: &issues)
            } else {
                issues.add("delivery.postalAddress", .fieldRequired, "postal delivery needs an address")
            }
        } else {
            // An address given for another delivery method is checked like any address, then dropped.
            if let address = submission.delivery.postalAddress {
                _ = validateAddress(address, at: "delivery.postalAddress", into: &issues)
            }
            clean.delivery.postalAddress = nil
        }
        if fees.category(forGroup: submission.feeGroup) == nil {
            issues.add("feeGroup", .feeGroupUnknown, "unknown fee group \(submission.feeGroup ?? "")")
        }

        guard let subject, issues.issues.isEmpty else { return .failure(issues.failure) }
        let residence = clean.particulars?.currentResidence ?? clean.particulars?.permanentResidence
        return .success(
            ValidatedRequest(
                submission: clean, applicant: applicant, subject: subject,
                complexity: isCriminalRecord ? complexity(of: clean) : .simple,
                routingProvince: residence?.provinceCode.flatMap(ProvinceCode.init(rawValue:))))
    }

    // MARK: Who

    private func validateSubject(
        _ submission: RequestSubmission, applicant: Applicant, today: CalendarDate,
        into issues: inout IssueCollector, clean: inout RequestSubmission
    ) -> PersonIdentity? {
        if submission.relation == .oneself {
            // A subject stated anyway must be a valid one, and the applicant.
            if let given = submission.subject {
                _ = PersonIdentity.validate(
                    personalId: given.personalId, fullName: given.fullName, birthDate: given.birthDate, sex: given.sex,
                    prefix: "subject.", today: today, policy: policy, into: &issues)
                if given.personalId != applicant.personalID.digits {
                    issues.add(
                        "subject.personalId", .formSubjectMismatch, "a request for oneself cannot name someone else")
                }
            }
            clean.subject = nil
            return applicant.identity
        }
        guard let given = submission.subject else {
            issues.add("subject", .fieldRequired, "a request on someone's behalf must identify that person")
            return nil
        }
        let subject = PersonIdentity.validate(
            personalId: given.personalId, fullName: given.fullName, birthDate: given.birthDate, sex: given.sex,
            prefix: "subject.", today: today, policy: policy, into: &issues)
        if let subject {
            clean.subject = SubjectDetails(
                personalId: subject.personalID.digits, fullName: subject.fullName,
                birthDate: subject.birthDate.description, sex: subject.sex)
            if subject.personalID == applicant.personalID {
                issues.add("relation", .formSubjectIsApplicant, "a request about oneself uses relation \"self\"")
            }
        }
        return subject
    }

    private func validateRelation(
        _ submission: RequestSubmission, applicant: Applicant, subject: PersonIdentity?, today: CalendarDate,
        into issues: inout IssueCollector, clean: inout RequestSubmission
    ) {
        let kind = submission.request.kind
        let birthDateField = submission.relation == .oneself ? "birthDate" : "subject.birthDate"
        // Proxy details stated where no proxy acts are checked like any text, then dropped.
        if submission.relation != .authorisedProxy, let proxy = submission.proxy {
            _ = issues.text(
                proxy.authorisationReference, at: "proxy.authorisationReference", limit: policy.maximumShortTextLength,
                required: false)
        }
        switch submission.relation {
        case .oneself:
            clean.proxy = nil
        case .parentOfMinor:
            clean.proxy = nil
            if let subject, subject.birthDate.age(on: today) >= policy.ageOfMajority {
                issues.add(
                    "relation", .formSubjectNotMinor,
                    "a parent may ask only for a child under \(policy.ageOfMajority)")
            }
        case .authorisedProxy:
            if case .criminalRecord(let details) = submission.request, details.form == .form2 {
                issues.add(
                    "relation", .formForm2NotSelf,
                    "form 2 is issued only to the person or, for a minor, a parent (Art. 46(2))")
            } else if kind != .criminalRecord {
                issues.add("relation", .formProxyNotAllowed, "\(kind.rawValue) requests cannot be made by a proxy")
            }
            if let proxy = submission.proxy {
                let reference = issues.text(
                    proxy.authorisationReference, at: "proxy.authorisationReference",
                    limit: policy.maximumShortTextLength, required: false)
                if proxy.kinship == .other && reference == nil && issues.isEmpty(under: "proxy.authorisationReference")
                {
                    issues.add(
                        "proxy.authorisationReference", .proxyAuthorisationRequired,
                        "a proxy outside the family needs a written authorisation (Art. 45(2))")
                }
                clean.proxy = ProxyDetails(kinship: proxy.kinship, authorisationReference: reference)
            } else {
                issues.add("proxy", .fieldRequired, "an authorised proxy must state the kinship")
            }
        }
        if kind == .criminalRecord, submission.relation != .parentOfMinor, let subject,
            subject.birthDate.age(on: today) < policy.criminalRecordMinimumAge
        {
            issues.add(
                birthDateField, .ageBelowMinimum,
                "criminal-record certificates are issued from age \(policy.criminalRecordMinimumAge)")
        }
    }

    // MARK: What

    private func validateDetails(
        _ details: RequestDetails, today: CalendarDate, into issues: inout IssueCollector
    ) -> RequestDetails {
        switch details {
        case .criminalRecord(var request):
            request.purpose =
                issues.text(request.purpose, at: "request.purpose", limit: policy.maximumPurposeLength)
                ?? request.purpose
            if request.form == .form2 && request.statesBans == false {
                issues.add("request.statesBans", .formForm2StatesBans, "form 2 always states bans")
            }
            request.statesBans = request.effectiveStatesBans
            request.expungementToVerify = request.expungementToVerify ?? false
            return .criminalRecord(request)
        case .healthCertificate(var request):
            let known = policy.healthCertificateTypes.contains(request.certificateType) && request.type != nil
            if !known {
                issues.add(
                    "request.certificateType", .healthCertificateTypeUnknown,
                    "certificate type must be one of \(policy.healthCertificateTypes.joined(separator: ", "))")
            }
            // Circular 36/2024/TT-BYT: the driver's examination is for a licence class; the other types have none.
            if request.type == .drivingLicence {
                if let given = request.licenceClass {
                    if LicenceClass(rawValue: given) == nil {
                        issues.add(
                            "request.licenceClass", .licenceClassUnknown,
                            "licence class must be one of \(LicenceClass.codes.joined(separator: ", "))")
                    }
                } else {
                    issues.add(
                        "request.licenceClass", .licenceClassRequired,
                        "a driver's health certificate names the licence class")
                }
            } else if known, request.licenceClass != nil {
                issues.add(
                    "request.licenceClass", .licenceClassNotApplicable,
                    "only a driver's health certificate names a licence class")
            }
            request.purpose = issues.text(
                request.purpose, at: "request.purpose", limit: policy.maximumPurposeLength, required: false)
            return .healthCertificate(request)
        case .healthBookExtract(var request):
            if request.sections.isEmpty {
                issues.add("request.sections", .fieldRequired, "choose at least one section")
            } else if Set(request.sections).count != request.sections.count {
                issues.add("request.sections", .listDuplicate, "a section is listed twice")
            }
            let from = issues.date(request.from, at: "request.from", required: false)
            let to = issues.date(request.to, at: "request.to", required: false)
            if let from, let to, to < from {
                issues.add("request.to", .periodInverted, "the period ends before it starts")
            }
            request.purpose = issues.text(
                request.purpose, at: "request.purpose", limit: policy.maximumPurposeLength, required: false)
            return .healthBookExtract(request)
        }
    }

    private func validateParticulars(
        _ particulars: Particulars, required: Bool, into issues: inout IssueCollector
    ) -> Particulars {
        var clean = particulars
        let otherNames = particulars.otherNames ?? []
        if otherNames.count > policy.maximumOtherNames {
            issues.add("particulars.otherNames", .listTooLong, "at most \(policy.maximumOtherNames) other names")
        }
        clean.otherNames = otherNames.enumerated().compactMap { index, name in
            issues.name(name, at: "particulars.otherNames[\(index)]", limit: policy.maximumNameLength)
        }
        clean.birthPlace = issues.text(
            particulars.birthPlace, at: "particulars.birthPlace", limit: policy.maximumAddressLength, required: required
        )
        clean.ethnicity = issues.text(
            particulars.ethnicity, at: "particulars.ethnicity", limit: policy.maximumShortTextLength, required: required
        )
        if let nationality = particulars.nationality {
            checkCountry(nationality, at: "particulars.nationality", into: &issues)
        } else if required {
            issues.add("particulars.nationality", .fieldRequired, "required")
        }
        for (key, address) in [
            ("permanentResidence", particulars.permanentResidence),
            ("currentResidence", particulars.currentResidence),
        ] {
            let path = "particulars." + key
            var validated: Address?
            if let address {
                validated = validateAddress(address, at: path, into: &issues)
            } else if required {
                issues.add(path, .fieldRequired, "required")
            }
            if key == "permanentResidence" {
                clean.permanentResidence = validated
            } else {
                clean.currentResidence = validated
            }
        }
        clean.fatherName = issues.name(
            particulars.fatherName, at: "particulars.fatherName", limit: policy.maximumNameLength, required: false)
        clean.motherName = issues.name(
            particulars.motherName, at: "particulars.motherName", limit: policy.maximumNameLength, required: false)
        clean.spouseName = issues.name(
            particulars.spouseName, at: "particulars.spouseName", limit: policy.maximumNameLength, required: false)
        return clean
    }

    private func validateAddress(_ address: Address, at path: String, into issues: inout IssueCollector) -> Address {
        var clean = address
        clean.line = issues.text(address.line, at: path + ".line", limit: policy.maximumAddressLength) ?? address.line
        if let province = address.provinceCode, ProvinceCode(rawValue: province) == nil {
            issues.add(path + ".provinceCode", .provinceUnknown, "unknown province code \(province)")
        }
        if let country = address.countryCode { checkCountry(country, at: path + ".countryCode", into: &issues) }
        return clean
    }

    /// An ISO 3166-1 alpha-2 code in capitals (`country.invalid` otherwise) that is assigned (`country.unknown`).
    private func checkCountry(_ code: String, at path: String, into issues: inout IssueCollector) {
        if !ContactFormat.isCountryCode(code) {
            issues.add(path, .countryInvalid, "country must be an ISO 3166-1 alpha-2 code like VN")
        } else if !Country.isKnown(code) {
            issues.add(path, .countryUnknown, "\(code) is not an ISO 3166-1 country code")
        }
    }

    // MARK: Residence history

    private func validateResidenceHistory(
        _ history: [ResidencePeriod]?, subject: PersonIdentity?, today: CalendarDate,
        into issues: inout IssueCollector
    ) -> [ResidencePeriod]? {
        let periods = history ?? []
        if periods.count > policy.maximumResidencePeriods {
            issues.add("residenceHistory", .listTooLong, "at most \(policy.maximumResidencePeriods) periods")
        }
        var clean: [ResidencePeriod] = []
        var spans: [(index: Int, from: CalendarDate, to: CalendarDate?)] = []
        for (index, period) in periods.enumerated() {
            let path = "residenceHistory[\(index)]"
            var item = period
            let from = issues.date(period.from, at: path + ".from")
            let to = issues.date(period.to, at: path + ".to", required: false)
            item.address =
                issues.text(period.address, at: path + ".address", limit: policy.maximumAddressLength)
                ?? period.address
            item.occupation =
                issues.text(
                    period.occupation, at: path + ".occupation", limit: policy.maximumAddressLength)
                ?? period.occupation
            // Each row names its place: a province in Việt Nam, a country abroad (Art. 48 reads complexity from them).
            if let country = period.countryCode { checkCountry(country, at: path + ".countryCode", into: &issues) }
            let abroad = (period.countryCode ?? Country.vietnamCode) != Country.vietnamCode
            if let province = period.provinceCode {
                if abroad {
                    issues.add(
                        path + ".provinceCode", .residenceProvinceAbroad,
                        "a residence abroad has no Vietnamese province")
                } else if ProvinceCode(rawValue: province) == nil {
                    issues.add(path + ".provinceCode", .provinceUnknown, "unknown province code \(province)")
                }
            } else if !abroad {
                issues.add(path + ".provinceCode", .fieldRequired, "a residence in Việt Nam names its province")
            }
            var usable = from != nil
            if let from, from > today {
                issues.add(path + ".from", .residenceHistoryInFuture, "the period starts after today")
                usable = false
            }
            if let to, to > today {
                issues.add(path + ".to", .residenceHistoryInFuture, "the period ends after today; omit `to` for now")
            }
            if let from, let to, to < from {
                issues.add(path + ".to", .residenceHistoryInvertedPeriod, "the period ends before it starts")
                usable = false
            }
            if let from, let subject, from < subject.birthDate {
                issues.add(path + ".from", .residenceHistoryBeforeBirth, "the period starts before the birth date")
            }
            if usable, let from { spans.append((index, from, to)) }
            clean.append(item)
        }

        let ordered = spans.sorted { ($0.from, $0.index) < ($1.from, $1.index) }
        for (previous, current) in zip(ordered, ordered.dropFirst()) {
            // Consecutive periods may share the moving day; an open period must be the last one.
            if previous.to.map({ current.from < $0 }) ?? true {
                issues.add(
                    "residenceHistory[\(current.index)].from", .residenceHistoryOverlap,
                    "overlaps residenceHistory[\(previous.index)]")
            }
        }

        if let subject {
            let fromAge = policy.residenceHistoryFromAge
            let startBy = subject.birthDate.adding(years: fromAge)
            if subject.birthDate.age(on: today) >= fromAge {
                if periods.isEmpty {
                    issues.add(
                        "residenceHistory", .fieldRequired, "the residence history since age \(fromAge) is required")
                } else if let first = ordered.first, first.from > startBy {
                    issues.add(
                        "residenceHistory[\(first.index)].from", .residenceHistoryStartsAfterAge14,
                        "the history must start by \(startBy) (age \(fromAge))")
                }
            }
        }
        return history == nil ? nil : clean
    }

    // MARK: Contact

    private func validateContact(_ contact: ContactDetails, into issues: inout IssueCollector) -> ContactDetails {
        var clean = ContactDetails()
        clean.phone = issues.text(contact.phone, at: "contact.phone", limit: 20, required: false)
        if let phone = clean.phone, !ContactFormat.isValidPhone(phone) {
            issues.add("contact.phone", .contactPhoneInvalid, "phone must look like 0912345678 or +84912345678")
        }
        clean.email = issues.text(contact.email, at: "contact.email", limit: 254, required: false)
        if let email = clean.email, !ContactFormat.isValidEmail(email) {
            issues.add("contact.email", .contactEmailInvalid, "not an e-mail address")
        }
        if contact.phone == nil && contact.email == nil {
            issues.add("contact", .fieldRequired, "give a phone number or an e-mail address")
        }
        return clean
    }

    // MARK: Derived facts

    /// The Art. 48 complexity reasons read from a clean criminal-record submission.
    /// Public so the citizen's page can show the reasons behind its processing time.
    package func complexity(of submission: RequestSubmission) -> CaseComplexity {
        var reasons: Set<CaseComplexity.Reason> = []
        let history = submission.residenceHistory ?? []
        let domestic = history.filter { ($0.countryCode ?? "VN") == "VN" }
        if Set(domestic.compactMap(\.provinceCode)).count > 1 { reasons.insert(.severalProvinces) }
        if history.contains(where: { ($0.countryCode ?? "VN") != "VN" }) { reasons.insert(.livedAbroad) }
        if let nationality = submission.particulars?.nationality, nationality != "VN" { reasons.insert(.foreigner) }
        if case .criminalRecord(let details) = submission.request, details.expungementToVerify == true {
            reasons.insert(.expungementToVerify)
        }
        return CaseComplexity(reasons: reasons)
    }
}
