/// The body a citizen submits (the future HTTP API body), before validation. JSON keys are camelCase:
///
/// ```json
/// {
///   "request": {"kind": "criminal-record", "form": 1, "purpose": "Xin việc", "statesBans": false},
///   "relation": "self",
///   "particulars": {
///     "otherNames": [], "birthPlace": "Hà Nội", "ethnicity": "Kinh", "nationality": "VN",
///     "permanentResidence": {"line": "12 Phố Huế, Hai Bà Trưng", "provinceCode": "001"},
///     "currentResidence": {"line": "12 Phố Huế, Hai Bà Trưng", "provinceCode": "001"},
///     "fatherName": "Nguyễn Văn Bình", "motherName": "Trần Thị Cúc"
///   },
///   "residenceHistory": [
///     {"from": "1990-01-01", "to": "2008-08-31", "address": "…", "provinceCode": "001", "occupation": "Học sinh"},
///     {"from": "2008-09-01", "address": "…", "provinceCode": "001", "occupation": "Kế toán"}
///   ],
///   "contact": {"phone": "0912345678", "email": "tuyet@example.vn"},
///   "copies": 2,
///   "delivery": {"method": "electronic"},
///   "feeGroup": "student"
/// }
/// ```
///
/// `subject` (`personalId`, `fullName`, `birthDate`, `sex`) is required when `relation` is not `self`;
/// `proxy` (`kinship`, `authorisationReference`) when it is `authorised-proxy`. Text is validated and normalised
/// by ``SubmissionValidator``, which returns the normalised copy inside ``ValidatedRequest``.
package struct RequestSubmission: Codable, Sendable, Hashable {
    package var request: RequestDetails
    package var relation: RequesterRelation
    package var subject: SubjectDetails?
    package var proxy: ProxyDetails?
    package var particulars: Particulars?
    package var residenceHistory: [ResidencePeriod]?
    package var contact: ContactDetails
    package var copies: Int
    package var delivery: DeliveryChoice
    /// A reduced or exempt fee group of the ``FeeSchedule`` (e.g. `student`, `child`); absent means standard.
    package var feeGroup: String?

    package init(
        request: RequestDetails, relation: RequesterRelation = .oneself, subject: SubjectDetails? = nil,
        proxy: ProxyDetails? = nil, particulars: Particulars? = nil, residenceHistory: [ResidencePeriod]? = nil,
        contact: ContactDetails, copies: Int = 1, delivery: DeliveryChoice = DeliveryChoice(method: .electronic),
        feeGroup: String? = nil
    ) {
        self.request = request
        self.relation = relation
        self.subject = subject
        self.proxy = proxy
        self.particulars = particulars
        self.residenceHistory = residenceHistory
        self.contact = contact
        self.copies = copies
        self.delivery = delivery
        self.feeGroup = feeGroup
    }
}
