import CivicSealAPI
import CivicSealCasework
import CivicSealCrypto
import CivicSealJSON
import CivicSealWorkflow
import Foundation

/// The loaded key material: trust anchors, and per department its active seal (key + certificate
/// chain) and every certificate it ever sealed with, so documents sealed before a rotation still verify.
/// Everything is parsed once at load.
package final class Keyring: Sendable {
    /// One seal of a department.
    package struct Seal: Sendable {
        package let name: String
        package let certificate: Certificate
        /// Certificates after the seal certificate in its PEM file (intermediates, root).
        package let chain: [Certificate]
        package let algorithm: SealAlgorithm
        /// Present only for seals whose key is kept (a token key: only the active seal's is opened).
        package let key: PrivateKey?
        /// Where the key lives when a PKCS#11 token holds it.
        package let token: TokenLocation?
    }

    package struct Department: Sendable {
        package let id: String
        package let name: String
        package let englishName: String
        package let active: Seal
        package let seals: [Seal]
        /// Built once at load (key/certificate match, ESS attribute, DER parts), not per document; a token seal's
        /// is built again after its token failed (``Keyring/tokenFailed()``).
        let preparedSigner: SealSigner

        init(id: String, name: String, englishName: String, active: Seal, seals: [Seal]) {
            self.id = id
            self.name = name
            self.englishName = englishName
            self.active = active
            self.seals = seals
            preparedSigner = SealSigner(department: id, seal: active)
        }

        /// The CMS signer for new documents.
        package func signer() throws(CryptoError) -> CMSSigner { try preparedSigner.current() }
    }

    package let directory: String
    package let manifest: KeyringManifest
    package let trustAnchors: [Certificate]
    package let departments: [Department]
    package let validator: ChainValidator
    /// The CA, its key, the service identities and the public base URL (see ``KeyringServices``).
    package let services: KeyringServices
    /// The token officer keys are generated in; nil: PEM files.
    package let officerKeysToken: TokenLocation?
    /// Token keys that could not be opened, by manifest entry (only with `toleratingUnreachableTokens`).
    package let tokenProblems: [String: AppError]

    /// Loads and checks every configured key. A key in a PKCS#11 token is opened through its (shared) token and must
    /// match its certificate; a token that cannot be reached fails the load, unless `toleratingUnreachableTokens`
    /// (`keys show`), which records it in ``tokenProblems`` and leaves that key out.
    package init(directory: String, toleratingUnreachableTokens: Bool = false) throws(AppError) {
        self.directory = directory
        manifest = try Self.readManifest("\(directory)/\(DevelopmentPKI.manifestName)")
        var problems: [String: AppError] = [:]
        officerKeysToken = try manifest.officerKeys.map { (entry) throws(AppError) in
            try TokenLocation(entry, context: "\(DevelopmentPKI.manifestName): officerKeys")
        }
        var anchors: [Certificate] = []
        for path in manifest.trustAnchors {
            anchors += try load { () throws(CryptoError) in
                try Certificate.chain(pem: try SecureFile.readTextCrypto("\(directory)/\(path)"))
            }
        }
        trustAnchors = anchors
        validator = try load { () throws(CryptoError) in try ChainValidator(trustAnchors: anchors) }
        services = try KeyringServices(
            directory: directory, manifest: manifest, trustAnchors: anchors,
            toleratingUnreachableTokens: toleratingUnreachableTokens)
        problems.merge(services.tokenProblems) { first, _ in first }
        var loaded: [Department] = []
        for entry in manifest.departments {
            var seals: [Seal] = []
            for seal in entry.seals {
                guard let algorithm = SealAlgorithm(argument: seal.algorithm) else {
                    throw AppError(
                        .configuration,
                        "\(DevelopmentPKI.manifestName): unknown algorithm \(seal.algorithm) for "
                            + "\(entry.id)/\(seal.name)"
                    )
                }
                let chain = try load { () throws(CryptoError) in
                    try Certificate.chain(pem: try SecureFile.readTextCrypto("\(directory)/\(seal.certificate)"))
                }
                let context = "\(DevelopmentPKI.manifestName): seal \(entry.id)/\(seal.name)"
                if seal.key != nil && seal.token != nil {
                    throw AppError(.configuration, "\(context) names both a key file and a token")
                }
                let token = try seal.token.map { (entry) throws(AppError) in try TokenLocation(entry, context: context)
                }
                var key: PrivateKey? = try seal.key.map { (path) throws(AppError) in
                    try load { () throws(CryptoError) in
                        try PrivateKey(pem: try SecureFile.readTextCrypto("\(directory)/\(path)"))
                    }
                }
                // A retired seal's token key is never needed: only the active one is opened.
                if let token, seal.name == entry.active {
                    do { key = try TokenKeys.privateKey(token) } catch {
                        let failure = TokenKeys.appError(error, token, for: context)
                        guard toleratingUnreachableTokens else { throw failure }
                        problems["seal \(entry.id)/\(seal.name)"] = failure
                    }
                }
                if let key, (try? key.publicKey.spkiDER()) != (try? chain[0].publicKey.spkiDER()) {
                    throw AppError(
                        .keyMaterial,
                        "\(seal.key ?? token?.description ?? "the key") does not belong to \(seal.certificate)")
                }
                seals.append(
                    Seal(
                        name: seal.name, certificate: chain[0], chain: Array(chain.dropFirst()), algorithm: algorithm,
                        key: key, token: token))
            }
            guard let active = seals.first(where: { $0.name == entry.active }) else {
                throw AppError(
                    .configuration,
                    "\(DevelopmentPKI.manifestName): department \(entry.id) names active seal \(entry.active), which "
                        + "is not listed"
                )
            }
            loaded.append(
                Department(id: entry.id, name: entry.name, englishName: entry.englishName, active: active, seals: seals)
            )
        }
        departments = loaded
        tokenProblems = problems
    }

    /// A signing key in a token failed (removed, module gone, session lost): tokens are found and logged in to again,
    /// and token seals and officer keys re-opened, on their next use.
    package func tokenFailed() {
        TokenKeys.forgetAll()
        for department in departments { department.preparedSigner.markStale() }
    }

    package func department(_ id: String) -> Department? { departments.first { $0.id == id } }

    /// What `GET /v1/trust` publishes: the anchors and every department certificate (active and retired) with its
    /// chain.
    package func publication() -> TrustPublication {
        TrustPublication(
            anchors: trustAnchors.map {
                .init(subject: $0.subject.description, sha256: $0.fingerprintHex, pem: $0.pem)
            },
            departments: departments.map { department in
                .init(
                    id: department.id, name: department.name, englishName: department.englishName,
                    certificates: department.seals.map { seal in
                        .init(
                            name: seal.name, status: seal.name == department.active.name ? "active" : "retired",
                            subject: seal.certificate.subject.description, sha256: seal.certificate.fingerprintHex,
                            notBefore: seal.certificate.notBefore, notAfter: seal.certificate.notAfter,
                            pem: ([seal.certificate] + seal.chain).map(\.pem).joined())
                    })
            })
    }

    static func readManifest(_ path: String) throws(AppError) -> KeyringManifest {
        let text = try SecureFile.readText(path)
        // The one strict reader: duplicate or unknown members are refused, as in every other JSON this service reads.
        switch WorkflowJSON.decode(KeyringManifest.self, from: Array(text.utf8)) {
        case .success(let manifest): return manifest
        case .failure(let failure):
            throw AppError(.configuration, "\(path) is not a valid keyring manifest: \(failure)")
        }
    }

    static func encodeManifest(_ manifest: KeyringManifest) throws(AppError) -> String {
        guard let value = try? JSONValueEncoder().encode(manifest) else {
            throw AppError(.configuration, "cannot encode the keyring manifest")
        }
        return JSONWriter.prettyText(value, escaping: .canonical) + "\n"
    }

    /// `civicseal keys show`: what is configured, without any secret.
    package func summary(now: Date = Date()) -> String {
        var lines: [String] = []
        let formatter = ISO8601DateFormatter()
        func describe(_ certificate: Certificate) -> [String] {
            [
                "    subject:     \(certificate.subject)",
                "    issuer:      \(certificate.issuer)",
                "    serial:      \(certificate.serialNumber)",
                "    valid:       \(formatter.string(from: certificate.notBefore)) … "
                    + "\(formatter.string(from: certificate.notAfter))"
                    + (certificate.isValid(at: now) ? "" : "  (NOT VALID NOW)"),
                "    SHA-256:     \(certificate.fingerprintHex)",
            ]
        }
        lines.append("Keys directory: \(directory)")
        lines.append("Trust anchors:")
        for anchor in trustAnchors { lines.append(contentsOf: describe(anchor)) }
        for department in departments {
            lines.append("Department \(department.id) — \(department.name) / \(department.englishName)")
            for seal in department.seals {
                let role =
                    seal.name == department.active.name ? "active (signs new documents)" : "retired (verification only)"
                lines.append("  seal \(seal.name): \(role), \(seal.algorithm.rawValue)")
                let entry = manifest.departments.first { $0.id == department.id }?.seals.first { $0.name == seal.name }
                lines.append(
                    "    key:         "
                        + keyLocation(
                            file: entry?.key, token: seal.token, opened: seal.key != nil,
                            problem: tokenProblems["seal \(department.id)/\(seal.name)"]))
                lines.append(contentsOf: describe(seal.certificate))
                let verdict = validator.validate(
                    seal.certificate, intermediates: seal.chain, at: now,
                    requiredKeyUsage: [.digitalSignature, .nonRepudiation])
                lines.append("    chain:       \(verdict.isTrusted ? "trusted" : "NOT TRUSTED: \(verdict.failure!)")")
            }
        }
        lines.append(contentsOf: servicesSummary(now: now))
        if let officers = officerKeysToken {
            lines.append("Officer keys: generated in \(officers) on first approval (labelled by the hashed officer)")
        } else {
            lines.append("Officer keys: PEM files under private/officers/ (0600), made on first approval")
        }
        if let provider = manifest.identityProvider {
            lines.append(
                "Development identity provider: \(provider.issuer) (audience \(provider.audience), kid "
                    + "\(provider.kid), JWKS \(provider.jwks))"
            )
        }
        return lines.joined(separator: "\n")
    }
}

extension Keyring: SealingKeyring {
    /// The department's active seal as issuance uses it (the signer prepared at load).
    package func seal(forDepartment departmentID: String) -> DepartmentSeal? {
        guard let department = department(departmentID) else { return nil }
        return DepartmentSeal(
            departmentID: department.id, name: department.name, englishName: department.englishName,
            certificateSHA256: department.active.certificate.fingerprintHex,
            signer: Result { () throws(CryptoError) in try department.signer() })
    }
}
