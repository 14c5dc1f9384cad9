import CivicSealCrypto
import Foundation
import Synchronization

/// An issuer's verification keys: a fixed JWK set (air-gapped set-ups), or one fetched from the provider's
/// `jwks_uri` and kept fresh.
///
/// For fetched keys:
/// - the set is cached as long as the provider's `Cache-Control: max-age` says, clamped to
///   ``IssuerKeysPolicy/minimumLifetime``…``IssuerKeysPolicy/maximumLifetime`` (no header: the default lifetime);
/// - a token naming an unknown `kid` may trigger a refresh, but at most one per
///   ``IssuerKeysPolicy/unknownKeyRefreshInterval``, so a flood of invented `kid`s cannot make CivicSeal
///   hammer the provider (the provider's key rotation is still picked up without a restart);
/// - refreshes are single-flight: concurrent callers share one fetch;
/// - a failed refresh keeps the previous keys (and is retried no sooner than the refresh interval).
///
/// ``generation`` moves on whenever the set changes, so a verified-token cache never serves a token whose key
/// was dropped.
package final class IssuerKeys: Sendable {
    /// What a fetch returns: the parsed set and the lifetime the provider allows (`max-age`), if it said.
    package struct Fetched: Sendable {
        package let keySet: JSONWebKeySet
        package let maximumAge: Double?

        package init(keySet: JSONWebKeySet, maximumAge: Double?) {
            self.keySet = keySet
            self.maximumAge = maximumAge
        }
    }

    /// Fetches the current JWK set (over the network); a thrown error keeps the previous keys.
    package typealias Fetch = @Sendable () async throws -> Fetched

    struct State: Sendable {
        var keySet: JSONWebKeySet
        var fingerprint: String
        var generation: UInt64 = 0
        /// When the cached set stops being fresh (nil: never fetched, or fixed).
        var expiresAt: Date?
        /// When the last fetch started (successful or not): the back-off after a failure.
        var lastAttempt: Date?
        /// When the last fetch for an unknown `kid` started: at most one per refresh interval.
        var lastUnknownKeyRefresh: Date?
        var lastFailure: Date?
        var fetches = 0
        var failures = 0
        var fetch: Fetch?
        var inFlight: Task<Void, Never>?
    }

    /// True when the keys come from the configuration file and never change.
    package let isFixed: Bool
    package let policy: IssuerKeysPolicy
    private let clock: @Sendable () -> Date
    private let state: Mutex<State>

    /// A fixed set (the `jwks` file of the configuration).
    package init(fixed keySet: JSONWebKeySet) {
        isFixed = true
        policy = IssuerKeysPolicy()
        clock = { Date() }
        state = Mutex(State(keySet: keySet, fingerprint: keySet.json()))
    }

    /// Keys fetched with `fetch`, or, when `fetch` is nil, once ``connect(_:)`` gives one (until then the set
    /// is empty and every token is refused with an unknown `kid`).
    package init(
        policy: IssuerKeysPolicy = IssuerKeysPolicy(), clock: @escaping @Sendable () -> Date = { Date() },
        fetch: Fetch? = nil
    ) {
        isFixed = false
        self.policy = policy
        self.clock = clock
        let empty = JSONWebKeySet(keys: [])
        state = Mutex(State(keySet: empty, fingerprint: empty.json(), fetch: fetch))
    }

    /// Gives a dynamic source its fetcher (the relying party connects discovery and `jwks_uri`).
    package func connect(_ fetch: @escaping Fetch) {
        guard !isFixed else { return }
        state.withLock { $0.fetch = fetch }
    }

    /// The keys in force now (a synchronous read; never waits for the network).
    package var current: JSONWebKeySet { state.withLock { $0.keySet } }

    /// Moves on whenever the set changes.
    package var generation: UInt64 { state.withLock { $0.generation } }

    /// Fetches started so far (successful or not), and how many failed.
    package var statistics: (fetches: Int, failures: Int) { state.withLock { ($0.fetches, $0.failures) } }

    /// Whether a set was ever loaded (fixed sets always are).
    package var isLoaded: Bool { isFixed || state.withLock { $0.expiresAt != nil } }

    /// The keys, refreshed first when they were never loaded or are stale (waits for the fetch; a failure keeps
    /// the old set).
    package func fresh() async -> JSONWebKeySet {
        guard !isFixed else { return current }
        if let task = startRefresh(reason: .stale) { await task.value }
        return current
    }

    /// The keys after one refresh for an unknown `kid`, if the rate limit allows one now; otherwise the current
    /// keys at once. Concurrent callers share the same fetch.
    package func refreshed(forUnknownKeyID keyID: String?) async -> JSONWebKeySet {
        guard !isFixed else { return current }
        if let task = startRefresh(reason: .unknownKeyID) { await task.value }
        return current
    }

    /// Asks for a refresh without waiting (the synchronous verification path): an unknown `kid`, or a stale set.
    /// Rate-limited and single-flight like ``refreshed(forUnknownKeyID:)``.
    package func requestRefresh(unknownKeyID: Bool) {
        guard !isFixed else { return }
        _ = startRefresh(reason: unknownKeyID ? .unknownKeyID : .stale)
    }

    /// Whether the cached set is past its lifetime (or was never loaded).
    package var isStale: Bool {
        guard !isFixed else { return false }
        let now = clock()
        return state.withLock { state in state.expiresAt.map { now >= $0 } ?? true }
    }

    enum Reason { case stale, unknownKeyID }

    /// Starts a fetch when one is due and allowed, or returns the one in flight; nil when none runs.
    private func startRefresh(reason: Reason) -> Task<Void, Never>? {
        let now = clock()
        return state.withLock { (state) -> Task<Void, Never>? in
            if let running = state.inFlight { return running }
            guard let fetch = state.fetch else { return nil }
            let stale = state.expiresAt.map { now >= $0 } ?? true
            let sinceLast = state.lastAttempt.map { now.timeIntervalSince($0) } ?? .infinity
            switch reason {
            case .stale:
                // A stale set is refetched, but after a failure not before the refresh interval.
                guard stale else { return nil }
                if state.lastFailure != nil, sinceLast < policy.unknownKeyRefreshInterval { return nil }
            case .unknownKeyID:
                let sinceUnknown = state.lastUnknownKeyRefresh.map { now.timeIntervalSince($0) } ?? .infinity
                guard sinceUnknown >= policy.unknownKeyRefreshInterval,
                    state.lastFailure == nil || sinceLast >= policy.unknownKeyRefreshInterval
                else { return nil }
                state.lastUnknownKeyRefresh = now
            }
            state.lastAttempt = now
            state.fetches += 1
            let task = Task { [weak self] in
                let result: Fetched?
                do { result = try await fetch() } catch { result = nil }
                self?.finish(result)
            }
            state.inFlight = task
            return task
        }
    }

    private func finish(_ result: Fetched?) {
        let now = clock()
        state.withLock { state in
            state.inFlight = nil
            guard let result else {
                state.failures += 1
                state.lastFailure = now
                return
            }
            state.lastFailure = nil
            let lifetime = policy.lifetime(maximumAge: result.maximumAge)
            state.expiresAt = now.addingTimeInterval(lifetime)
            let fingerprint = result.keySet.json()
            if fingerprint != state.fingerprint {
                state.keySet = result.keySet
                state.fingerprint = fingerprint
                state.generation &+= 1
            }
        }
    }
}

