/// The exact bytes an audit entry's SHA-256 covers: unambiguous, so no two different entries share an encoding.
///
/// ```
/// encoding = "civicseal-audit-v1" 0x00
///            field(sequence) field(recordedAt) field(actorID) field(actorRole) field(action)
///            field(requestID) field(fromState) field(toState) field(reason) field(previousHash)
/// field(absent)  = 0x00
/// field(present) = 0x01 || uint32 big-endian byte length || UTF-8 bytes
/// ```
///
/// Integers (`sequence`, `recordedAt` in milliseconds since 1970 UTC) are written as ASCII decimal without
/// leading zeros; text as stored (already NFC); `previousHash` as 64 lowercase hex digits. The length prefix
/// makes field boundaries explicit (`"ab","c"` ≠ `"a","bc"`), and the presence byte tells an absent reason from an
/// empty one. The version tag changes if the field list ever does.
package enum AuditCanonicalEncoding {
    package static let tag = "civicseal-audit-v1"

    package static func encode(_ entry: AuditEntry) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        bytes.append(contentsOf: tag.utf8)
        bytes.append(0)
        func field(_ text: String?) {
            guard let text else {
                bytes.append(0)
                return
            }
            bytes.append(1)
            let utf8 = Array(text.utf8)
            let length = UInt32(truncatingIfNeeded: utf8.count)
            bytes.append(UInt8(truncatingIfNeeded: length >> 24))
            bytes.append(UInt8(truncatingIfNeeded: length >> 16))
            bytes.append(UInt8(truncatingIfNeeded: length >> 8))
            bytes.append(UInt8(truncatingIfNeeded: length))
            bytes.append(contentsOf: utf8)
        }
        field(String(entry.sequence))
        field(String(entry.recordedAtMilliseconds))
        field(entry.actorID)
        field(entry.actorRole)
        field(entry.action)
        field(entry.requestID)
        field(entry.fromState)
        field(entry.toState)
        field(entry.reason)
        field(entry.previousHash)
        return bytes
    }
}
