import CivicSealCrypto
import Foundation

/// The PKI services of the development CA: the addresses certificates point at, and the service identities
/// (timestamp authority, OCSP responder, status signer) `keys init` issues when missing.
extension DevelopmentPKI {
    /// Where certificates say the PKI services are when the keyring names no `publicBaseURL`.
    package static let defaultPublicBaseURL = "http://127.0.0.1:8080"
    /// The CA's id in URLs (`/pki/crl/root.crl`, `/pki/ca/root.cer`).
    package static let certificateAuthorityID = "root"

    /// The PKI URLs under `base` (no trailing slash).
    package struct ServiceURLs: Sendable, Equatable {
        package let ocsp: String
        package let caIssuers: String
        package let crl: String

        package init(base: String) {
            let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
            ocsp = "\(trimmed)/pki/ocsp"
            caIssuers = "\(trimmed)/pki/ca/\(DevelopmentPKI.certificateAuthorityID).cer"
            crl = "\(trimmed)/pki/crl/\(DevelopmentPKI.certificateAuthorityID).crl"
        }

        /// Adds AIA (OCSP, CA issuers) and the CRL distribution point to `builder`.
        package func decorate(_ builder: inout CertificateBuilder) {
            builder.ocspURL = ocsp
            builder.caIssuersURL = caIssuers
            builder.crlDistributionPoints = [crl]
        }
    }

    /// Validates a `--public-url`: an absolute http(s) URL without query, fragment, or characters a certificate URI
    /// cannot carry; returned without a trailing slash.
    package static func validatedPublicURL(_ text: String) throws(AppError) -> String {
        let trimmed = text.hasSuffix("/") ? String(text.dropLast()) : text
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(),
            ["http", "https"].contains(scheme),
            url.host != nil, url.query == nil, url.fragment == nil,
            trimmed.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ",") })
        else {
            throw AppError(.usage, "--public-url must be an http(s) URL such as http://127.0.0.1:8080, not \(text)")
        }
        return trimmed
    }

    /// Whether the development keyring in `directory` keeps its root key but lacks a service identity (made before
    /// the PKI services existed): `serve` in development mode then lets `initialize` issue them.
    package static func lacksServiceIdentities(directory: String) throws(AppError) -> Bool {
        let manifest = try Keyring.readManifest("\(directory)/\(manifestName)")
        guard manifest.rootKey != nil else { return false }
        let services = manifest.services ?? KeyringManifest.Services()
        return serviceProfiles.contains { services[keyPath: $0.keyPath] == nil }
    }

    /// One service identity: where its files go, its name and profile.
    struct ServiceProfile {
        let name: String
        let commonName: String
        let validityDays: Double
        let build: (DistinguishedName, PublicKey, Date, Date) -> CertificateBuilder
        let keyPath: WritableKeyPath<KeyringManifest.Services, KeyringManifest.ServiceIdentity?>
    }

    static var serviceProfiles: [ServiceProfile] {
        [
            ServiceProfile(
                name: "tsa", commonName: "CivicSeal Development Time-Stamping Authority", validityDays: 6 * 365,
                build: CertificateBuilder.timeStampingAuthority, keyPath: \.timeStamping),
            ServiceProfile(
                name: "ocsp", commonName: "CivicSeal Development OCSP Responder", validityDays: 365,
                build: CertificateBuilder.ocspResponder, keyPath: \.ocspResponder),
            ServiceProfile(
                name: "status", commonName: "CivicSeal Development Status Signer", validityDays: 365,
                build: CertificateBuilder.statusSigner, keyPath: \.statusSigner),
        ]
    }

    /// Issues every service identity the manifest lacks: ECDSA P-256 keys (0600 under `private/services/`),
    /// certificates (0644 under `services/`, followed by the CA certificate).
    static func provisionServices(
        directory: String, manifest: inout KeyringManifest, rootKey: PrivateKey, rootCertificate: Certificate,
        token: TokenLocation? = nil, now: Date, report: inout Report
    ) throws(AppError) {
        var services = manifest.services ?? KeyringManifest.Services()
        let urls = ServiceURLs(base: manifest.publicBaseURL ?? defaultPublicBaseURL)
        for profile in serviceProfiles {
            if let existing = services[keyPath: profile.keyPath] {
                report.kept.append(existing.certificate)
                continue
            }
            let identity = try issueService(
                profile, named: { _ in profile.name }, directory: directory, urls: urls, rootKey: rootKey,
                rootCertificate: rootCertificate, token: token, now: now)
            report.created += [identity.key, identity.certificate].compactMap { $0 }
            if let entry = identity.token, let location = try? TokenLocation(entry, context: profile.name) {
                report.generatedInToken.append("\(profile.name) key in \(location)")
            }
            services[keyPath: profile.keyPath] = identity
        }
        manifest.services = services
    }
}

extension DevelopmentPKI {
    /// Issues one service identity under the development root (`keys init` and `keys rotate-services`): an ECDSA
    /// P-256 key (0600 under `private/services/`) and its certificate followed by the CA's (0644 under `services/`),
    /// both named by `named(certificate)`, valid for the profile's days but never past the root. With `token`, the
    /// key pair is generated inside the token (label `<service>-<date>-<random>`) and no key file is written.
    static func issueService(
        _ profile: ServiceProfile, named: (Certificate) -> String, directory: String, urls: ServiceURLs,
        rootKey: PrivateKey, rootCertificate: Certificate, token: TokenLocation? = nil, now: Date
    ) throws(AppError) -> KeyringManifest.ServiceIdentity {
        try SecureFile.makeDirectory("\(directory)/services")
        let (key, location) = try generateKey(
            .ecP256, in: token, label: TokenKeys.label(profile.name, now: now), purpose: "\(profile.name) key")
        if location == nil { try SecureFile.makeDirectory("\(directory)/private/services", mode: 0o700) }
        let subject = DistinguishedName(
            commonName: profile.commonName, organization: "CivicSeal (development only)", country: "VN")
        var builder = profile.build(
            subject, key.publicKey, now.addingTimeInterval(-3600),
            min(now.addingTimeInterval(profile.validityDays * 86400), rootCertificate.notAfter))
        if profile.name == "ocsp" {
            builder.caIssuersURL = urls.caIssuers  // no OCSP URL: the responder carries id-pkix-ocsp-nocheck
        } else {
            urls.decorate(&builder)
        }
        let certificate = try crypto { () throws(CryptoError) in
            try builder.issued(by: rootCertificate, key: rootKey)
        }
        let stem = named(certificate)
        let certificatePath = "services/\(stem).cert.pem"
        if let location {
            try SecureFile.create(
                "\(directory)/\(certificatePath)", text: certificate.pem + rootCertificate.pem,
                mode: SecureFile.publicMode)
            return .init(certificate: certificatePath, key: nil, token: location.manifestEntry)
        }
        let keyPath = "private/services/\(stem).key.pem"
        try SecureFile.create(
            "\(directory)/\(keyPath)", text: try crypto { () throws(CryptoError) in try key.pkcs8PEM() },
            mode: SecureFile.privateMode)
        try SecureFile.create(
            "\(directory)/\(certificatePath)", text: certificate.pem + rootCertificate.pem,
            mode: SecureFile.publicMode)
        return .init(certificate: certificatePath, key: keyPath)
    }
}
