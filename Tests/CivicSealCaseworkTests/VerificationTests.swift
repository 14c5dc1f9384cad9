import CivicSealApp
import CivicSealIdentity
import CivicSealRecords
import CivicSealVerification
import CivicSealWorkflow
import Foundation
import Testing

@testable import CivicSealCasework

/// The verification look-ups: public status, the five-field confirmation, an upload's verdict.
@Suite("Casework: verification")
struct VerificationTests {
    @Test func theFiveFieldsConfirmAnIssuedDocumentAndAnyDifferenceDoesNot() async throws {
        let fixture = try CaseworkFixture()
        let issued = try await fixture.issued(1)
        let (documentID, _) = try fixture.casework.ownDocument(ofRequest: issued.id, by: CaseworkFixture.citizen(1))
        let given = DetailsConfirmation(
            documentID: documentID.lowercased(), fullName: "  nguyễn thị  thử nghiệm ", birthDate: "1990-05-14",
            sex: "Nữ", personalID: "001190000001")
        let confirmed = try await fixture.casework.confirmDetails(given, client: "192.0.2.1")
        #expect(confirmed?.entry.documentID == documentID && confirmed?.entry.status == .valid)
        var wrongBirth = given
        wrongBirth.birthDate = "1990-05-15"
        #expect(try await fixture.casework.confirmDetails(wrongBirth, client: "192.0.2.1") == nil)
        var unknown = given
        unknown.documentID = "00000000000000000000000001"
        #expect(try await fixture.casework.confirmDetails(unknown, client: "192.0.2.1") == nil)
    }

    @Test func confirmationsAreLimitedPerClient() async throws {
        let fixture = try CaseworkFixture(confirmationsPerWindow: 2)
        let given = DetailsConfirmation(
            documentID: "00000000000000000000000001", fullName: "A", birthDate: "1990-05-14", sex: "female",
            personalID: "001190000001")
        _ = try await fixture.casework.confirmDetails(given, client: "192.0.2.1")
        _ = try await fixture.casework.confirmDetails(given, client: "192.0.2.1")
        let refused = await #expect(throws: CaseworkError.self) {
            _ = try await fixture.casework.confirmDetails(given, client: "192.0.2.1")
        }
        #expect(refused?.code == .tooManyAttempts && (refused?.retryAfter ?? 0) > 0)
        // Another client is counted on its own.
        #expect(try await fixture.casework.confirmDetails(given, client: "192.0.2.2") == nil)
    }

    @Test func anUnknownDocumentHasNoStatus() throws {
        let fixture = try CaseworkFixture()
        #expect(throws: CaseworkError.notFound) {
            _ = try fixture.casework.documentStatus("00000000000000000000000001")
        }
        #expect(throws: CaseworkError.notFound) { _ = try fixture.casework.documentStatus("not-an-id") }
    }

    @Test func bytesThatAreNotASealedPDFAreAnInvalidVerdictNotAnError() async throws {
        let fixture = try CaseworkFixture()
        let verdict = try await fixture.casework.verifyDocument(Array("not a pdf".utf8))
        #expect(verdict.outcome == .invalid)
    }

    @Test func aRevokedDocumentVerifiesAsRevoked() async throws {
        let fixture = try CaseworkFixture()
        let issued = try await fixture.issued(1)
        let (documentID, pdf) = try fixture.casework.ownDocument(ofRequest: issued.id, by: CaseworkFixture.citizen(1))
        _ = try await fixture.casework.revoke(documentID, by: CaseworkFixture.revoker) {
            RevocationInput(code: .superseded, grounds: "Đã cấp phiếu mới")
        }
        #expect(try await fixture.casework.verifyDocument(pdf).outcome == .revoked)
        #expect(try fixture.casework.documentStatus(documentID).entry.status != .valid)
    }
}
