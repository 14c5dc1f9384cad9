import CivicSealCrypto
import CivicSealIdentity
import CivicSealJSON
import CivicSealWebKit
import CivicSealWorkflow
import Foundation

/// What several instances of the pages share (through their database) so that a visitor may reach any of them:
/// the sessions, and one secret from which the anonymous CSRF key and the pre-sign-in cookie key are derived (a form
/// shown by one instance posts to another; a sign-in begun on one completes on another).
package struct SharedWebState: Sendable {
    package let sessions: any SharedSessionBackend
    /// At least 32 random bytes, the same on every instance.
    package let secret: [UInt8]

    package init(sessions: any SharedSessionBackend, secret: [UInt8]) {
        precondition(secret.count >= 32, "the shared web secret has at least 32 bytes")
        self.sessions = sessions
        self.secret = secret
    }

    /// A purpose-bound 32-byte key from the shared secret (HMAC-SHA256 of the purpose).
    func key(_ purpose: String) -> [UInt8] { HMAC.authenticationCode(Array(purpose.utf8), key: secret) }

    /// Milliseconds since the Unix epoch: the CSRF expiry clock every instance shares.
    static let wallClock: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
}

/// ``WebSession`` as JSON for a shared session backend (the store seals it before it leaves the process).
struct StoredWebSession: Codable, Sendable {
    struct Token: Codable, Sendable {
        var issuer: String
        var subject: String
        var expiresAt: Double
        var issuedAt: Double
    }

    var token: Token?
    var citizen: Applicant?
    var staffName: String?
    var staffRoles: [StaffRole]?
    var department: String?
    var idToken: String?
    var provider: WebPages.Audience?
    var flash: String?

    static let codec = SessionPayloadCodec<WebSession>(
        encode: { session in (try? JSONValueEncoder().encodeText(StoredWebSession(session))) ?? [] },
        decode: { bytes in (try? JSONValueDecoder().decode(StoredWebSession.self, from: bytes))?.session })

    init(_ session: WebSession) {
        idToken = session.idToken
        provider = session.provider
        flash = session.flash
        let facts: TokenFacts?
        switch session.signedIn {
        case .citizen(let citizen):
            facts = citizen.token
            self.citizen = citizen.applicant
        case .officer(let staff):
            facts = staff.token
            staffName = staff.name
            staffRoles = staff.roles.sorted()
            department = staff.department
        case nil: facts = nil
        }
        token = facts.map {
            Token(
                issuer: $0.issuer, subject: $0.subject, expiresAt: $0.expiresAt.timeIntervalSince1970,
                issuedAt: $0.issuedAt.timeIntervalSince1970)
        }
    }

    var session: WebSession? {
        var session = WebSession(signedIn: nil, idToken: idToken, provider: provider, flash: flash)
        guard let token else { return citizen == nil && staffName == nil ? session : nil }
        let facts = TokenFacts(
            issuer: token.issuer, subject: token.subject, expiresAt: Date(timeIntervalSince1970: token.expiresAt),
            issuedAt: Date(timeIntervalSince1970: token.issuedAt))
        if let citizen {
            session.signedIn = .citizen(CitizenPrincipal(token: facts, applicant: citizen))
        } else if let staffName, let staffRoles, let department {
            session.signedIn = .officer(
                StaffPrincipal(token: facts, name: staffName, roles: Set(staffRoles), department: department))
        } else {
            return nil
        }
        return session
    }
}
