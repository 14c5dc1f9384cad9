import CivicSealCasework
import CivicSealCrypto
import Foundation
import Synchronization

/// The development PKI's officer certificates: on an officer's first approval, a P-256 key (0600, under
/// `private/officers/`) and a certificate from the development root (`officers/`), two years, key usage
/// `digitalSignature, nonRepudiation` (critical), policy `ARC.2`, AIA and CRL distribution point from the keyring's
/// public base URL, subject `CN=<name>, title=<title>, OU=<department id>, O=<department name>, C=VN`.
///
/// File names carry no personal data: they are the SHA-256 of the department and the officer's staff subject. A
/// certificate is issued again (same key) when the recorded name or title changes, or when it would not be valid at
/// the signing time. With an `officerKeys` token in the keyring, the key pair is generated inside that token
/// instead, labelled by the same stem (found again by that label; it never leaves the token); else a PEM file.
package final class DevelopmentOfficerKeys: OfficerSigningKeys {
    /// Officer certificate policy: ARC.2 (ARC = CivicSeal's UUID OID arc, ITU-T X.667).
    package static let officerPolicy = CivicSealPolicy.officer
    /// Two years (common decisions: validity).
    package static let validity: TimeInterval = 2 * 365 * 86400

    let directory: String
    let rootKey: PrivateKey
    let rootCertificate: Certificate
    /// Adds the CA's AIA and CRL distribution point (``Keyring/decorateWithServiceURLs(_:)``).
    let decorate: @Sendable (inout CertificateBuilder) -> Void
    /// Records a newly issued certificate where the OCSP responder finds it (the records store's
    /// `issued_certificates`: a certificate not recorded there is `unknown` to the responder).
    let record: @Sendable (Certificate) throws -> Void
    /// Prepared signers by file stem (a key and certificate loaded once per process).
    let signers = Mutex<[String: CMSSigner]>([:])
    /// The token officer keys live in; nil: PEM files under `private/officers/`.
    package let token: TokenLocation?

    package init(
        directory: String, rootKey: PrivateKey, rootCertificate: Certificate, token: TokenLocation? = nil,
        decorate: @escaping @Sendable (inout CertificateBuilder) -> Void,
        record: @escaping @Sendable (Certificate) throws -> Void
    ) {
        self.directory = directory
        self.token = token
        self.rootKey = rootKey
        self.rootCertificate = rootCertificate
        self.decorate = decorate
        self.record = record
    }

    /// The file stem for an officer: hex SHA-256 of `<department id> LF <staff subject>`, first 32 characters.
    package static func stem(departmentID: String, staffID: String) -> String {
        String(Hex.encode(Digest.sha256(Array("\(departmentID)\n\(staffID)".utf8))).prefix(32))
    }

    /// The subject an officer's certificate states.
    package static func subject(for officer: OfficerIdentity) -> DistinguishedName {
        DistinguishedName([
            .init("C", "VN"), .init("O", officer.departmentName), .init("OU", officer.departmentID),
            .init("title", officer.title), .init("CN", officer.fullName),
        ])
    }

    package func signer(for officer: OfficerIdentity, at time: Date) throws(CaseworkError) -> CMSSigner {
        let stem = Self.stem(departmentID: officer.departmentID, staffID: officer.staffID)
        let subject = Self.subject(for: officer)
        do {
            return try signers.withLock { (cache: inout [String: CMSSigner]) throws(AppError) -> CMSSigner in
                if let cached = cache[stem], cached.certificate.subject == subject, cached.certificate.isValid(at: time)
                {
                    return cached
                }
                let signer = try loadOrIssue(stem: stem, subject: subject, at: time)
                cache[stem] = signer
                return signer
            }
        } catch  where error.code == .tokenUnavailable || error.code == .tokenLogin {
            throw CaseworkError(.keyUnavailable, "cannot prepare the officer's signing key: \(error)")
        } catch {
            throw CaseworkError(.issuanceFailed, "cannot prepare the officer's signing key: \(error)")
        }
    }

    /// Forgets the prepared signers of token keys: after a token failure they are opened again on next use.
    package func tokenFailed() {
        guard token != nil else { return }
        signers.withLock { $0.removeAll() }
    }

    /// Paths relative to the keys directory.
    package static func keyPath(_ stem: String) -> String { "private/officers/\(stem).key.pem" }
    package static func certificatePath(_ stem: String) -> String { "officers/\(stem).cert.pem" }

    /// The officer's key in the token, labelled `stem`: found, or generated on first use.
    private func tokenKey(stem: String, in token: TokenLocation) throws(AppError) -> PrivateKey {
        let purpose = "officer key \(stem)"
        do { return try TokenKeys.privateKey(token.naming(object: stem)) } catch  where error.code == .tokenKeyNotFound
        {
            do { return try TokenKeys.token(token).generateKeyPair(.ecP256, label: stem) } catch {
                throw TokenKeys.appError(error, token, for: "cannot generate the \(purpose)")
            }
        } catch {
            throw TokenKeys.appError(error, token, for: purpose)
        }
    }

    private func loadOrIssue(stem: String, subject: DistinguishedName, at time: Date) throws(AppError) -> CMSSigner {
        try SecureFile.makeDirectory("\(directory)/officers")
        let keyFile = "\(directory)/\(Self.keyPath(stem))"
        let certificateFile = "\(directory)/\(Self.certificatePath(stem))"
        let key: PrivateKey
        if let token {
            key = try tokenKey(stem: stem, in: token)
        } else if SecureFile.exists(keyFile) {
            key = try load { () throws(CryptoError) in try PrivateKey(pem: try SecureFile.readTextCrypto(keyFile)) }
        } else {
            try SecureFile.makeDirectory("\(directory)/private/officers", mode: 0o700)
            key = try crypto { () throws(CryptoError) in try PrivateKey.generate(.ecP256) }
            try SecureFile.create(
                keyFile, text: try crypto { () throws(CryptoError) in try key.pkcs8PEM() }, mode: SecureFile.privateMode
            )
        }
        if SecureFile.exists(certificateFile),
            let existing = try? Certificate(pem: try SecureFile.readTextCrypto(certificateFile)),
            existing.subject == subject, existing.isValid(at: time),
            (try? existing.publicKey.spkiDER()) == (try? key.publicKey.spkiDER())
        {
            return try crypto { () throws(CryptoError) in
                try CMSSigner(key: key, certificate: existing, chain: [rootCertificate])
            }
        }
        let certificate = try crypto { () throws(CryptoError) in try issue(subject: subject, key: key, at: time) }
        // Recorded before it is used: a signature must never carry a certificate the responder calls unknown.
        do { try record(certificate) } catch {
            throw AppError(.storage, "cannot record the officer certificate: \(error)")
        }
        try SecureFile.replace(certificateFile, text: certificate.pem, mode: SecureFile.publicMode)
        return try crypto { () throws(CryptoError) in
            try CMSSigner(key: key, certificate: certificate, chain: [rootCertificate])
        }
    }

    private func issue(subject: DistinguishedName, key: PrivateKey, at time: Date) throws(CryptoError) -> Certificate {
        var builder = CertificateBuilder.officer(
            subject: subject, publicKey: key.publicKey, notBefore: time.addingTimeInterval(-3600),
            notAfter: min(time.addingTimeInterval(Self.validity), rootCertificate.notAfter))
        decorate(&builder)
        builder.certificatePolicies = [Self.officerPolicy]
        return try builder.issued(by: rootCertificate, key: rootKey)
    }
}
