import CivicSealCrypto
import CivicSealStorage
import Foundation

/// The revocation store: which certificates the CA issued and which it revoked. The OCSP responder reads it per
/// request (another process may have revoked since), with one primary-key lookup per CertID whatever the serial.
extension RequestStore {
    static let certificateColumns =
        "issuer, serial, fingerprint, subject, profile, not_after, revoked_at, revocation_reason, revoked_by, "
        + "audit_sequence"

    /// Records certificates the CA issued; a certificate already recorded is left as it is. Returns how many were new.
    @discardableResult
    package func recordIssuedCertificates(_ certificates: [(certificate: Certificate, profile: String)], now: Date)
        throws(RecordsError) -> Int
    {
        let rows = certificates.map { entry in
            [
                DatabaseValue.text(entry.certificate.issuer.description),
                .text(CertificateRecord.hex(serial: entry.certificate.serialNumberBytes)),
                .text(entry.certificate.fingerprintHex), .text(entry.certificate.subject.description),
                .text(entry.profile), .integer(RequestRow.milliseconds(entry.certificate.notAfter)),
                .integer(RequestRow.milliseconds(now)),
            ]
        }
        return try write { connection in
            var added = 0
            for row in rows {
                try connection.execute(
                    """
                    INSERT INTO issued_certificates (issuer, serial, fingerprint, subject, profile, not_after,
                        recorded_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                    """, row)
                added += connection.changedRowCount
            }
            return added
        }
    }

    /// The record of the certificate `issuer` issued with `serial` (unsigned big-endian), or nil: one index lookup.
    package func certificateRecord(issuer: String, serial: [UInt8]) throws(RecordsError) -> CertificateRecord? {
        guard serial.count <= 32 else { return nil }
        let key = CertificateRecord.hex(serial: serial)
        return try read { connection in
            try connection.queryFirst(
                "SELECT \(Self.certificateColumns) FROM issued_certificates WHERE issuer = ? AND serial = ?",
                [.text(issuer), .text(key)]
            ).map(Self.certificateRecord)
        }
    }

    /// The record of the certificate with this SHA-256 fingerprint (lowercase hex), or nil.
    package func certificateRecord(fingerprint: String) throws(RecordsError) -> CertificateRecord? {
        try read { connection in
            try connection.queryFirst(
                "SELECT \(Self.certificateColumns) FROM issued_certificates WHERE fingerprint = ?",
                [.text(fingerprint.lowercased())]
            ).map(Self.certificateRecord)
        }
    }

    /// Every revoked certificate of `issuer`, oldest revocation first (what the CRL lists).
    package func revokedCertificates(issuer: String) throws(RecordsError) -> [CertificateRecord] {
        try read { connection in
            try connection.query(
                """
                SELECT \(Self.certificateColumns) FROM issued_certificates
                WHERE issuer = ? AND revoked_at IS NOT NULL ORDER BY revoked_at, serial
                """, [.text(issuer)]
            ).map(Self.certificateRecord)
        }
    }

    /// Revokes the recorded certificate with `fingerprint`, in one transaction with its audit entry (action
    /// `revoke-certificate`, actor `by`). Refuses a certificate the store does not know
    /// (``RecordsError/Code/notFound``) and one already revoked (``RecordsError/Code/transitionRefused``).
    package func revokeCertificate(
        fingerprint: String, reason: CRLReason, at revokedAt: Date, by actor: String, now: Date
    ) throws(RecordsError) -> CertificateRecord {
        let key = fingerprint.lowercased()
        let milliseconds = RequestRow.milliseconds(now)
        return try write { connection in
            guard
                let row = try connection.queryFirst(
                    "SELECT \(Self.certificateColumns) FROM issued_certificates WHERE fingerprint = ?", [.text(key)])
            else { throw RecordsError(.notFound, "the CA issued no certificate with this fingerprint") }
            let record = Self.certificateRecord(row)
            guard record.revocation == nil else {
                throw RecordsError(.transitionRefused, "the certificate is already revoked")
            }
            let audit = try AuditLog.append(
                in: connection, recordedAtMilliseconds: milliseconds, actorID: actor, actorRole: "key-administrator",
                action: "revoke-certificate", requestID: nil, fromState: "good", toState: "revoked",
                reason: "\(reason.name); serial \(record.serial); SHA-256 \(record.fingerprint); \(record.subject)")
            try connection.execute(
                """
                UPDATE issued_certificates SET revoked_at = ?, revocation_reason = ?, revoked_by = ?, audit_sequence = ?
                WHERE fingerprint = ?
                """,
                [
                    .integer(RequestRow.milliseconds(revokedAt)), .integer(Int64(reason.rawValue)), .text(actor),
                    .integer(audit.sequence), .text(key),
                ])
            guard
                let updated = try connection.queryFirst(
                    "SELECT \(Self.certificateColumns) FROM issued_certificates WHERE fingerprint = ?", [.text(key)])
            else { throw RecordsError(.storage, "the revoked certificate vanished") }
            return Self.certificateRecord(updated)
        }
    }

    /// The next `cRLNumber` for `issuer`: one more than the last one handed out (1 for the first CRL).
    package func nextCRLNumber(issuer: String) throws(RecordsError) -> UInt64 {
        let number = try write { connection in
            try connection.execute(
                """
                INSERT INTO crl_numbers (issuer, last_number) VALUES (?, 1)
                ON CONFLICT (issuer) DO UPDATE SET last_number = crl_numbers.last_number + 1
                """, [.text(issuer)])
            return try connection.scalar("SELECT last_number FROM crl_numbers WHERE issuer = ?", [.text(issuer)]).int64
        }
        return UInt64(max(1, number ?? 1))
    }

    static func certificateRecord(_ row: Row) -> CertificateRecord {
        var revocation: CertificateRecord.Revocation?
        if let at = row[6].int64 {
            revocation = .init(
                at: Date(timeIntervalSince1970: TimeInterval(at) / 1000),
                reason: row[7].int64.flatMap { CRLReason(rawValue: Int($0)) } ?? .unspecified,
                by: row[8].string ?? "", auditSequence: row[9].int64 ?? 0)
        }
        return CertificateRecord(
            issuer: row[0].string ?? "", serial: row[1].string ?? "", fingerprint: row[2].string ?? "",
            subject: row[3].string ?? "", profile: row[4].string ?? "",
            notAfter: Date(timeIntervalSince1970: TimeInterval(row[5].int64 ?? 0) / 1000), revocation: revocation)
    }
}
