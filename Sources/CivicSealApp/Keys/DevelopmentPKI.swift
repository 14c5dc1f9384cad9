import CivicSealCrypto
import Foundation

/// `civicseal keys init`: a development root CA, one seal certificate per department, and a
/// development identity-provider key. Creates what is missing; never overwrites an existing file.
package enum DevelopmentPKI {
    package static let rootCommonName = "CivicSeal Development Root CA"
    package static let developmentIssuer = "https://idp.civicseal.invalid/dev"
    package static let developmentAudience = "civicseal"
    package static let manifestName = "keyring.json"

    /// What `initialize` did, file by file, for the operator.
    package struct Report: Sendable {
        package var created: [String] = []
        package var kept: [String] = []
        /// Keys generated inside a PKCS#11 token (`--pkcs11`): what and where, never a PIN.
        package var generatedInToken: [String] = []
    }

    /// Provisions `directory`. Existing keys, certificates and manifest entries are kept as they are.
    ///
    /// - Parameter token: when given (`keys init --pkcs11 URI`), every signing key this call creates — the seals, the
    ///   timestamp authority, the OCSP responder, the status signer — is generated inside that token (never
    ///   extractable) and the manifest names it there; officer keys are then generated in it too. The development CA
    ///   key stays a PEM file: it is a development stand-in for the national CA, which certifies our keys and whose
    ///   key this service never holds in production.
    package static func initialize(
        directory: String, departments: [DepartmentProfile] = DepartmentProfile.defaults,
        sealAlgorithm: SealAlgorithm = .ecdsaP256, publicURL: String? = nil, token: TokenLocation? = nil,
        now: Date = Date()
    ) throws(AppError) -> Report {
        if let token { try reach(token) }
        var report = Report()
        try SecureFile.makeDirectory(directory)
        for sub in ["trust", "private", "departments", "idp"] {
            try SecureFile.makeDirectory("\(directory)/\(sub)", mode: sub == "private" ? 0o700 : 0o755)
        }
        let manifestPath = "\(directory)/\(manifestName)"
        var manifest: KeyringManifest
        if SecureFile.exists(manifestPath) {
            manifest = try Keyring.readManifest(manifestPath)
            report.kept.append(manifestName)
        } else {
            manifest = KeyringManifest(
                trustAnchors: [], rootKey: nil, departments: [], identityProvider: nil, trustedIssuers: nil)
        }

        // Root CA.
        let rootCertPath = "trust/root-ca.cert.pem"
        let rootKeyPath = "private/root-ca.key.pem"
        let rootKey: PrivateKey
        let rootCertificate: Certificate
        if SecureFile.exists("\(directory)/\(rootCertPath)") {
            guard SecureFile.exists("\(directory)/\(rootKeyPath)") else {
                throw AppError(
                    .keyMaterial,
                    "\(directory)/\(rootCertPath) exists but its key \(rootKeyPath) is missing; cannot issue seals")
            }
            rootCertificate = try load { () throws(CryptoError) in
                try Certificate(pem: try SecureFile.readTextCrypto("\(directory)/\(rootCertPath)"))
            }
            rootKey = try load { () throws(CryptoError) in
                try PrivateKey(pem: try SecureFile.readTextCrypto("\(directory)/\(rootKeyPath)"))
            }
            report.kept += [rootCertPath, rootKeyPath]
        } else {
            rootKey = try crypto { () throws(CryptoError) in try PrivateKey.generate(.ecP256) }
            let subject = DistinguishedName(
                commonName: rootCommonName, organization: "CivicSeal (development only)", country: "VN")
            rootCertificate = try crypto { () throws(CryptoError) in
                try CertificateBuilder.rootAuthority(
                    subject: subject, publicKey: rootKey.publicKey,
                    notBefore: now.addingTimeInterval(-3600), notAfter: now.addingTimeInterval(10 * 365 * 86400)
                ).selfSigned(with: rootKey)
            }
            try SecureFile.create(
                "\(directory)/\(rootKeyPath)", text: try crypto { () throws(CryptoError) in try rootKey.pkcs8PEM() },
                mode: SecureFile.privateMode)
            try SecureFile.create(
                "\(directory)/\(rootCertPath)", text: rootCertificate.pem, mode: SecureFile.publicMode)
            report.created += [rootKeyPath, rootCertPath]
        }
        if !manifest.trustAnchors.contains(rootCertPath) { manifest.trustAnchors.append(rootCertPath) }
        if manifest.rootKey == nil { manifest.rootKey = rootKeyPath }
        if let publicURL { manifest.publicBaseURL = try validatedPublicURL(publicURL) }
        if manifest.publicBaseURL == nil { manifest.publicBaseURL = defaultPublicBaseURL }

        // One seal per department that has none.
        for profile in departments {
            if let existing = manifest.departments.first(where: { $0.id == profile.id }) {
                report.kept.append("departments/\(profile.id) (active seal \(existing.active))")
                continue
            }
            let seal = try issueSeal(
                directory: directory, profile: profile, algorithm: sealAlgorithm,
                rootKey: rootKey, rootCertificate: rootCertificate, publicBaseURL: manifest.publicBaseURL, token: token,
                now: now, report: &report)
            manifest.departments.append(
                .init(
                    id: profile.id, name: profile.name, englishName: profile.englishName, active: seal.name,
                    seals: [seal]))
        }

        // Timestamp authority, OCSP responder, status signer.
        try provisionServices(
            directory: directory, manifest: &manifest, rootKey: rootKey, rootCertificate: rootCertificate,
            token: token, now: now, report: &report)
        if let token, manifest.officerKeys == nil {
            manifest.officerKeys = token.naming(object: nil).manifestEntry
            report.generatedInToken.append("officer keys: on first approval, in \(token.naming(object: nil))")
        }

        // Development identity provider.
        if manifest.identityProvider == nil {
            manifest.identityProvider = try DevelopmentIdentityProvider.provision(directory: directory, report: &report)
        } else {
            report.kept.append("identity provider \(manifest.identityProvider!.issuer)")
        }
        if manifest.trustedIssuers == nil {
            manifest.trustedIssuers = try DevelopmentIdentityProvider.writeTrustedIssuers(
                directory: directory, provider: manifest.identityProvider!, report: &report)
        }

        let encoded = try Keyring.encodeManifest(manifest)
        if (try? SecureFile.readText(manifestPath)) != encoded {
            try SecureFile.replace(manifestPath, text: encoded, mode: SecureFile.publicMode)
        }
        if !report.kept.contains(manifestName) { report.created.append(manifestName) }
        return report
    }

    /// `civicseal keys rotate --department ID`: issues a new seal for the department under the development root and
    /// makes it ACTIVE; the previous seals stay listed (retired: their certificates still verify old documents).
    /// Returns the new seal's name. A running service takes the new seal without a restart (``KeyringReloader``).
    ///
    /// - Parameter token: generate the new key inside this token (`keys rotate --pkcs11 URI`); nil: in the token of
    ///   the active seal when it has one (same token, new label; `keys compromise` relies on it), else a PEM file.
    @discardableResult
    package static func rotate(
        directory: String, departmentID: String, algorithm: SealAlgorithm = .ecdsaP256, now: Date = Date(),
        token: TokenLocation? = nil
    ) throws(AppError) -> String {
        if let token { try reach(token) }
        let manifestPath = "\(directory)/\(manifestName)"
        var manifest = try Keyring.readManifest(manifestPath)
        guard let index = manifest.departments.firstIndex(where: { $0.id == departmentID }) else {
            throw AppError(.usage, "no department \(departmentID) in \(manifestName)")
        }
        guard let rootKeyPath = manifest.rootKey, let rootCertPath = manifest.trustAnchors.first else {
            throw AppError(.keyMaterial, "the keyring names no development root key; rotate with your CA instead")
        }
        let rootKey = try load { () throws(CryptoError) in
            try PrivateKey(pem: try SecureFile.readTextCrypto("\(directory)/\(rootKeyPath)"))
        }
        let rootCertificate = try load { () throws(CryptoError) in
            try Certificate(pem: try SecureFile.readTextCrypto("\(directory)/\(rootCertPath)"))
        }
        let entry = manifest.departments[index]
        // A seal in a token is followed by one in the same token (a new label), unless `token` names another: a
        // rotation never moves a department's key out of its hardware.
        let current = entry.seals.first { $0.name == entry.active }?.token
        var target = token
        if target == nil, let current {
            target = try TokenLocation(current, context: "\(manifestName): seal \(entry.id)/\(entry.active)")
        }
        if token == nil, let target { try reach(target) }
        let locality = DepartmentProfile.defaults.first { $0.id == departmentID }?.locality ?? "Hà Nội"
        var report = Report()
        let seal = try issueSeal(
            directory: directory,
            profile: DepartmentProfile(
                id: entry.id, name: entry.name, englishName: entry.englishName, locality: locality),
            algorithm: algorithm, rootKey: rootKey, rootCertificate: rootCertificate,
            publicBaseURL: manifest.publicBaseURL, token: target, now: now, report: &report)
        manifest.departments[index].seals.append(seal)
        manifest.departments[index].active = seal.name
        try SecureFile.replace(manifestPath, text: try Keyring.encodeManifest(manifest), mode: SecureFile.publicMode)
        return seal.name
    }

    /// Issues a new seal for `profile` under the development root and writes its key (0600) and certificate (0644);
    /// with `token`, the key pair is generated inside the token (label `seal-<department>-<date>-<random>`) instead.
    static func issueSeal(
        directory: String, profile: DepartmentProfile, algorithm: SealAlgorithm, rootKey: PrivateKey,
        rootCertificate: Certificate, publicBaseURL: String?, token: TokenLocation? = nil, now: Date,
        report: inout Report
    ) throws(AppError) -> KeyringManifest.Seal {
        try SecureFile.makeDirectory("\(directory)/departments/\(profile.id)")
        let generated = try generateKey(
            algorithm.keyKind, in: token, label: TokenKeys.label("seal-\(profile.id)", now: now),
            purpose: "seal of \(profile.id)")
        let key = generated.key
        if generated.location == nil {
            try SecureFile.makeDirectory("\(directory)/private/\(profile.id)", mode: 0o700)
        }
        let subject = DistinguishedName([
            .init("C", "VN"), .init("L", profile.locality), .init("O", profile.name),
            .init("OU", profile.id), .init("CN", profile.name),
        ])
        // Seals carry the AIA and CRL distribution point of the CA's services and the seal policy (ARC.3).
        var builder = CertificateBuilder.documentSigner(
            subject: subject, publicKey: key.publicKey,
            notBefore: now.addingTimeInterval(-3600), notAfter: now.addingTimeInterval(3 * 365 * 86400))
        ServiceURLs(base: publicBaseURL ?? defaultPublicBaseURL).decorate(&builder)
        builder.certificatePolicies = [CivicSealPolicy.seal]
        let certificate = try crypto { () throws(CryptoError) in try builder.issued(by: rootCertificate, key: rootKey) }
        let stamp = Self.dateStamp(now)
        let name = "seal-\(stamp)-\(certificate.fingerprintHex.prefix(8))"
        let certPath = "departments/\(profile.id)/\(name).cert.pem"
        if let location = generated.location {
            try SecureFile.create(
                "\(directory)/\(certPath)", text: certificate.pem + rootCertificate.pem, mode: SecureFile.publicMode)
            report.created.append(certPath)
            report.generatedInToken.append("\(profile.id) \(name) in \(location)")
            return .init(
                name: name, certificate: certPath, key: nil, algorithm: algorithm.rawValue,
                token: location.manifestEntry)
        }
        let keyPath = "private/\(profile.id)/\(name).key.pem"
        try SecureFile.create(
            "\(directory)/\(keyPath)", text: try crypto { () throws(CryptoError) in try key.pkcs8PEM() },
            mode: SecureFile.privateMode)
        try SecureFile.create(
            "\(directory)/\(certPath)", text: certificate.pem + rootCertificate.pem, mode: SecureFile.publicMode)
        report.created += [keyPath, certPath]
        return .init(name: name, certificate: certPath, key: keyPath, algorithm: algorithm.rawValue)
    }

    /// Opens and logs in to `token` before anything is written: a token that is absent or refuses the PIN leaves the
    /// keys directory as it was.
    static func reach(_ token: TokenLocation) throws(AppError) {
        do { _ = try TokenKeys.token(token) } catch { throw TokenKeys.appError(error, token, for: "--pkcs11") }
    }

    /// A new key pair: in memory (to be written as PEM), or generated inside `token` under `label` (its location
    /// returned; the private key never leaves the token).
    static func generateKey(_ kind: KeyKind, in token: TokenLocation?, label: String, purpose: String)
        throws(AppError) -> (key: PrivateKey, location: TokenLocation?)
    {
        guard let token else {
            return (try crypto { () throws(CryptoError) in try PrivateKey.generate(kind) }, nil)
        }
        do {
            let key = try TokenKeys.token(token).generateKeyPair(kind, label: label)
            return (key, token.location(of: key, label: label))
        } catch {
            throw TokenKeys.appError(error, token, for: "cannot generate the \(purpose) in the token")
        }
    }

    static func dateStamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d%02d%02d", parts.year!, parts.month!, parts.day!)
    }
}

/// Runs a crypto-core operation, turning its error into a key-material error for the operator.
func crypto<T>(_ body: () throws(CryptoError) -> T) throws(AppError) -> T {
    do { return try body() } catch { throw AppError(.keyMaterial, error.description) }
}

/// Loads configured key material, naming the failure.
func load<T>(_ body: () throws(CryptoError) -> T) throws(AppError) -> T {
    do { return try body() } catch { throw AppError(.keyMaterial, "cannot load key material: \(error.message)") }
}

extension SecureFile {
    /// Reads a text file for the crypto loaders (an unreadable file is malformed input to them).
    static func readTextCrypto(_ path: String) throws(CryptoError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CryptoError(.malformedInput, "cannot read \(path)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
