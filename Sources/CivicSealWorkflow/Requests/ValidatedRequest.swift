/// A submission that passed ``SubmissionValidator``: the normalised body plus everything derived from it that
/// storage indexes and the workflow needs (who it is about, form, complexity, routing province).
package struct ValidatedRequest: Codable, Sendable, Hashable {
    /// The submission with every text field trimmed and in NFC.
    package let submission: RequestSubmission
    package let applicant: Applicant
    /// The person the document is about (the applicant for `self`).
    package let subject: PersonIdentity
    package let complexity: CaseComplexity
    /// Province of the current (else permanent) residence, used for routing; `nil` abroad or not given.
    package let routingProvince: ProvinceCode?

    package init(
        submission: RequestSubmission, applicant: Applicant, subject: PersonIdentity, complexity: CaseComplexity,
        routingProvince: ProvinceCode?
    ) {
        self.submission = submission
        self.applicant = applicant
        self.subject = subject
        self.complexity = complexity
        self.routingProvince = routingProvince
    }

    package var kind: RequestKind { submission.request.kind }

    package var criminalRecordForm: CriminalRecordForm? {
        if case .criminalRecord(let details) = submission.request { return details.form }
        return nil
    }
}
