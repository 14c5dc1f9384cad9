import CivicSealStorage
import CivicSealWorkflow
import Foundation

extension RequestStore {
    /// Records one entry in a person's health book, by a clinician of a health facility (their `departmentID`, audited
    /// with the `clinician` role); the system may import. The entry is validated
    /// (``CivicSealWorkflow/HealthBookEntry/issues(at:)``)
    /// and its audit entry (`health-book.record`, no reason, no clinical content) is written in the same transaction.
    /// Returns the entry's number.
    @discardableResult
    package func recordHealthEntry(
        _ entry: HealthBookEntry, for personalID: PersonalIDNumber, by clinician: Participant, now: Date
    ) async throws(RecordsError) -> Int64 {
        guard clinician.role == .clinician || clinician.role == .system else {
            throw RecordsError(.forbidden, "only health facilities record health-book entries")
        }
        let issues = entry.issues(at: "entry", today: today(now))
        guard issues.isEmpty else {
            throw RecordsError(.invalidInput, "the health-book entry is invalid", issues: issues)
        }
        let json: String
        do { json = String(decoding: try WorkflowJSON.encode(entry), as: UTF8.self) } catch {
            throw RecordsError(.invalidInput, "the health-book entry does not encode as JSON")
        }
        let milliseconds = RequestRow.milliseconds(now)
        return try await write { connection in
            let audit = try AuditLog.append(
                in: connection, recordedAtMilliseconds: milliseconds, actorID: clinician.id,
                actorRole: clinician.role.rawValue, action: "health-book.record", requestID: nil, fromState: nil,
                toState: nil, reason: nil)
            return try connection.scalar(
                """
                INSERT INTO health_book_entries (personal_id, section, entry_date, recorded_by, recorded_at,
                    audit_sequence, entry) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING seq
                """,
                [
                    .text(personalID.digits), .text(entry.section.rawValue), .text(entry.date.description),
                    .text(clinician.id), .integer(milliseconds), .integer(audit.sequence), .text(json),
                ]
            ).int64 ?? 0
        }
    }

    /// A person's health book, entries by date then recording order. The citizen reads their own; the system
    /// reads any (to issue an extract). Officers and other citizens get ``RecordsError/Code/notFound``: facilities
    /// do not pull a health book without the person.
    package func healthBook(for personalID: PersonalIDNumber, by actor: Participant) async throws(RecordsError)
        -> HealthBook
    {
        switch actor.role {
        case .citizen where actor.id == personalID.digits, .system: break
        default: throw RecordsError.notFound
        }
        return try await read { connection in
            var entries: [HealthBookEntry] = []
            try connection.forEachRow(
                "SELECT entry FROM health_book_entries WHERE personal_id = ? ORDER BY entry_date, seq",
                [.text(personalID.digits)]
            ) { statement in
                guard let json = statement.string(at: 0) else { throw RequestRow.corrupt }
                entries.append(try WorkflowJSON.decodeStored(HealthBookEntry.self, from: Array(json.utf8)))
            }
            return HealthBook(personalId: personalID, entries: entries)
        }
    }
}

extension RequestStore {
    /// Blocking read of a person's health book for the issuer (the system role; see ``healthBook(for:by:)``).
    package func healthBookForIssuance(_ personalID: PersonalIDNumber) throws(RecordsError) -> HealthBook {
        try read { connection in
            var entries: [HealthBookEntry] = []
            try connection.forEachRow(
                "SELECT entry FROM health_book_entries WHERE personal_id = ? ORDER BY entry_date, seq",
                [.text(personalID.digits)]
            ) { statement in
                guard let json = statement.string(at: 0) else { throw RequestRow.corrupt }
                entries.append(try WorkflowJSON.decodeStored(HealthBookEntry.self, from: Array(json.utf8)))
            }
            return HealthBook(personalId: personalID, entries: entries)
        }
    }
}
