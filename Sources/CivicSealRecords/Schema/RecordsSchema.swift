import CivicSealCrypto
import CivicSealStorage

/// The records schema, applied by `user_version` (never edit a shipped migration: append one).
///
/// Tables as migration 1 made them (migration 4 below replaces `requests.id` and `request_events`):
/// - `requests`: one row per request. `id` is 128-bit random hex (the public identifier); `seq` is the
///   internal rowid other tables reference. Dates are `YYYY-MM-DD` text (sorts as dates); instants are
///   integer milliseconds since 1970 UTC. `submission` (the validated, normalised JSON body) is the last
///   column so queue reads never touch its overflow pages. `version` increases on every change.
/// - `idempotency_keys`: (owner, key) → request, with the SHA-256 of the canonical body.
/// - `request_events`: the history of one request, numbered per request, each pointing at its audit entry.
/// - `health_book_entries`: entries recorded by clinicians, per personal ID number, JSON per entry.
/// - `audit_log`: append-only hash chain (triggers refuse UPDATE and DELETE); see ``AuditCanonicalEncoding``.
///
/// Migration 2 (issuance) adds:
/// - `requests.subject_identity`: the identity block of the person the document is about (JSON
///   `{personalId, fullName, birthDate, sex}` from the token or the validated `subject`), written at submission;
///   `NULL` for requests stored before migration 2 (the issuer then falls back to the submission's `subject`).
/// - `requests.approver_name`: the approving officer's name from the staff token, printed as the signatory, so a
///   document re-issued after a crash states the same officer.
/// - `documents`: the registry of issued documents, one per request (`request_seq` UNIQUE). `id` is 128 random
///   bits as 26 Crockford base-32 characters; hashes are lowercase hex SHA-256; `record` is the canonical JSON of the
///   stated facts (sorted keys) and `pdf` the sealed bytes, both last so status reads never touch their overflow
///   pages. `status` is `valid` or `revoked`; a revocation has a reason and a time, a valid document neither.
///
/// Migration 4 (write path) rebuilds `requests` so a submission dirties as few pages as possible:
/// - no `id` column and no index on it: the public id is derived from `seq` (see ``RequestIDs``; the key is in
///   `records_keys`). Ids issued before keep working: they move to `legacy_id`, indexed only where not NULL.
/// - no `request_events` table: `history` is the JSON array of the request's audit sequences, oldest first, and a
///   history event is read from the audit entry it names (the audit trail was already the authority for every
///   field of an event).
/// - the one-unfinished-request rule no longer has an index of its own for the common case: a request a citizen
///   files for themself is found through `requests_owner`, which carries kind, form, state and subject for that;
///   only requests filed for someone else (a parent for a child, a proxy) enter the partial
///   `requests_open_criminal_for_others`.
///
/// Migration 5 adds `documents.revocation_code`: the public reason of a revocation (``RevocationReason``), while
/// `revocation_reason` keeps the officer's free-text grounds, which no public answer shows.
///
/// Migration 6 adds `audit_actor_names` (the officer's name beside each audit step; the chain hashes the staff id),
/// `requests.assignee_name` and `requests.complexity_override` (an officer's Art. 48 setting, audited as
/// `set-complexity`).
///
/// Migration 7 adds the partial `requests_subject_issued (subject_id, kind)` over requests with a document, so the
/// officer's review finds the earlier certificates of the same person without scanning.
///
/// Migration 8 adds `issued_certificates` and `crl_numbers` (see ``certificateRevocations``).
///
/// Migration 9 adds `document_versions` (every file the service published for a document: version 1 as issued,
/// then one per archive renewal, with its SHA-256; `documents.pdf` holds the latest, `documents.pdf_sha256` stays
/// the file as issued) and `requests.approver_id` / `requests.approver_title` (the approving officer's staff subject
/// and the title their signature states, recorded at approval).
///
/// Migration 10 (``keyCompromise``) lets a request have several documents, one of them current (a re-issue after a
/// seal key compromise supersedes the old one), and adds the key-compromise playbook's runs, items and the outbox.
///
/// Indexes: `requests_queue (department_id, state, due_date, seq, kind)` serves the department queue page by a
/// single index range scan in the page's own order, kind filters and counts included; `requests_owner (owner_id,
/// created_at, seq, kind, form, state, subject_id)` a citizen's list and, covering, the rule's check on the
/// requests they filed for themselves; `requests_open_criminal_for_others` the rest of the rule; the partial
/// `requests_approved` the issuance sweeper.
package enum RecordsSchema {
    package static let migrations: [Migration] = [
        Migration(
            "records: requests, idempotency, events, health book, audit",
            statements: [
                """
                CREATE TABLE requests (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE CHECK (length(id) = 32),
                    owner_id TEXT NOT NULL,
                    subject_id TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('criminal-record', 'health-certificate', 'health-book-extract')),
                    form INTEGER CHECK (form IN (1, 2)),
                    department_id TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('submitted', 'in_review', 'needs_info', 'approved',
                        'issued', 'rejected', 'cancelled', 'revoked')),
                    assignee_id TEXT,
                    received_on TEXT NOT NULL,
                    working_days INTEGER NOT NULL,
                    due_date TEXT NOT NULL,
                    fee_vnd INTEGER NOT NULL CHECK (fee_vnd >= 0),
                    fee_category TEXT NOT NULL,
                    findings TEXT,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    version INTEGER NOT NULL DEFAULT 1,
                    submission TEXT NOT NULL
                )
                """,
                "CREATE INDEX requests_queue ON requests (department_id, state, due_date, id)",
                "CREATE INDEX requests_owner ON requests (owner_id, created_at, id)",
                """
                CREATE INDEX requests_open_criminal ON requests (subject_id, form)
                    WHERE kind = 'criminal-record' AND state IN ('submitted', 'in_review', 'needs_info', 'approved')
                """,
                """
                CREATE TABLE idempotency_keys (
                    owner_id TEXT NOT NULL,
                    key TEXT NOT NULL,
                    request_seq INTEGER NOT NULL REFERENCES requests (seq),
                    body_sha256 TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (owner_id, key)
                ) WITHOUT ROWID
                """,
                """
                CREATE TABLE audit_log (
                    sequence INTEGER PRIMARY KEY,
                    recorded_at INTEGER NOT NULL,
                    actor_id TEXT NOT NULL,
                    actor_role TEXT NOT NULL,
                    action TEXT NOT NULL,
                    request_id TEXT,
                    from_state TEXT,
                    to_state TEXT,
                    reason TEXT,
                    previous_hash TEXT NOT NULL,
                    hash TEXT NOT NULL
                )
                """,
                """
                CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
                """,
                """
                CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
                """,
                """
                CREATE TABLE request_events (
                    request_seq INTEGER NOT NULL REFERENCES requests (seq),
                    number INTEGER NOT NULL,
                    occurred_at INTEGER NOT NULL,
                    action TEXT NOT NULL,
                    from_state TEXT,
                    to_state TEXT NOT NULL,
                    actor_id TEXT NOT NULL,
                    actor_role TEXT NOT NULL,
                    reason TEXT,
                    audit_sequence INTEGER NOT NULL REFERENCES audit_log (sequence),
                    PRIMARY KEY (request_seq, number)
                ) WITHOUT ROWID
                """,
                """
                CREATE TABLE health_book_entries (
                    seq INTEGER PRIMARY KEY,
                    personal_id TEXT NOT NULL,
                    section TEXT NOT NULL,
                    entry_date TEXT NOT NULL,
                    recorded_by TEXT NOT NULL,
                    recorded_at INTEGER NOT NULL,
                    audit_sequence INTEGER NOT NULL REFERENCES audit_log (sequence),
                    entry TEXT NOT NULL
                )
                """,
                "CREATE INDEX health_book_by_person ON health_book_entries (personal_id, entry_date, seq)",
            ]),
        Migration(
            "issuance: documents registry, subject identity and approver name on requests",
            statements: [
                "ALTER TABLE requests ADD COLUMN subject_identity TEXT",
                "ALTER TABLE requests ADD COLUMN approver_name TEXT",
                """
                CREATE TABLE documents (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE CHECK (length(id) = 26),
                    request_seq INTEGER NOT NULL UNIQUE REFERENCES requests (seq),
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
                    record TEXT NOT NULL,
                    pdf BLOB NOT NULL,
                    CHECK ((status = 'valid' AND revocation_reason IS NULL AND revoked_at IS NULL)
                        OR (status = 'revoked' AND revocation_reason IS NOT NULL AND revoked_at IS NOT NULL))
                )
                """,
                "CREATE INDEX requests_approved ON requests (state, updated_at) WHERE state = 'approved'",
            ]),
        Migration(
            "pages: the queue index carries the request kind, so kind filters and queue counts never read table rows",
            statements: [
                "DROP INDEX requests_queue",
                "CREATE INDEX requests_queue ON requests (department_id, state, due_date, id, kind)",
            ]),
        Migration(
            "write path: public request ids derived from row numbers, history as audit references in the row",
            rebuildsReferencedTables: true
        ) { connection in
            try connection.executeScript(
                """
                CREATE TABLE records_keys (
                    name TEXT PRIMARY KEY,
                    key BLOB NOT NULL CHECK (length(key) = 16)
                ) WITHOUT ROWID;
                CREATE TABLE requests_v4 (
                    seq INTEGER PRIMARY KEY,
                    legacy_id TEXT CHECK (legacy_id IS NULL OR length(legacy_id) = 32),
                    owner_id TEXT NOT NULL,
                    subject_id TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('criminal-record', 'health-certificate', 'health-book-extract')),
                    form INTEGER CHECK (form IN (1, 2)),
                    department_id TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('submitted', 'in_review', 'needs_info', 'approved',
                        'issued', 'rejected', 'cancelled', 'revoked')),
                    assignee_id TEXT,
                    received_on TEXT NOT NULL,
                    working_days INTEGER NOT NULL,
                    due_date TEXT NOT NULL,
                    fee_vnd INTEGER NOT NULL CHECK (fee_vnd >= 0),
                    fee_category TEXT NOT NULL,
                    findings TEXT,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    version INTEGER NOT NULL DEFAULT 1,
                    subject_identity TEXT,
                    approver_name TEXT,
                    history TEXT NOT NULL CHECK (json_valid(history) AND json_type(history) = 'array'),
                    submission TEXT NOT NULL
                );
                INSERT INTO requests_v4 (seq, legacy_id, owner_id, subject_id, kind, form, department_id, state,
                    assignee_id, received_on, working_days, due_date, fee_vnd, fee_category, findings, created_at,
                    updated_at, version, subject_identity, approver_name, history, submission)
                SELECT seq, id, owner_id, subject_id, kind, form, department_id, state, assignee_id, received_on,
                    working_days, due_date, fee_vnd, fee_category, findings, created_at, updated_at, version,
                    subject_identity, approver_name,
                    (SELECT json_group_array(audit_sequence) FROM
                        (SELECT audit_sequence FROM request_events e WHERE e.request_seq = r.seq ORDER BY e.number)),
                    submission
                FROM requests r;
                DROP TABLE request_events;
                DROP TABLE requests;
                ALTER TABLE requests_v4 RENAME TO requests;
                CREATE UNIQUE INDEX requests_legacy_id ON requests (legacy_id) WHERE legacy_id IS NOT NULL;
                CREATE INDEX requests_queue ON requests (department_id, state, due_date, seq, kind);
                CREATE INDEX requests_owner ON requests (owner_id, created_at, seq, kind, form, state, subject_id);
                CREATE INDEX requests_open_criminal_for_others ON requests (subject_id, form)
                    WHERE kind = 'criminal-record' AND owner_id <> subject_id
                    AND state IN ('submitted', 'in_review', 'needs_info', 'approved');
                CREATE INDEX requests_approved ON requests (state, updated_at) WHERE state = 'approved';
                """)
            try connection.execute(
                "INSERT INTO records_keys (name, key) VALUES (?, ?)",
                [.text(RequestIDs.keyName), .blob(SecureRandom.bytes(BlockPermutation.keyLength))])
        },
        Migration(
            "revocation reason codes: the public reason of a revocation, from a fixed list, beside the internal "
                + "grounds",
            statements: [
                // NULL for documents revoked before: they read as `unspecified`, never as a reason nobody gave.
                """
                ALTER TABLE documents ADD COLUMN revocation_code TEXT
                    CHECK (revocation_code IS NULL OR revocation_code IN
                    ('issued-in-error', 'superseded', 'holder-request', 'key-compromise', 'cessation-of-operation'))
                """
            ]),
        Migration(
            "names and complexity: the officer's name beside each step and on the claimed request; "
                + "an officer's Art. 48 complexity",
            statements: [
                // The name the staff token gave when the officer took the step (the audit entry keeps the staff id).
                "CREATE TABLE audit_actor_names (sequence INTEGER PRIMARY KEY REFERENCES audit_log (sequence), name "
                    + "TEXT NOT NULL)",
                // The claiming officer's name, cleared with `assignee_id`; NULL for requests claimed before.
                "ALTER TABLE requests ADD COLUMN assignee_name TEXT",
                // NULL: the complexity derived from the submission applies; else the reasons an officer set (`""`
                // none),
                // recorded with their reason by a `set-complexity` audit entry.
                "ALTER TABLE requests ADD COLUMN complexity_override TEXT",
            ]),
        Migration(
            "earlier certificates of a person: issued requests by subject, for the officer's review of contradictions",
            statements: [
                // Partial: only requests with a document enter it, so submissions and queue moves never touch it.
                "CREATE INDEX requests_subject_issued ON requests (subject_id, kind) WHERE state IN ('issued', "
                    + "'revoked')"
            ]),
        certificateRevocations,
        Migration(
            "document versions and the approving officer: every published file's SHA-256, the officer who signs",
            statements: [
                // Version 1 is the file as issued; each archive renewal (a new document timestamp) adds one.
                """
                CREATE TABLE document_versions (
                    document_seq INTEGER NOT NULL REFERENCES documents (seq),
                    version INTEGER NOT NULL CHECK (version >= 1),
                    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
                    reason TEXT NOT NULL CHECK (reason IN ('issued', 'archive-renewal')),
                    created_at INTEGER NOT NULL,
                    -- When the TSA certificate of the version's last document timestamp expires (NULL: none).
                    timestamp_expires_at INTEGER,
                    PRIMARY KEY (document_seq, version)
                ) WITHOUT ROWID
                """,
                """
                INSERT INTO document_versions (document_seq, version, sha256, reason, created_at)
                    SELECT seq, 1, pdf_sha256, 'issued', issued_at FROM documents
                """,
                // The approving officer's staff subject (their certificate is issued for it) and the title printed
                // under their name; NULL for approvals recorded before (the assignee and the department's formula).
                "ALTER TABLE requests ADD COLUMN approver_id TEXT",
                "ALTER TABLE requests ADD COLUMN approver_title TEXT",
            ]),
        keyCompromise,
    ]

    /// The triggers that make `audit_log` append-only; ``AuditVerifier`` reports any that are missing.
    package static let auditTriggers = ["audit_log_no_update", "audit_log_no_delete"]
}
