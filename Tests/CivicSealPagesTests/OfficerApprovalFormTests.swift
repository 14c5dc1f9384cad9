import CivicSealJSON
import CivicSealServiceTestSupport
import CivicSealWebKit
import CivicSealWorkflow
import Testing

@testable import CivicSealPages

/// The officer's approve form without a server: rows, the findings JSON it builds and where each decoder issue lands.
@Suite struct OfficerApprovalFormTests {
    static func form(_ request: RequestDetails) -> OfficerApprovalForm {
        OfficerApprovalForm(RequestSubmission(request: request, contact: ContactDetails(phone: "0912345678")))
    }

    static let form2 = form(.criminalRecord(CriminalRecordRequest(form: .form2, purpose: "Xin việc")))

    @Test("rows: the count the form carried, the highest index typed, one more when asked, never past the limit")
    func rowCounts() {
        #expect(OfficerApprovalForm.rows("convictions", typed: [:], add: false) == 1)
        #expect(OfficerApprovalForm.rows("convictions", typed: ["convictions.rows": "2"], add: true) == 3)
        #expect(OfficerApprovalForm.rows("convictions", typed: ["findings.convictions[4].court": "x"], add: false) == 5)
        #expect(
            OfficerApprovalForm.rows("convictions", typed: ["convictions.rows": "9999"], add: true)
                == OfficerApprovalForm.rowsLimit("convictions"))
        #expect(
            !Self.form2.canAdd("convictions", typed: ["convictions.rows": "15"], step: .review),
            "a full form offers no more rows")
        // A full form stays within the fields a posted form may carry.
        let fields =
            OfficerApprovalForm.rowsLimit("convictions") * OfficerApprovalForm.convictionMembers.count
            + OfficerApprovalForm.rowsLimit("bans") * OfficerApprovalForm.banMembers.count + 8
        #expect(fields <= CivicSealWebKit.FormLimits().maximumFields)
    }

    @Test("a blank row is no conviction; a begun row is sent as typed, an empty additional penalty stated as none")
    func findingsSkipBlankRows() throws {
        let typed = [
            "convictions.rows": "3", "findings.convictions[1].judgmentNumber": "11/2019/HS-ST",
            "findings.convictions[1].expunged": "true",
            "bans.rows": "1",
        ]
        let (json, errors) = Self.form2.findings(typed)
        #expect(errors.isEmpty)
        let convictions = try #require(json?.objectValue?["convictions"]?.arrayValue)
        #expect(convictions.count == 1)
        #expect(convictions[0].objectValue?["judgmentNumber"] == .string("11/2019/HS-ST"))
        #expect(convictions[0].objectValue?["expunged"] == .bool(true))
        #expect(convictions[0].objectValue?["additionalPenalties"] == .string(""))
        #expect(convictions[0].objectValue?["court"] == nil, "a missing court is left for the decoder to name")
        #expect(json?.objectValue?["bans"] == .array([]))
    }

    @Test(
        "the decoder's 2nd conviction is the page's 3rd row after a blank row; a list error lands on the first row"
    )
    func errorsMapToRows() {
        let typed = [
            "convictions.rows": "3", "findings.convictions[0].court": "TAND",
            "findings.convictions[2].crime": "Trộm cắp",
        ]
        let failure = ValidationFailure(issues: [
            ValidationIssue(field: "findings.convictions[1].court", code: .findingsRequired, message: "required"),
            ValidationIssue(field: "findings.convictions[0].judgmentDate", code: .dateInFuture, message: "future"),
            ValidationIssue(field: "findings.convictions", code: .listTooLong, message: "too long"),
        ])
        let errors = Self.form2.pageErrors(failure, typed: typed)
        #expect(errors["findings.convictions[2].court"] == "findings-required")
        #expect(errors["findings.convictions[0].judgmentDate"] == "findings-date-future")
        #expect(errors["findings.convictions[0].judgmentNumber"] == "findings-invalid")
    }

    @Test(
        "health rows: a specialty code gives both printed names, an unknown one is refused on its row and select"
    )
    func healthRows() throws {
        let driving = Self.form(
            .healthCertificate(HealthCertificateRequest(certificateType: "driving-licence", licenceClass: "B")))
        #expect(driving.initialValues() == ["findings.licenceClass": "B"])
        let (json, _) = driving.findings([
            "findings.results[0].specialty": "eyes", "findings.results[0].finding": "10/10",
        ])
        let result = try #require(json?.objectValue?["results"]?.arrayValue?.first?.objectValue)
        #expect(result["specialtyVietnamese"] == .string("Mắt") && result["specialtyEnglish"] == .string("Eyes"))
        let (refused, errors) = driving.findings(["findings.results[0].specialty": "astrology"])
        #expect(refused == nil && errors["findings.results[0].specialty"] == "findings-invalid")
        let failure = ValidationFailure(issues: [
            ValidationIssue(
                field: "findings.results[0].specialtyVietnamese", code: .findingsRequired, message: "required"),
            ValidationIssue(field: "findings.conclusion", code: .findingsRequired, message: "required"),
        ])
        let mapped = driving.pageErrors(failure, typed: ["findings.results[0].finding": "10/10"])
        #expect(mapped["findings.results[0].specialty"] == "findings-required")
        #expect(mapped["findings.conclusion"] == "officer-conclusion-required")
        let employment = Self.form(.healthCertificate(HealthCertificateRequest(certificateType: "employment")))
        #expect(employment.initialValues().isEmpty)
        let names = OfficerApprovalForm.healthFields(.employment, english: false).map(\.name)
        #expect(
            !names.contains("findings.licenceClass") && !names.contains("findings.drugTest")
                && names.contains("findings.classification"))
    }
}
