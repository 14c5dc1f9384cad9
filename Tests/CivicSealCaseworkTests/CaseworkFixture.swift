import CivicSealApp
import CivicSealDocuments
import CivicSealJSON
import CivicSealRecords
import CivicSealTestSupport
import CivicSealVerification
import CivicSealWorkflow
import Foundation

@testable import CivicSealCasework
@testable import CivicSealIdentity

/// The use cases in-process: a store in a temporary folder, development keys from ``DevelopmentPKI``, the
/// repository's templates, principals built directly (no token, no HTTP).
final class CaseworkFixture: Sendable {
    let folder = TemporaryDirectory("civicseal-casework")
    let store: RequestStore
    let casework: Casework
    let keyring: Keyring

    init(confirmationsPerWindow: Int = 10) throws {
        _ = try DevelopmentPKI.initialize(directory: folder.path + "/keys")
        keyring = try Keyring(directory: folder.path + "/keys")
        store = try RequestStore.open(path: folder.path + "/civicseal.sqlite")
        // Issued as `serve` issues: the officer's signature, the locked seal, timestamps, DSS, document timestamp.
        let issuance = try IssuanceWiring(keyring: keyring, store: store).service(
            store: store, keyring: keyring,
            loadingRenderer: {
                try DocumentRenderer(templateDirectory: DocumentRenderer.repositoryTemplateDirectory())
            })
        casework = Casework(
            store: store, issuance: issuance,
            documentVerifier: try DocumentVerifier(trustAnchors: keyring.trustAnchors),
            verification: VerificationLanes(
                ordinary: VerificationPool(workers: 1, name: "casework-test.verify"),
                large: VerificationPool(workers: 1, name: "casework-test.verify.large")),
            // An hour's window: the confirmations suspend (the records read runs on the store's threads), and on a
            // busy machine a test's few attempts must not straddle the end of a minute.
            confirmationLimiter: RateLimiter(limit: confirmationsPerWindow, window: 3600))
    }

    deinit { try? store.close() }

    static func token(_ subject: String) -> TokenFacts {
        TokenFacts(
            issuer: "https://id.test", subject: subject, expiresAt: Date().addingTimeInterval(3600),
            issuedAt: Date())
    }

    /// Synthetic person `number` (`001190…`, a woman born 14 May 1990), signed in at assurance level 2.
    static func citizen(_ number: Int) -> CitizenPrincipal {
        CitizenPrincipal(token: token("citizen-\(number)"), applicant: SyntheticRequests.applicant(number))
    }

    static func staff(
        _ roles: Set<StaffRole>, department: String = "justice-hanoi", subject: String = "officer-1",
        name: String = "Trần Đức Lương"
    ) -> StaffPrincipal {
        StaffPrincipal(token: token(subject), name: name, roles: roles, department: department)
    }

    static let officer = staff([.justiceOfficer])
    static let revoker = staff([.justiceRevoker], subject: "revoker-1", name: "Lê Văn Hưởng")

    /// A clean criminal record: no conviction, no ban.
    static let cleanRecord: JSONValue = .object(["convictions": .array([]), "bans": .array([])])

    /// A criminal-record request of person `number`, submitted.
    func submitted(_ number: Int = 1, key: String? = nil) async throws -> RequestSummary {
        try await casework.submit(
            SyntheticRequests.criminalRecord(), idempotencyKey: key, by: Self.citizen(number))
    }

    /// A criminal-record request of person `number`, claimed by ``officer`` and approved (and so issued).
    func issued(_ number: Int = 1) async throws -> RequestSummary {
        let id = try await submitted(number).id
        _ = try await casework.claim(id, by: Self.officer)
        return try await casework.decide(id, .approve(findings: Self.cleanRecord), by: Self.officer)
    }
}
