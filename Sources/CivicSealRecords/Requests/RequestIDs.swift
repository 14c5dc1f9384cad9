import CivicSealCrypto
import CivicSealStorage

/// Public request ids, derived from the row number instead of drawn at random and indexed.
///
/// A request's public id is the AES-128 image (``CivicSealCrypto/BlockPermutation``), under a key kept in the
/// database (`records_keys`, made by migration 4 from OpenSSL's DRBG), of the 16-byte block
/// `"csreq-v1" ‖ seq as 8 bytes big-endian`, written as 32 lowercase hex digits: the same shape as the random ids
/// before it. Without the key, ids are as unguessable as random ones and say nothing about how many requests
/// exist or in what order they came; with it, an id maps back to its row without any index. A random 32-hex
/// string inverts to a block without the tag except with probability 2⁻⁶⁴, and is then looked up among the ids
/// issued before migration 4 (`legacy_id`), which keep working.
///
/// Rows are never deleted, so a row number, and hence an id, is never reused.
struct RequestIDs: Sendable {
    static let tag = Array("csreq-v1".utf8)
    /// The `records_keys` row holding the key.
    static let keyName = "request-id"

    let permutation: BlockPermutation

    init(key: [UInt8]) throws(RecordsError) {
        do {
            permutation = try BlockPermutation(key: key)
        } catch {
            throw RecordsError(.storage, "the stored request-id key is not \(BlockPermutation.keyLength) bytes")
        }
    }

    /// Reads the key from the database.
    init(_ connection: any SQLSession) throws {
        guard
            let key = try connection.scalar("SELECT key FROM records_keys WHERE name = ?", [.text(Self.keyName)]).bytes
        else { throw RecordsError(.storage, "the database has no request-id key (records_keys)") }
        try self.init(key: key)
    }

    /// The public id of the row `seq`.
    func publicID(seq: Int64) -> String {
        var block = Self.tag
        withUnsafeBytes(of: UInt64(bitPattern: seq).bigEndian) { block.append(contentsOf: $0) }
        return Hex.encode(permutation.apply(block))
    }

    /// The row number behind an id made by ``publicID(seq:)``; nil for anything else (ids issued before
    /// migration 4, forgeries, malformed text).
    func seq(_ publicID: String) -> Int64? {
        guard RequestStore.isRequestID(publicID), let bytes = Hex.decode(publicID) else { return nil }
        let block = permutation.invert(bytes)
        guard block[0..<8].elementsEqual(Self.tag) else { return nil }
        let seq = block[8..<16].reduce(Int64(0)) { $0 << 8 | Int64($1) }
        return seq > 0 ? seq : nil
    }

    /// The row of `publicID` in `connection`, derived or legacy; nil when no request has that id.
    func resolve(_ publicID: String, in connection: any SQLSession) throws -> Int64? {
        guard RequestStore.isRequestID(publicID) else { return nil }
        if let seq = seq(publicID) { return seq }
        return try connection.scalar(
            "SELECT seq FROM requests WHERE legacy_id = ?", [.text(publicID)]
        ).int64
    }

    /// The public id of the request on `statement`'s row whose id column (``RequestRow/idColumn``) is at `column`:
    /// the legacy id if the row has one (32 hex digits), else derived from its row number (decimal text: the column
    /// is text on every backend, since PostgreSQL's `coalesce` takes one type).
    func publicID(_ statement: any SQLCursor, at column: Int) -> String {
        guard let text = statement.string(at: column) else { return publicID(seq: statement.int64(at: column)) }
        if text.utf8.count == 32 { return text }
        return publicID(seq: Int64(text) ?? 0)
    }
}
