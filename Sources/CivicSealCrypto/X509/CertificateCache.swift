import Synchronization

/// Parsed certificates by their exact DER, so that verifying many documents sealed by the same department parses
/// its certificate once (OpenSSL 3 decoders are slow and contend across threads).
///
/// Only certificates the process has reason to trust are remembered: trust anchors (when a ``ChainValidator`` is made)
/// and the certificates of a chain that validated to one — the configured seals among them, the first time a
/// document they sealed verifies.
/// A certificate read from an untrusted upload is looked up but never inserted, so it is freed with its request.
/// The cache is bounded in entries and in DER bytes; when full it refuses new entries instead of evicting, so
/// nothing from outside can push a trusted entry out.
final class CertificateCache: Sendable {
    static let shared = CertificateCache(maximumEntries: 1024, maximumBytes: 4 * 1024 * 1024)

    /// How full the cache is.
    struct Statistics: Sendable, Equatable {
        var entries: Int
        var bytes: Int
    }

    let maximumEntries: Int
    let maximumBytes: Int
    private let state = Mutex<(entries: [[UInt8]: Certificate], bytes: Int)>(([:], 0))

    init(maximumEntries: Int, maximumBytes: Int) {
        self.maximumEntries = maximumEntries
        self.maximumBytes = maximumBytes
    }

    /// The cached certificate for `der`, else `der` parsed now and *not* remembered (it may come from anyone).
    func certificate(der: ArraySlice<UInt8>) throws(CryptoError) -> Certificate {
        let key = Array(der)
        if let hit = state.withLock({ $0.entries[key] }) { return hit }
        return try Certificate(der: key)
    }

    /// Remembers a trusted certificate while there is room; returns whether it is cached now.
    @discardableResult
    func remember(_ certificate: Certificate) -> Bool {
        state.withLock { state in
            if state.entries[certificate.der] != nil { return true }
            guard state.entries.count < maximumEntries, state.bytes + certificate.der.count <= maximumBytes else {
                return false
            }
            state.entries[certificate.der] = certificate
            state.bytes += certificate.der.count
            return true
        }
    }

    /// Whether `der` is cached.
    func contains(der: [UInt8]) -> Bool { state.withLock { $0.entries[der] != nil } }

    var statistics: Statistics { state.withLock { Statistics(entries: $0.entries.count, bytes: $0.bytes) } }
}

extension Certificate {
    /// `der` as a certificate: the cached one when the process already trusts it (parsed once), else parsed now
    /// and not remembered. For certificates read from files that name known ones many times over (a DSS names
    /// the same officer, seal, TSA and CA certificates in every document a service issued).
    package static func known(der: [UInt8]) throws(CryptoError) -> Certificate {
        try CertificateCache.shared.certificate(der: der[...])
    }
}
