import CivicSealCrypto
import CivicSealRecords
import Foundation

/// The certificates the keyring's CA issued, as the revocation store knows them, and `civicseal keys revoke`.
package enum KeyringCertificates {
    /// At most this many `.pem` files are read from the keys directory (a keyring holds dozens).
    static let maximumFiles = 10_000

    /// Every certificate under the keys directory (outside `private/`) that the keyring's CA issued, with its profile:
    /// `seal`, `officer`, `tsa`, `ocsp-responder`, `status-signer` or `other`.
    package static func issued(by keyring: Keyring) -> [(certificate: Certificate, profile: String)] {
        let authority = keyring.certificateAuthority.certificate
        let seals = Set(keyring.departments.flatMap { $0.seals.map(\.certificate) })
        var found: [(Certificate, String)] = []
        var seen: Set<Certificate> = []
        let enumerator = FileManager.default.enumerator(atPath: keyring.directory)
        var files = 0
        while let relative = enumerator?.nextObject() as? String, files < maximumFiles {
            if relative == "private" { enumerator?.skipDescendants() }  // keys only: never read
            guard relative.hasSuffix(".pem"), !relative.hasPrefix("private/") else { continue }
            files += 1
            let path = "\(keyring.directory)/\(relative)"
            guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int,
                size <= 1024 * 1024, let text = try? SecureFile.readText(path),
                let chain = try? Certificate.chain(pem: text)
            else { continue }
            for certificate in chain where certificate != authority && !seen.contains(certificate) {
                guard certificate.isIssued(by: authority) else { continue }
                seen.insert(certificate)
                found.append((certificate, profile(of: certificate, seals: seals)))
            }
        }
        return found
    }

    static func profile(of certificate: Certificate, seals: Set<Certificate>) -> String {
        let policies = certificate.certificatePolicies
        if seals.contains(certificate) || policies.contains(CivicSealPolicy.seal) { return "seal" }
        if policies.contains(CivicSealPolicy.officer) { return "officer" }
        if policies.contains(CivicSealPolicy.statusSigner) { return "status-signer" }
        if certificate.extendedKeyUsage.contains(ExtendedKeyUsage.timeStamping) { return "tsa" }
        if certificate.extendedKeyUsage.contains(ExtendedKeyUsage.ocspSigning) { return "ocsp-responder" }
        return "other"
    }

    /// Records every certificate of the keyring its CA issued in the revocation store (new ones only); returns how
    /// many were new. `serve` runs it at start and `keys revoke` before revoking.
    @discardableResult
    package static func register(_ keyring: Keyring, in store: RequestStore, now: Date = Date()) throws(AppError) -> Int
    {
        do { return try store.recordIssuedCertificates(issued(by: keyring), now: now) } catch {
            throw AppError(.storage, "cannot record the issued certificates: \(error.message)")
        }
    }

    /// `civicseal keys revoke --certificate SHA256|PATH --reason NAME [--at TIME] [--by NAME]`: revokes a certificate
    /// the CA issued, audited; the OCSP responder and the CRL answer `revoked` from then on. Returns the lines to
    /// print.
    package static func revoke(
        keysDirectory: String, dataDirectory: String?, certificate argument: String, reason reasonName: String,
        at timeText: String?, by actor: String?, now: Date = Date()
    ) throws(AppError) -> String {
        guard let reason = CRLReason(name: reasonName), reason != .removeFromCRL else {
            let names = CRLReason.allCases.filter { $0 != .removeFromCRL }.map(\.name).joined(separator: ", ")
            throw AppError(.usage, "unknown --reason \(reasonName) (one of \(names))")
        }
        var revokedAt = now
        if let timeText {
            guard let parsed = ISO8601DateFormatter().date(from: timeText) else {
                throw AppError(.usage, "--at must be an ISO 8601 time such as 2026-12-05T01:00:00Z")
            }
            guard parsed <= now else { throw AppError(.usage, "--at cannot be in the future") }
            revokedAt = parsed
        }
        let fingerprint = try Self.fingerprint(argument)
        let keyring = try Keyring(directory: keysDirectory)
        let data = dataDirectory ?? RecordsCommands.defaultDataDirectory
        try SecureFile.makeDirectory(data, mode: 0o700)
        let store = try RecordsCommands.open(RecordsCommands.databasePath(dataDirectory: data))
        defer { try? store.close() }
        try register(keyring, in: store, now: now)
        let operator_ = actor ?? ProcessInfo.processInfo.environment["USER"].map { "operator:\($0)" } ?? "operator"
        let record: CertificateRecord
        do {
            record = try store.revokeCertificate(
                fingerprint: fingerprint, reason: reason, at: revokedAt, by: operator_, now: now)
        } catch  where error.code == .notFound {
            throw AppError(
                .usage, "refused: no certificate with SHA-256 \(fingerprint) was issued by this keyring's CA")
        } catch  where error.code == .transitionRefused {
            throw AppError(.usage, "refused: the certificate with SHA-256 \(fingerprint) is already revoked")
        } catch {
            throw AppError(.storage, "cannot revoke: \(error.message)")
        }
        let formatter = ISO8601DateFormatter()
        return [
            "revoked  \(record.subject) (\(record.profile))",
            "  serial:    \(record.serial)",
            "  SHA-256:   \(record.fingerprint)",
            "  reason:    \(reason.name)",
            "  at:        \(formatter.string(from: revokedAt)) by \(operator_)",
            "  audit:     entry \(record.revocation?.auditSequence ?? 0) of the audit trail",
            "OCSP answers revoked at once; the CRL lists it from its next issue (GET /pki/crl/root.crl).",
        ].joined(separator: "\n")
    }

    /// A SHA-256 fingerprint (64 hex digits, colons allowed) as given, or the fingerprint of the certificate in the
    /// PEM or DER file at the path.
    static func fingerprint(_ argument: String) throws(AppError) -> String {
        let compact = argument.replacingOccurrences(of: ":", with: "").lowercased()
        if compact.count == 64, compact.allSatisfy(\.isHexDigit) { return compact }
        guard SecureFile.exists(argument), let data = FileManager.default.contents(atPath: argument) else {
            throw AppError(.usage, "--certificate must be a SHA-256 fingerprint or a certificate file, not \(argument)")
        }
        let bytes = Array(data)
        if let certificate = try? Certificate(der: bytes) { return certificate.fingerprintHex }
        if let certificate = try? Certificate(pem: String(decoding: bytes, as: UTF8.self)) {
            return certificate.fingerprintHex
        }
        throw AppError(.usage, "\(argument) holds no certificate (PEM or DER)")
    }
}
