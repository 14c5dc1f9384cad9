import CivicSealStorage

extension RecordsSchema {
    /// Migration 10: re-issue after a seal key compromise.
    ///
    /// - `documents` is rebuilt without `request_seq UNIQUE`: a request has one CURRENT document (`superseded_by IS
    ///   NULL`, the partial unique index `documents_current`) and any number of superseded ones. `superseded_by` and
    ///   `supersedes` link a re-issued document and the one it replaces, both ways. `documents_signer` finds every
    ///   document a seal certificate sealed.
    /// - `compromise_runs`: one run of `civicseal keys compromise` per seal certificate (at most one unfinished per
    ///   seal), with its run-level steps (certificate revoked, fresh seal active) so a rerun resumes it.
    /// - `compromise_items`: per affected document, how far it got (`found` → `revoked` → `reissued` →
    ///   `notified`, or `skipped` when an officer withdrew it before the playbook reached it), the audit entry of each
    ///   step and the new document's id. A document belongs to one run only.
    /// - `outbox`: notices for the notification service (`delivered_at` NULL until it delivers them). `recipient` is
    ///   the request owner's subject as the store knows it, never a name; `payload` is JSON.
    static let keyCompromise = Migration(
        "key compromise: several documents per request (one current), compromise runs and items, outbox",
        rebuildsReferencedTables: true
    ) { connection in
        try connection.executeScript(
            """
            CREATE TABLE documents_v10 (
                seq INTEGER PRIMARY KEY,
                id TEXT NOT NULL UNIQUE CHECK (length(id) = 26),
                request_seq INTEGER NOT NULL REFERENCES requests (seq),
                kind TEXT NOT NULL CHECK (kind IN ('criminal-record', 'health-certificate', 'health-book-extract')),
                department_id TEXT NOT NULL,
                template_id TEXT NOT NULL,
                template_version TEXT NOT NULL,
                template_sha256 TEXT NOT NULL CHECK (length(template_sha256) = 64),
                record_sha256 TEXT NOT NULL CHECK (length(record_sha256) = 64),
                pdf_sha256 TEXT NOT NULL CHECK (length(pdf_sha256) = 64),
                signer_certificate_sha256 TEXT NOT NULL CHECK (length(signer_certificate_sha256) = 64),
                issued_at INTEGER NOT NULL,
                audit_sequence INTEGER NOT NULL REFERENCES audit_log (sequence),
                status TEXT NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'revoked')),
                revocation_reason TEXT,
                revoked_at INTEGER,
                revocation_code TEXT CHECK (revocation_code IS NULL OR revocation_code IN
                    ('issued-in-error', 'superseded', 'holder-request', 'key-compromise', 'cessation-of-operation')),
                superseded_by TEXT CHECK (superseded_by IS NULL OR length(superseded_by) = 26),
                supersedes TEXT CHECK (supersedes IS NULL OR length(supersedes) = 26),
                record TEXT NOT NULL,
                pdf BLOB NOT NULL,
                CHECK ((status = 'valid' AND revocation_reason IS NULL AND revoked_at IS NULL)
                    OR (status = 'revoked' AND revocation_reason IS NOT NULL AND revoked_at IS NOT NULL)),
                CHECK (superseded_by IS NULL OR status = 'revoked')
            );
            INSERT INTO documents_v10 (seq, id, request_seq, kind, department_id, template_id, template_version,
                template_sha256, record_sha256, pdf_sha256, signer_certificate_sha256, issued_at, audit_sequence,
                status, revocation_reason, revoked_at, revocation_code, record, pdf)
            SELECT seq, id, request_seq, kind, department_id, template_id, template_version, template_sha256,
                record_sha256, pdf_sha256, signer_certificate_sha256, issued_at, audit_sequence, status,
                revocation_reason, revoked_at, revocation_code, record, pdf
            FROM documents;
            DROP TABLE documents;
            ALTER TABLE documents_v10 RENAME TO documents;
            CREATE UNIQUE INDEX documents_current ON documents (request_seq) WHERE superseded_by IS NULL;
            CREATE INDEX documents_request ON documents (request_seq);
            CREATE INDEX documents_signer ON documents (signer_certificate_sha256, issued_at);
            CREATE TABLE compromise_runs (
                id INTEGER PRIMARY KEY,
                seal_fingerprint TEXT NOT NULL CHECK (length(seal_fingerprint) = 64),
                department_id TEXT NOT NULL,
                since INTEGER,
                started_at INTEGER NOT NULL,
                started_by TEXT NOT NULL,
                certificate_revoked_at INTEGER,
                new_seal_fingerprint TEXT CHECK (new_seal_fingerprint IS NULL OR length(new_seal_fingerprint) = 64),
                finished_at INTEGER
            );
            CREATE UNIQUE INDEX compromise_runs_unfinished ON compromise_runs (seal_fingerprint)
                WHERE finished_at IS NULL;
            CREATE TABLE compromise_items (
                run_id INTEGER NOT NULL REFERENCES compromise_runs (id),
                position INTEGER NOT NULL,
                document_id TEXT NOT NULL UNIQUE CHECK (length(document_id) = 26),
                state TEXT NOT NULL CHECK (state IN ('found', 'revoked', 'reissued', 'notified', 'skipped')),
                revoke_audit_sequence INTEGER REFERENCES audit_log (sequence),
                reissue_audit_sequence INTEGER REFERENCES audit_log (sequence),
                notice_audit_sequence INTEGER REFERENCES audit_log (sequence),
                new_document_id TEXT CHECK (new_document_id IS NULL OR length(new_document_id) = 26),
                last_error TEXT,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (run_id, position)
            ) WITHOUT ROWID;
            CREATE TABLE outbox (
                id INTEGER PRIMARY KEY,
                recipient TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('document-reissued')),
                payload TEXT NOT NULL CHECK (json_valid(payload)),
                created_at INTEGER NOT NULL,
                delivered_at INTEGER
            );
            CREATE INDEX outbox_undelivered ON outbox (created_at, id) WHERE delivered_at IS NULL;
            """)
    }
}
