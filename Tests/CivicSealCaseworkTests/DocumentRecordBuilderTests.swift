import CivicSealJSON
import CivicSealTestSupport
import CivicSealWorkflow
import Foundation
import Testing

@testable import CivicSealApp
@testable import CivicSealCasework
@testable import CivicSealDocuments
@testable import CivicSealRecords

/// ``DocumentRecordBuilder`` reads the stored findings with the typed decoder and fills nothing in (findings 12, 13,
/// 18).
@Suite("Document record builder")
struct DocumentRecordBuilderTests {
    typealias Inputs = DocumentProvenanceTests.Inputs

    static func source(_ kind: RequestKind, findings: String, submission: String? = nil, approver: String? = "Cán bộ A")
        -> IssuanceSource
    {
        IssuanceSource(
            requestID: "r", kind: kind, form: nil, departmentID: "justice-hanoi", ownerID: Inputs.a.personalID,
            submissionJSON: submission ?? Inputs.a.submissionJSON(kind, form: 1),
            subjectIdentityJSON: Inputs.a.identityJSON,
            findingsJSON: findings, approverName: approver, approvedAt: Inputs.a.issuedAt)
    }

    static func build(_ source: IssuanceSource) throws -> DocumentRecord {
        try DocumentRecordBuilder.record(
            for: source, documentID: Inputs.a.documentID, issuedAt: Inputs.a.issuedAt, department: .justiceHanoi,
            healthBook: { Inputs.a.healthBook }
        ).record
    }

