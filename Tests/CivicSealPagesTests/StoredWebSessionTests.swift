import CivicSealIdentity
import CivicSealWorkflow
import Foundation
import Testing

@testable import CivicSealPages

/// The pages' session payload as it crosses a shared session backend (several instances on PostgreSQL).
@Suite("Stored web session")
struct StoredWebSessionTests {
    static let facts = TokenFacts(
        issuer: "https://idp.example", subject: "sub-1", expiresAt: Date(timeIntervalSince1970: 1_800_000_600),
        issuedAt: Date(timeIntervalSince1970: 1_800_000_000))

    @Test("a citizen's session comes back as it went: identity, token facts, ID token, provider and notice")
    func citizenRoundTrips() throws {
        let applicant = try #require(CitizenFormTests.applicant())
        let session = WebSession(
            signedIn: .citizen(CitizenPrincipal(token: Self.facts, applicant: applicant)), idToken: "eyJ.x.y",
            provider: .citizen, flash: "flash.submitted")
        let bytes = StoredWebSession.codec.encode(session)
        let back = try #require(StoredWebSession.codec.decode(bytes))
        guard case .citizen(let citizen) = back.signedIn else {
            Issue.record("not a citizen")
            return
        }
        #expect(citizen.applicant == applicant && citizen.token == Self.facts)
        #expect(back.idToken == "eyJ.x.y" && back.provider == .citizen && back.flash == "flash.submitted")
    }

    @Test("an officer's session keeps name, roles and department; garbage decodes to nothing")
    func officerRoundTrips() throws {
        let staff = StaffPrincipal(
            token: Self.facts, name: "Lê Thị Lan", roles: [.justiceOfficer], department: "justice-hanoi")
        let session = WebSession(signedIn: .officer(staff), idToken: nil, provider: .officer, flash: nil)
        let back = try #require(StoredWebSession.codec.decode(StoredWebSession.codec.encode(session)))
        guard case .officer(let officer) = back.signedIn else {
            Issue.record("not an officer")
            return
        }
        #expect(officer == staff)
        #expect(StoredWebSession.codec.decode(Array("{\"token\":1}".utf8)) == nil)
        #expect(StoredWebSession.codec.decode([0xFF, 0x00]) == nil)
    }
}
