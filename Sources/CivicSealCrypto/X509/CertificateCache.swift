import Synchronization

/// Parsed certificates by their exact DER, so that verifying many documents sealed by the same
/// department parses its certificate once (OpenSSL 3 decoders are slow and contend across threads).
final class CertificateCache: Sendable {
    static let shared = CertificateCache(capacity: 4096)

    private let capacity: Int
    private let entries = Mutex<[[UInt8]: Certificate]>([:])

    init(capacity: Int) { self.capacity = capacity }

    /// The parsed certificate for `der`, from the cache or parsed now and remembered.
    func certificate(der: ArraySlice<UInt8>) throws(CryptoError) -> Certificate {
        let key = Array(der)
        if let hit = entries.withLock({ $0[key] }) { return hit }
        let parsed = try Certificate(der: key)
        entries.withLock { cache in
            if cache.count >= capacity, let victim = cache.keys.first { cache[victim] = nil }
            cache[key] = parsed
        }
        return parsed
    }
}
