import CivicSealStorage
import CivicSealWorkflow
import Foundation

extension RequestStore {
    /// The health book of `personalID` as it stood at `instant`: only the entries recorded at or before it. A
    /// re-issue after a seal key compromise states what the original extract stated, not entries recorded since.
    package func healthBookForIssuance(_ personalID: PersonalIDNumber, recordedBy instant: Date)
        throws(RecordsError) -> HealthBook
    {
        try read { connection in
            var entries: [HealthBookEntry] = []
            try connection.forEachRow(
                """
                SELECT entry FROM health_book_entries WHERE personal_id = ? AND recorded_at <= ?
                ORDER BY entry_date, seq
                """,
                [.text(personalID.digits), .integer(RequestRow.milliseconds(instant))]
            ) { statement in
                guard let json = statement.string(at: 0) else { throw RequestRow.corrupt }
                entries.append(try WorkflowJSON.decodeStored(HealthBookEntry.self, from: Array(json.utf8)))
            }
            return HealthBook(personalId: personalID, entries: entries)
        }
    }
}
