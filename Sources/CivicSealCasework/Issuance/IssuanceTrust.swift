import CivicSealCrypto
import Foundation

/// How far an issued document goes (ETSI EN 319 142-1 baseline levels). Issuance uses ``blta``; the others exist so
/// the bench can show what each step costs.
package enum IssuanceProfile: String, Sendable, CaseIterable {
    /// The officer's signature and the seal, nothing else.
    case bb = "B-B"
    /// Each signature with a signature-time-stamp (RFC 3161 token as a CMS unsigned attribute).
    case bt = "B-T"
    /// B-T, then a DSS with every certificate, OCSP responses and the CRL (B-LT), then a document timestamp.
    case blta = "B-LTA"

    var timestampsSignatures: Bool { self != .bb }
}

/// The approving officer as the approval recorded them: what their signature shows and their certificate states.
package struct OfficerIdentity: Sendable, Hashable {
    /// The staff token's subject: the certificate is issued for it (file names use its hash, never the name).
    package let staffID: String
    package let fullName: String
    package let title: String
    package let departmentID: String
    package let departmentName: String

    package init(staffID: String, fullName: String, title: String, departmentID: String, departmentName: String) {
        self.staffID = staffID
        self.fullName = fullName
        self.title = title
        self.departmentID = departmentID
        self.departmentName = departmentName
    }
}

/// Where an officer's personal signing key lives: the development PKI's files, or (the HSM issue) a token. The
/// first call for an officer may issue their key and certificate.
package protocol OfficerSigningKeys: Sendable {
    /// A signer for `officer` whose certificate states their name, title and department and is valid at `time`.
    func signer(for officer: OfficerIdentity, at time: Date) throws(CaseworkError) -> CMSSigner
    /// A signing key's token failed (``CaseworkError/Code/keyUnavailable``): open token keys again on next use.
    func tokenFailed()
}

extension OfficerSigningKeys {
    package func tokenFailed() {}
}

/// What a B-LT update embeds: certificates, OCSP responses and CRLs (ETSI EN 319 142-1 §5.4, the DSS).
package struct RevocationEvidence: Sendable {
    package var certificates: [Certificate]
    package var ocspResponses: [[UInt8]]
    package var crls: [[UInt8]]

    package init(certificates: [Certificate], ocspResponses: [[UInt8]], crls: [[UInt8]]) {
        self.certificates = certificates
        self.ocspResponses = ocspResponses
        self.crls = crls
    }
}

/// The trust services issuance relies on: a timestamp authority, and the CA's revocation evidence (both in-process
/// in the development PKI).
package protocol IssuanceTrustServices: Sendable {
    var timeStamping: any TimeStamping { get }
    /// The certificate ``timeStamping`` signs tokens with now (after a TSA rotation, the new one).
    var timeStampingCertificate: Certificate { get }
    /// Every certificate a verifier needs for `certificates` and for the TSA (chains, the TSA and OCSP responder
    /// certificates), one fresh OCSP response for each of `certificates` and for the TSA certificate(s) `tsa`, and
    /// the CA's current CRL.
    func revocationEvidence(for certificates: [Certificate], tsa: [Certificate], at time: Date)
        throws(CaseworkError) -> RevocationEvidence
    /// The services one issuance or renewal uses from its first step to its last: a set that is replaced while the
    /// service runs (a TSA rotated without a restart) answers the one in force now, never a mix.
    func pinned() -> any IssuanceTrustServices
}

extension IssuanceTrustServices {
    package func pinned() -> any IssuanceTrustServices { self }
}
