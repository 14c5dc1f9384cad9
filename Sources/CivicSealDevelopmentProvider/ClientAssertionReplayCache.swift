import Foundation
import Synchronization

/// The `jti` values of client assertions seen and not yet expired (RFC 7523 §3 item 7: the server "MAY ensure that
/// JWTs are not replayed by maintaining the set of used jti values for the length of time for which the JWT would be
/// considered valid"). Bounded: when full of live entries, a new assertion is refused rather than an old one
/// forgotten.
final class ClientAssertionReplayCache: Sendable {
    let capacity: Int
    private let entries = Mutex<[String: Date]>([:])

    init(capacity: Int) { self.capacity = capacity }

    enum Outcome: Equatable {
        case fresh
        case replayed
        case full
    }

    /// Records `identifier` as used until `expiry`.
    func use(_ identifier: String, until expiry: Date, now: Date) -> Outcome {
        entries.withLock { entries in
            if let seen = entries[identifier], seen > now { return .replayed }
            if entries.count >= capacity { entries = entries.filter { $0.value > now } }
            guard entries.count < capacity else { return .full }
            entries[identifier] = expiry
            return .fresh
        }
    }
}
