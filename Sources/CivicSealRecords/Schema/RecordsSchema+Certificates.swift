import CivicSealStorage

extension RecordsSchema {
    /// The certificates the CA issued and their revocations (the OCSP responder's and the CRL's source).
    ///
    /// - `issued_certificates`: one row per certificate, keyed by (issuer name, serial) so that the responder answers
    ///   any CertID with ONE primary-key lookup: no row is `unknown`, a row without `revoked_at` is `good`. `serial`
    ///   is the unsigned serial as uppercase hex without leading zero bytes (as `openssl x509 -serial` prints it);
    ///   `fingerprint` the SHA-256 of the DER, lowercase hex; instants are milliseconds since 1970 UTC. A revocation
    ///   sets `revoked_at`, `revocation_reason` (RFC 5280 CRLReason code), `revoked_by` and the audit entry that
    ///   recorded it; a trigger refuses to change a revocation once made.
    /// - `crl_numbers`: the last `cRLNumber` issued per CA, so that numbers only increase.
    static let certificateRevocations = Migration(
        "certificates: what the CA issued, and revocations for OCSP and CRLs",
        statements: [
            """
            CREATE TABLE issued_certificates (
                issuer TEXT NOT NULL,
                serial TEXT NOT NULL CHECK (length(serial) BETWEEN 1 AND 64),
                fingerprint TEXT NOT NULL UNIQUE CHECK (length(fingerprint) = 64),
                subject TEXT NOT NULL,
                profile TEXT NOT NULL,
                not_after INTEGER NOT NULL,
                recorded_at INTEGER NOT NULL,
                revoked_at INTEGER,
                revocation_reason INTEGER CHECK (revocation_reason IS NULL OR revocation_reason IN
                    (0, 1, 2, 3, 4, 5, 6, 8, 9, 10)),
                revoked_by TEXT,
                audit_sequence INTEGER REFERENCES audit_log (sequence),
                PRIMARY KEY (issuer, serial)
            ) WITHOUT ROWID
            """,
            "CREATE INDEX issued_certificates_revoked ON issued_certificates (issuer) WHERE revoked_at IS NOT NULL",
            """
            CREATE TRIGGER issued_certificates_revocation_final BEFORE UPDATE ON issued_certificates
            WHEN OLD.revoked_at IS NOT NULL
            BEGIN SELECT RAISE(ABORT, 'a certificate revocation is final'); END
            """,
            "CREATE TABLE crl_numbers (issuer TEXT PRIMARY KEY, last_number INTEGER NOT NULL) WITHOUT ROWID",
        ])
}
