import Testing

@testable import CivicSealWorkflow

@Suite("One unfinished criminal-record request per form")
struct OpenRequestRuleTests {
    @Test(
        "a second form-1 request is blocked while the first is unfinished",
        arguments: [
            RequestState.submitted, .inReview, .needsInfo, .approved,
        ])
    func blocked(state: RequestState) {
        let existing = [ExistingRequest(kind: .criminalRecord, form: .form1, state: state)]
        let issue = OpenRequestRule.check(kind: .criminalRecord, form: .form1, existing: existing)
        #expect(issue?.code == .requestUnfinishedExists)
        #expect(issue?.field == "request.form")
    }

    @Test(
        "allowed once the earlier request is finished",
        arguments: [
            RequestState.issued, .rejected, .cancelled, .revoked,
        ])
    func allowedAfterCompletion(state: RequestState) {
        let existing = [ExistingRequest(kind: .criminalRecord, form: .form1, state: state)]
        #expect(OpenRequestRule.check(kind: .criminalRecord, form: .form1, existing: existing) == nil)
    }

    @Test("another form or another kind does not block")
    func otherFormOrKind() {
        let existing = [
            ExistingRequest(kind: .criminalRecord, form: .form2, state: .inReview),
            ExistingRequest(kind: .healthCertificate, state: .submitted),
        ]
        #expect(OpenRequestRule.check(kind: .criminalRecord, form: .form1, existing: existing) == nil)
        #expect(OpenRequestRule.check(kind: .criminalRecord, form: .form2, existing: existing) != nil)
        #expect(OpenRequestRule.check(kind: .healthCertificate, form: nil, existing: existing) == nil)
    }

    @Test("after the first is issued a new one is allowed, and blocked again while the new one runs")
    func sequence() throws {
        var first = RequestLifecycle(ownerID: Fixtures.tuyet.personalID.digits, departmentID: "justice-hanoi")
        func existing() -> [ExistingRequest] {
            [ExistingRequest(kind: .criminalRecord, form: .form1, state: first.state)]
        }
        #expect(OpenRequestRule.check(kind: .criminalRecord, form: .form1, existing: existing()) != nil)
        let officer = Participant.officer("officer-17", department: "justice-hanoi")
        try first.perform(.claim, by: officer)
        try first.perform(.approve, by: officer)
        #expect(OpenRequestRule.check(kind: .criminalRecord, form: .form1, existing: existing()) != nil)
        try first.perform(.issue, by: .system())
        #expect(OpenRequestRule.check(kind: .criminalRecord, form: .form1, existing: existing()) == nil)
    }
}
