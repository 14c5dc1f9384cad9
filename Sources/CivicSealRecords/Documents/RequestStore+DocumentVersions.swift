import CivicSealCrypto
import CivicSealStorage
import CivicSealWorkflow
import Foundation

/// Every file the service published for a document: version 1 as issued, then one per archive renewal (a DSS update
/// and a new document timestamp appended to the previous file). Any of them verifies as the registered document;
/// downloads serve the latest.
extension RequestStore {
    /// One published file of a document.
    package struct DocumentVersion: Sendable, Hashable {
        package let version: Int
        /// Lowercase hex SHA-256 of the file.
        package let sha256: String
        /// `issued` or `archive-renewal`.
        package let reason: String
        package let createdAt: Date
        /// When the TSA certificate of the file's last document timestamp expires; nil without one.
        package let timestampExpiresAt: Date?
    }

    /// A document whose latest file needs a new document timestamp (``documentsDueForArchiveRenewal``).
    package struct ArchiveCandidate: Sendable, Hashable {
        package let documentID: String
        package let version: Int
        package let sha256: String
        package let timestampExpiresAt: Date
    }

    /// The versions of `documentID`, oldest first (empty for an unknown id).
    package func documentVersions(id documentID: String) throws(RecordsError) -> [DocumentVersion] {
        guard DocumentID.isValid(documentID) else { return [] }
        return try read { connection in
            var versions: [DocumentVersion] = []
            try connection.forEachRow(
                """
                SELECT v.version, v.sha256, v.reason, v.created_at, v.timestamp_expires_at
                FROM document_versions v JOIN documents d ON d.seq = v.document_seq WHERE d.id = ? ORDER BY v.version
                """, [.text(documentID)]
            ) { statement in
                versions.append(
                    DocumentVersion(
                        version: Int(statement.int64(at: 0)), sha256: statement.string(at: 1) ?? "",
                        reason: statement.string(at: 2) ?? "",
                        createdAt: RequestRow.date(milliseconds: statement.int64(at: 3)),
                        timestampExpiresAt: statement.isNull(at: 4)
                            ? nil : RequestRow.date(milliseconds: statement.int64(at: 4))))
            }
            return versions
        }
    }

    /// The SHA-256 of every published file of `documentID`, oldest first, as raw bytes.
    package func documentVersionSHA256s(id documentID: String) throws(RecordsError) -> [[UInt8]] {
        try documentVersions(id: documentID).compactMap { Hex.decode($0.sha256) }
    }

    /// Documents (valid or revoked: a revoked document must still prove what it was) whose LATEST version's document
    /// timestamp comes from a TSA certificate that expires before `deadline`, in document order after `cursor` (the
    /// internal row number; 0 to start). Returns the candidates and the cursor to continue from.
    package func documentsDueForArchiveRenewal(before deadline: Date, after cursor: Int64 = 0, limit: Int = 100)
        throws(RecordsError) -> (candidates: [ArchiveCandidate], cursor: Int64)
    {
        try read { connection in
            var found: [ArchiveCandidate] = []
            var last = cursor
            try connection.forEachRow(
                """
                SELECT d.seq, d.id, v.version, v.sha256, v.timestamp_expires_at
                FROM documents d JOIN document_versions v ON v.document_seq = d.seq
                WHERE d.seq > ? AND v.version = (SELECT max(version) FROM document_versions WHERE document_seq = d.seq)
                    AND v.timestamp_expires_at IS NOT NULL AND v.timestamp_expires_at < ?
                ORDER BY d.seq LIMIT ?
                """,
                [.integer(cursor), .integer(RequestRow.milliseconds(deadline)), .integer(Int64(max(1, limit)))]
            ) { statement in
                last = statement.int64(at: 0)
                found.append(
                    ArchiveCandidate(
                        documentID: statement.string(at: 1) ?? "", version: Int(statement.int64(at: 2)),
                        sha256: statement.string(at: 3) ?? "",
                        timestampExpiresAt: RequestRow.date(milliseconds: statement.int64(at: 4))))
            }
            return (found, last)
        }
    }

    /// The latest published file of `documentID` and its version number.
    package func latestDocumentVersion(id documentID: String) throws(RecordsError) -> (version: Int, pdf: [UInt8])? {
        guard DocumentID.isValid(documentID) else { return nil }
        return try read { connection in
            guard
                let row = try connection.queryFirst(
                    """
                    SELECT (SELECT max(version) FROM document_versions WHERE document_seq = d.seq), d.pdf
                    FROM documents d WHERE d.id = ?
                    """, [.text(documentID)]),
                let version = row[0].int64, let pdf = row[1].bytes
            else { return nil }
            return (Int(version), pdf)
        }
    }

    /// Publishes `pdf` as the next version of `documentID` (an archive renewal: the previous file with a DSS update
    /// and a new document timestamp appended), with an `archive-renewal` audit entry, in one transaction. Refused
    /// with ``RecordsError/Code/concurrentModification`` unless the latest version is still `previousVersion` (a
    /// second renewer, or a retry after a crash that already committed, changes nothing: idempotent).
    @discardableResult
    package func publishArchiveRenewal(
        id documentID: String, previousVersion: Int, pdf: [UInt8], timestampExpiresAt: Date?, now: Date
    ) throws(RecordsError) -> Int {
        guard DocumentID.isValid(documentID) else { throw RecordsError.notFound }
        let milliseconds = RequestRow.milliseconds(now)
        let sha256 = Hex.encode(Digest.sha256(pdf))
        let ids = ids
        return try write { connection in
            guard
                let row = try connection.queryFirst(
                    """
                    SELECT d.seq, coalesce(r.legacy_id, CAST(r.seq AS TEXT)),
                        (SELECT max(version) FROM document_versions WHERE document_seq = d.seq)
                    FROM documents d JOIN requests r ON r.seq = d.request_seq WHERE d.id = ?
                    """, [.text(documentID)]),
                let seq = row[0].int64, let latest = row[2].int64
            else { throw RecordsError.notFound }
            guard latest == Int64(previousVersion) else {
                throw RecordsError(
                    .concurrentModification, "document \(documentID) is at version \(latest), not \(previousVersion)")
            }
            let requestID: String =
                if let legacy = row[1].string { legacy } else { ids.publicID(seq: row[1].int64 ?? 0) }
            let next = latest + 1
            _ = try AuditLog.append(
                in: connection, recordedAtMilliseconds: milliseconds, actorID: "archive",
                actorRole: ParticipantRole.system.rawValue, action: "archive-renewal", requestID: requestID,
                fromState: nil, toState: nil, reason: "document \(documentID) version \(next) sha256 \(sha256)")
            try connection.execute(
                """
                INSERT INTO document_versions (document_seq, version, sha256, reason, created_at, timestamp_expires_at)
                VALUES (?, ?, ?, 'archive-renewal', ?, ?)
                """,
                [
                    .integer(seq), .integer(next), .text(sha256), .integer(milliseconds),
                    timestampExpiresAt.map { .integer(RequestRow.milliseconds($0)) } ?? .null,
                ])
            try connection.execute("UPDATE documents SET pdf = ? WHERE seq = ?", [.blob(pdf), .integer(seq)])
            return Int(next)
        }
    }
}
