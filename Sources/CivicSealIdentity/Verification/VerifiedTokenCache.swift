import CivicSealCrypto
import Foundation
import Synchronization

/// Verified tokens by the SHA-256 of their bytes, so a client's repeated requests skip signature checks.
///
/// - Bounded: at most ``capacity`` entries; a full cache evicts the oldest insertion (FIFO).
/// - Honours time: an entry carries the window in which its token was valid (`nbf`/`iat` − leeway up to
///   the earlier of `exp` + leeway and `iat` + maximum age) and is never used outside it.
/// - Honours configuration: entries belong to a configuration generation; when the trusted issuers change,
///   the generation moves on and older entries are never used again.
/// - Only successes are stored; a failure is recomputed every time (it is cheap to refuse, and caching a
///   refusal would let one bad request shadow a later good one).
/// - Stores the digest, never the token, so a heap dump does not hand out bearer credentials.
package final class VerifiedTokenCache: Sendable {
    /// SHA-256 of a token, as four words (cheap to hash and compare).
    struct Key: Hashable, Sendable {
        let a: UInt64, b: UInt64, c: UInt64, d: UInt64

        init(token: some StringProtocol) {
            var text = String(token)
            let digest = text.withUTF8 { Digest.sha256(UnsafeRawBufferPointer($0)) }
            func word(_ offset: Int) -> UInt64 {
                digest[offset..<(offset + 8)].reduce(0) { $0 << 8 | UInt64($1) }
            }
            a = word(0)
            b = word(8)
            c = word(16)
            d = word(24)
        }
    }

    struct Entry: Sendable {
        let principal: Principal
        /// First instant at which the token is acceptable.
        let validFrom: Date
        /// First instant at which it no longer is.
        let validUntil: Date
        let generation: UInt64
        let sequence: UInt64
    }

    struct State: Sendable {
        var entries: [Key: Entry] = [:]
        /// Insertion order for eviction; may hold stale pairs (replaced or dropped keys) until compacted.
        var order: [(key: Key, sequence: UInt64)] = []
        var head = 0
        var nextSequence: UInt64 = 0
        var hits = 0
        var misses = 0
    }

    package let capacity: Int
    private let state = Mutex(State())

    package init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// The principal cached for `key` under `generation` when `now` falls in its window.
    func lookup(_ key: Key, generation: UInt64, now: Date) -> Principal? {
        guard capacity > 0 else { return nil }
        return state.withLock { state in
            guard let entry = state.entries[key] else {
                state.misses += 1
                return nil
            }
            if entry.generation != generation || now >= entry.validUntil {
                state.entries[key] = nil
                state.misses += 1
                return nil
            }
            guard now >= entry.validFrom else {
                state.misses += 1
                return nil
            }
            state.hits += 1
            return entry.principal
        }
    }

    /// Stores a successful verification.
    func insert(_ key: Key, principal: Principal, validFrom: Date, validUntil: Date, generation: UInt64) {
        guard capacity > 0, validFrom < validUntil else { return }
        state.withLock { state in
            let sequence = state.nextSequence
            state.nextSequence += 1
            if state.entries[key] == nil {
                while state.entries.count >= capacity, state.head < state.order.count {
                    let oldest = state.order[state.head]
                    state.head += 1
                    if state.entries[oldest.key]?.sequence == oldest.sequence { state.entries[oldest.key] = nil }
                }
            }
            state.entries[key] = Entry(
                principal: principal, validFrom: validFrom, validUntil: validUntil, generation: generation,
                sequence: sequence)
            state.order.append((key, sequence))
            Self.compact(&state, capacity: capacity)
        }
    }

    /// Keeps the eviction queue proportional to the live entries.
    private static func compact(_ state: inout State, capacity: Int) {
        if state.head > 1024, state.head * 2 > state.order.count {
            state.order.removeFirst(state.head)
            state.head = 0
        }
        if state.order.count - state.head > 2 * capacity + 64 {
            state.order = state.entries.map { ($0.key, $0.value.sequence) }.sorted { $0.sequence < $1.sequence }
            state.head = 0
        }
    }

    /// Drops every entry (e.g. when the trusted issuers change).
    package func removeAll() {
        state.withLock { state in
            state.entries.removeAll()
            state.order.removeAll()
            state.head = 0
        }
    }

    /// Entries currently held (some may be past their window until looked up or evicted).
    package var count: Int { state.withLock { $0.entries.count } }

    /// Lookups answered from the cache, and lookups that were not, since creation.
    package var statistics: (hits: Int, misses: Int) { state.withLock { ($0.hits, $0.misses) } }
}