    @Test("a recorded conviction reaches the record with every column; no conviction means none")
    func convictionReachesTheRecord() throws {
        let record = try Self.build(Self.source(.criminalRecord, findings: Inputs.a.findingsJSON(.criminalRecord)))
        guard case .criminalRecord(let findings) = record.findings else {
            Issue.record("wrong kind")
            return
        }
        #expect(
            findings.convictions == [
                Conviction(
                    judgmentDate: CalendarDate("2019-02-03")!, judgmentNumber: "Bản án A", court: "Tòa A",
                    crime: "Tội A", articles: "Điều A",
                    mainPenalty: "Hình phạt A", additionalPenalties: "Bổ sung A", executionStatus: "Thi hành A",
                    expunged: false)
            ])
        #expect(
            findings.bans == [
                Ban(description: "Cấm A", judgment: "Bản án cấm A", court: "Tòa cấm A", duration: "Thời hạn A")
            ])
        #expect(DocumentSchema.flags["criminalRecord.hasCurrentConvictions"]!.value(record))
    }

    @Test("the issue's body (an unknown `conviction` member) cannot be issued as a clean record")
    func unknownMemberRefused() {
        #expect(throws: ValidationFailure.self) {
            try Self.build(
                Self.source(
                    .criminalRecord,
                    findings: #"{"convictions":[],"bans":[],"conviction":"#
                        + #"[{"judgmentDate":"2020-01-01","crime":"Trộm cắp tài sản"}]}"#
                ))
        }
    }

    @Test("health findings without a drug test, licence class, validity or examination date are refused, not defaulted")
    func healthDefaultsGone() throws {
        let full = try JSONValue(parsing: Array(Inputs.a.findingsJSON(.healthCertificate).utf8)).objectValue!
        for member in ["drugTest", "licenceClass", "validityMonths", "examinedOn"] {
            var object = full
            object[member] = nil
            do {
                _ = try Self.build(Self.source(.healthCertificate, findings: JSONValue.object(object).serialized()))
                Issue.record("\(member) missing was accepted")
            } catch let failure as ValidationFailure {
                #expect(failure.issues.map(\.field) == ["findings.\(member)"])
            }
        }
        let record = try Self.build(
            Self.source(.healthCertificate, findings: Inputs.a.findingsJSON(.healthCertificate)))
        guard case .healthCertificate(let findings) = record.findings else {
            Issue.record("wrong kind")
            return
        }
        #expect(
            findings.drugTest == "Ma túy A" && findings.licenceClass == "B"
                && findings.examinedOn == CalendarDate("2026-06-01"))
    }

    @Test(
        "the certificate is the type asked for: an employment request gets the employment certificate, not the driver's"
    )
    func healthCertificateFollowsTheRequestedType() throws {
        let employment = Inputs.a.submissionJSON(.healthCertificate, form: 0, type: .employment)
        let record = try Self.build(
            Self.source(
                .healthCertificate, findings: Inputs.a.findingsJSON(.healthCertificate, type: .employment),
                submission: employment))
        guard case .healthCertificate(let findings) = record.findings else {
            Issue.record("wrong kind")
            return
        }
        #expect(
            findings.certificateType == .employment && findings.licenceClass == nil && findings.classification == .ii)
        #expect(DocumentRenderer.defaultTemplateID(for: record) == "health-certificate-employment")
        // Driver's findings (licence class, drug test) on an employment request are refused, naming the members.
        do {
            _ = try Self.build(
                Self.source(
                    .healthCertificate, findings: Inputs.a.findingsJSON(.healthCertificate), submission: employment))
            Issue.record("driver's findings accepted for an employment request")
        } catch let failure as ValidationFailure {
            #expect(failure.contains(.findingsUnknownMember, at: "findings.licenceClass"))
            #expect(failure.contains(.findingsUnknownMember, at: "findings.drugTest"))
        }
    }

    @Test(
        "a department without its place or signing formula in its configuration issues nothing, never a default"
    )
    func issuerWordingComesFromTheDepartment() throws {
        let source = Self.source(.criminalRecord, findings: Inputs.a.findingsJSON(.criminalRecord))
        let bare = Department(
            id: "justice-hanoi", nameVietnamese: "Sở Tư pháp thành phố Hà Nội",
            nameEnglish: "Hanoi Department of Justice")
        #expect(throws: (any Error).self) {
            try DocumentRecordBuilder.record(
                for: source, documentID: Inputs.a.documentID, issuedAt: Inputs.a.issuedAt, department: bare,
                healthBook: { Inputs.a.healthBook }
            ).record
        }
        let record = try Self.build(source)
        #expect(record.place == "Hà Nội" && record.officer.titleVietnamese == "TL. GIÁM ĐỐC")
    }

    @Test("a missing residence or approving officer is refused, never printed empty or as the department's name")
    func missingHolderFactsRefused() {
        let bare =
            #"{"contact":{"phone":"0912345678"},"copies":1,"delivery":{"method":"electronic"},"relation":"self","#
            + #""request":{"kind":"health-certificate","certificateType":"driving-licence"}}"#
        do {
            _ = try Self.build(
                Self.source(.healthCertificate, findings: Inputs.a.findingsJSON(.healthCertificate), submission: bare))
            Issue.record("accepted")
        } catch let failure as ValidationFailure {
            #expect(failure.contains(.holderFactMissing, at: "particulars.currentResidence"))
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(throws: (any Error).self) {
            try Self.build(
                Self.source(.criminalRecord, findings: Inputs.a.findingsJSON(.criminalRecord), approver: nil))
        }
    }

    @Test("an extract states the health-book entries of the approved sections within the requested period")
    func extractFromTheBook() throws {
        let record = try Self.build(
            Self.source(.healthBookExtract, findings: Inputs.a.findingsJSON(.healthBookExtract)))
        guard case .healthBookExtract(let extract) = record.findings else {
            Issue.record("wrong kind")
            return
        }
        #expect(extract.encounters.map(\.facilityName) == ["Cơ sở A"])
        #expect(extract.vaccinations.map(\.vaccine) == ["Vắc xin A"])
        #expect(extract.allergies.map(\.agent) == ["Tác nhân A"])
        #expect(extract.periodFrom == CalendarDate("2020-01-01"))
    }
}