/// Bounds of a fetched JWK set's cache.
package struct IssuerKeysPolicy: Sendable, Equatable {
    /// Shortest time a fetched set is kept, whatever the provider says (seconds).
    package var minimumLifetime: Double
    /// Longest time a fetched set is kept (seconds).
    package var maximumLifetime: Double
    /// How long a set is kept when the provider sends no `max-age`.
    package var defaultLifetime: Double
    /// At most one refresh for unknown `kid`s (or after a failure) per this many seconds.
    package var unknownKeyRefreshInterval: Double
    /// Largest JWK set document accepted, in bytes.
    package var maximumDocumentBytes: Int
    /// Most keys accepted in one set.
    package var maximumKeys: Int

    package init(
        minimumLifetime: Double = 60, maximumLifetime: Double = 24 * 3600, defaultLifetime: Double = 300,
        unknownKeyRefreshInterval: Double = 30, maximumDocumentBytes: Int = 64 * 1024, maximumKeys: Int = 32
    ) {
        self.minimumLifetime = minimumLifetime
        self.maximumLifetime = maximumLifetime
        self.defaultLifetime = defaultLifetime
        self.unknownKeyRefreshInterval = unknownKeyRefreshInterval
        self.maximumDocumentBytes = maximumDocumentBytes
        self.maximumKeys = maximumKeys
    }

    /// The cache lifetime for a provider's `max-age` (nil: none given).
    package func lifetime(maximumAge: Double?) -> Double {
        guard let maximumAge, maximumAge.isFinite else { return defaultLifetime }
        return min(max(maximumAge, minimumLifetime), maximumLifetime)
    }

    /// `max-age` of a `Cache-Control` value (RFC 9111 §5.2.2.1); `no-store`/`no-cache` count as 0 (then the
    /// minimum lifetime applies); nil when absent or unreadable.
    package static func maximumAge(cacheControl: String?) -> Double? {
        guard let cacheControl else { return nil }
        var result: Double?
        for directive in cacheControl.split(separator: ",") {
            let parts = directive.split(separator: "=", maxSplits: 1)
            let name = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
            if name == "no-store" || name == "no-cache" { return 0 }
            if name == "max-age", parts.count == 2 {
                let value = parts[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(
                    in: CharacterSet(charactersIn: "\""))
                guard value.count <= 12, let seconds = Int(value), seconds >= 0 else { continue }
                result = Double(seconds)
            }
        }
        return result
    }
}
