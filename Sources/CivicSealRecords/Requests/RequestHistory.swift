import CivicSealStorage
import CivicSealWorkflow

/// A request's history as stored in its row (`requests.history`, migration 4): the JSON array of the sequences of
/// the audit entries written for it, oldest first. The events themselves are read from those entries, so the
/// history cannot say anything the tamper-evident trail does not.
enum RequestHistory {
    /// `[12,57,90]`: plain decimal integers, no spaces (what SQLite's `json_group_array` also writes).
    static func encode(_ sequences: [Int64]) -> String {
        "[" + sequences.map(String.init).joined(separator: ",") + "]"
    }

    /// The sequences in `json`, ascending; nil unless it is an array of positive integers written by ``encode(_:)``
    /// or by migration 4.
    static func decode(_ json: String) -> [Int64]? {
        let bytes = json.utf8
        guard bytes.first == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]") else { return nil }
        let inner = json.utf8.dropFirst().dropLast()
        if inner.allSatisfy({ $0 == UInt8(ascii: " ") }) { return [] }
        var sequences: [Int64] = []
        for part in inner.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            let digits = part.filter { $0 != UInt8(ascii: " ") }
            guard (1...18).contains(digits.count), digits.allSatisfy({ (0x30...0x39).contains($0) }),
                let value = Int64(String(decoding: digits, as: UTF8.self)), value > 0
            else { return nil }
            sequences.append(value)
        }
        return sequences.sorted()
    }

    /// The history after appending `sequence` (an entry newer than every one already listed).
    static func appending(_ sequence: Int64, to json: String) throws -> String {
        guard let sequences = decode(json) else { throw RequestRow.corrupt }
        return encode(sequences + [sequence])
    }

    /// The events of a request whose `history` column is `json`, oldest first, each read from its audit entry.
    static func events(_ json: String, in connection: any SQLSession) throws -> [RequestHistoryEvent] {
        guard let sequences = decode(json) else { throw RequestRow.corrupt }
        let statement = try connection.statement(
            """
            SELECT a.recorded_at, a.action, a.from_state, a.to_state, a.actor_role, a.actor_id, a.reason, n.name
            FROM audit_log a LEFT JOIN audit_actor_names n ON n.sequence = a.sequence
            WHERE a.sequence = ?
            """)
        var events: [RequestHistoryEvent] = []
        events.reserveCapacity(sequences.count)
        for (index, sequence) in sequences.enumerated() {
            defer { statement.reset() }
            try statement.bind([.integer(sequence)])
            guard try statement.step(), let to = statement.string(at: 3).flatMap(RequestState.init(rawValue:)),
                let role = statement.string(at: 4).flatMap(ParticipantRole.init(rawValue:))
            else {
                // The row names an audit entry that is gone or is not a state change: the trail was damaged.
                throw RecordsError(
                    .storage, "request history names audit entry \(sequence), which is missing or malformed")
            }
            events.append(
                RequestHistoryEvent(
                    number: index + 1, occurredAt: RequestRow.date(milliseconds: statement.int64(at: 0)),
                    action: statement.string(at: 1) ?? "",
                    fromState: statement.string(at: 2).flatMap(RequestState.init(rawValue:)), toState: to,
                    actorRole: role, actorID: statement.string(at: 5) ?? "", reason: statement.string(at: 6),
                    auditSequence: sequence, actorName: statement.string(at: 7)))
        }
        return events
    }
}
