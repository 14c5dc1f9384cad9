import CivicSealCrypto
import Foundation

/// The CA and its service identities as a loaded ``Keyring`` holds them: parsed and checked once at load.
package struct KeyringServices: Sendable {
    /// Where the PKI services are published (no trailing slash).
    package let publicBaseURL: String
    /// The CA that issues seals, officer certificates and the service identities (the development root), with its
    /// key when the keyring keeps it (the CRL and new certificates need it).
    package let certificateAuthority: (certificate: Certificate, key: PrivateKey?)
    /// The RFC 3161 timestamp authority (critical `timeStamping` EKU), chain: the CA.
    package let timeStampingSigner: CMSSigner?
    /// The delegated OCSP responder (`OCSPSigning`, `id-pkix-ocsp-nocheck`), chain: the CA.
    package let ocspResponderSigner: CMSSigner?
    /// The document-status JWS signer, chain: the CA.
    package let statusSigner: CMSSigner?
    /// Service keys in tokens that could not be opened (only when tolerated: `keys show`).
    let tokenProblems: [String: AppError]

    init(directory: String, manifest: KeyringManifest, trustAnchors: [Certificate], toleratingUnreachableTokens: Bool)
        throws(AppError)
    {
        publicBaseURL = manifest.publicBaseURL ?? DevelopmentPKI.defaultPublicBaseURL
        guard let path = manifest.trustAnchors.first else {
            throw AppError(.configuration, "\(DevelopmentPKI.manifestName) names no trust anchor (the CA)")
        }
        let authority = try load { () throws(CryptoError) in
            try Certificate(pem: try SecureFile.readTextCrypto("\(directory)/\(path)"))
        }
        let authorityKey: PrivateKey? = try manifest.rootKey.map { (keyPath) throws(AppError) in
            try load { () throws(CryptoError) in
                try PrivateKey(pem: try SecureFile.readTextCrypto("\(directory)/\(keyPath)"))
            }
        }
        if let authorityKey, (try? authorityKey.publicKey.spkiDER()) != (try? authority.publicKey.spkiDER()) {
            throw AppError(.keyMaterial, "\(manifest.rootKey!) does not belong to \(path)")
        }
        certificateAuthority = (authority, authorityKey)
        let services = manifest.services
        var problems: [String: AppError] = [:]
        func signer(_ identity: KeyringManifest.ServiceIdentity?, _ name: String) throws(AppError) -> CMSSigner? {
            do {
                return try Self.signer(identity, name: name, directory: directory, authority: authority)
            } catch  where toleratingUnreachableTokens && identity?.token != nil {
                problems[name] = error
                return nil
            }
        }
        timeStampingSigner = try signer(services?.timeStamping, "timestamp authority")
        ocspResponderSigner = try signer(services?.ocspResponder, "OCSP responder")
        statusSigner = try signer(services?.statusSigner, "status signer")
        tokenProblems = problems
    }

    private static func signer(
        _ identity: KeyringManifest.ServiceIdentity?, name: String, directory: String, authority: Certificate
    ) throws(AppError) -> CMSSigner? {
        guard let identity, identity.key != nil || identity.token != nil else { return nil }
        let context = "\(DevelopmentPKI.manifestName): \(name)"
        if identity.key != nil && identity.token != nil {
            throw AppError(.configuration, "\(context) names both a key file and a token")
        }
        let chain = try load { () throws(CryptoError) in
            try Certificate.chain(pem: try SecureFile.readTextCrypto("\(directory)/\(identity.certificate)"))
        }
        let key: PrivateKey
        if let keyPath = identity.key {
            key = try load { () throws(CryptoError) in
                try PrivateKey(pem: try SecureFile.readTextCrypto("\(directory)/\(keyPath)"))
            }
        } else {
            let token = try TokenLocation(identity.token!, context: context)
            do { key = try TokenKeys.privateKey(token) } catch { throw TokenKeys.appError(error, token, for: context) }
            guard (try? key.publicKey.spkiDER()) == (try? chain[0].publicKey.spkiDER()) else {
                throw AppError(.keyMaterial, "\(context): \(token) does not belong to \(identity.certificate)")
            }
        }
        guard chain[0].isIssued(by: authority) else {
            throw AppError(.keyMaterial, "\(identity.certificate) is not issued by the keyring's CA")
        }
        return try crypto { () throws(CryptoError) in
            try CMSSigner(key: key, certificate: chain[0], chain: [authority])
        }
    }
}

extension Keyring {
    /// Where the PKI services are published (`keys init --public-url`), no trailing slash.
    package var publicBaseURL: String { services.publicBaseURL }
    /// The CA certificate and, when kept, its key.
    package var certificateAuthority: (certificate: Certificate, key: PrivateKey?) { services.certificateAuthority }
    package var timeStampingSigner: CMSSigner? { services.timeStampingSigner }
    package var ocspResponderSigner: CMSSigner? { services.ocspResponderSigner }
    package var statusSigner: CMSSigner? { services.statusSigner }
    /// The OCSP, CA-issuers and CRL URLs certificates issued now carry.
    package var serviceURLs: DevelopmentPKI.ServiceURLs { DevelopmentPKI.ServiceURLs(base: publicBaseURL) }

    /// Adds the CA's AIA (OCSP, CA issuers) and CRL distribution point to `builder` (officer certificates use it).
    package func decorateWithServiceURLs(_ builder: inout CertificateBuilder) { serviceURLs.decorate(&builder) }

    /// `keys show`: the CA's service identities.
    func servicesSummary(now: Date) -> [String] {
        var lines = ["PKI services published at \(publicBaseURL) (OCSP \(serviceURLs.ocsp), CRL \(serviceURLs.crl))"]
        let formatter = ISO8601DateFormatter()
        let identities = manifest.services
        for (label, signer, identity) in [
            ("timestamp authority", timeStampingSigner, identities?.timeStamping),
            ("OCSP responder", ocspResponderSigner, identities?.ocspResponder),
            ("status signer", statusSigner, identities?.statusSigner),
        ] {
            if let problem = services.tokenProblems[label], let entry = identity?.token {
                let token = try? TokenLocation(entry, context: label)
                lines.append("  \(label): \(identity?.certificate ?? "")")
                lines.append(
                    "    key:         "
                        + keyLocation(file: nil, token: token, opened: false, problem: problem))
                continue
            }
            guard let certificate = signer?.certificate else {
                lines.append("  \(label): none (run keys init)")
                continue
            }
            lines.append("  \(label): \(certificate.subject)")
            lines.append(
                "    key:         "
                    + keyLocation(
                        file: identity?.key,
                        token: identity?.token.flatMap { try? TokenLocation($0, context: label) }, opened: true,
                        problem: nil))
            lines.append(
                "    serial:      \(certificate.serialNumber)\n    valid:       "
                    + "\(formatter.string(from: certificate.notBefore)) … "
                    + "\(formatter.string(from: certificate.notAfter))"
                    + (certificate.isValid(at: now) ? "" : "  (NOT VALID NOW)"))
            lines.append("    SHA-256:     \(certificate.fingerprintHex)")
            if !certificate.extendedKeyUsage.isEmpty {
                lines.append(
                    "    usage:       \(certificate.extendedKeyUsage.joined(separator: ", "))"
                        + (certificate.isExtendedKeyUsageCritical ? " (critical)" : "")
                        + (certificate.hasOCSPNoCheck ? ", OCSP no-check" : ""))
            }
        }
        return lines
    }
}
