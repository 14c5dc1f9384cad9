import CivicSealWorkflow
import Foundation

/// The keyset position after which a queue page continues: the last item's due date and public id (the store
/// resolves the id to the row number the queue is ordered by, so the cursor reveals no row number).
///
/// Opaque to clients: base64url (no padding) of `q1|<YYYY-MM-DD>|<32 hex id>`. Because the next page starts
/// strictly after this key in the index order, rows inserted meanwhile never duplicate or push out rows already
/// in the queue; new rows appear only where their key sorts.
struct QueueCursor: Hashable {
    let dueDate: CalendarDate
    let id: String

    var encoded: String {
        // base64url by hand: Foundation's replacingOccurrences showed up in queue-page profiles.
        let base64 = Data("q1|\(dueDate)|\(id)".utf8).base64EncodedString()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(base64.utf8.count)
        for byte in base64.utf8 {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: "-"))
            case UInt8(ascii: "/"): bytes.append(UInt8(ascii: "_"))
            case UInt8(ascii: "="): continue
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    init(dueDate: CalendarDate, id: String) {
        self.dueDate = dueDate
        self.id = id
    }

    /// Parses a cursor made by ``encoded``; anything else is ``RecordsError/Code/invalidCursor``.
    init(_ text: String) throws(RecordsError) {
        let invalid = RecordsError(.invalidCursor, "the cursor was not issued by this queue")
        guard text.utf8.count <= 128,
            text.utf8.allSatisfy({ byte in
                (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
                    || byte == UInt8(ascii: "_")
            })
        else { throw invalid }
        var bytes = text.utf8.map { byte in
            byte == UInt8(ascii: "-") ? UInt8(ascii: "+") : byte == UInt8(ascii: "_") ? UInt8(ascii: "/") : byte
        }
        while bytes.count % 4 != 0 { bytes.append(UInt8(ascii: "=")) }
        guard let data = Data(base64Encoded: Data(bytes)), let plain = String(data: data, encoding: .utf8) else {
            throw invalid
        }
        let parts = plain.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "q1", let date = CalendarDate(String(parts[1])),
            RequestStore.isRequestID(String(parts[2]))
        else { throw invalid }
        self.dueDate = date
        self.id = String(parts[2])
    }
}
