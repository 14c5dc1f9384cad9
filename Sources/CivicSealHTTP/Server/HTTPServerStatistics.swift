import Synchronization

/// Counters of what the server did to protect itself, since it started. Tests and operators read them through
/// ``HTTPServer/statistics``; they are the evidence that a limit was hit, never measured in wall time.
package struct HTTPServerStatistics: Sendable, Equatable {
    /// `accept(2)` calls made, successful or not (a loop spinning on a failing `accept` shows here).
    package var acceptCalls: Int = 0
    /// Connections accepted and served.
    package var acceptedConnections: Int = 0
    /// Connections refused with 503 because ``HTTPServerConfiguration/maximumConnections`` was reached.
    package var refusedOverCapacity: Int = 0
    /// Connections refused with 503 because their address held
    /// ``HTTPServerConfiguration/maximumConnectionsPerAddress``.
    package var refusedPerAddress: Int = 0
    /// `accept(2)` failures with `EMFILE`/`ENFILE` (the process or system ran out of descriptors).
    package var descriptorExhaustion: Int = 0
    /// Connections answered 503 and closed through the reserve descriptor while descriptors had run out.
    package var refusedOutOfDescriptors: Int = 0
    /// Times a connection stopped being read because its unflushed output passed the bound.
    package var backpressurePauses: Int = 0
    /// Connections aborted because their output made no progress within the write deadline.
    package var writeTimeouts: Int = 0
    package init() {}
}

/// The shared atomics behind ``HTTPServerStatistics``.
final class HTTPServerCounters: Sendable {
    let acceptCalls = Atomic<Int>(0)
    let acceptedConnections = Atomic<Int>(0)
    let refusedOverCapacity = Atomic<Int>(0)
    let refusedPerAddress = Atomic<Int>(0)
    let descriptorExhaustion = Atomic<Int>(0)
    let refusedOutOfDescriptors = Atomic<Int>(0)
    let backpressurePauses = Atomic<Int>(0)
    let writeTimeouts = Atomic<Int>(0)

    /// One self-protection event; its raw value is its `event` label in `civicseal_http_protection_events_total`.
    enum Event: String {
        case acceptCall = "accept_call"
        case accepted
        case refusedOverCapacity = "refused_capacity"
        case refusedPerAddress = "refused_per_address"
        case descriptorExhaustion = "descriptors_exhausted"
        case refusedOutOfDescriptors = "refused_out_of_descriptors"
        case backpressurePause = "backpressure_pause"
        case writeTimeout = "write_timeout"
    }

    func add(_ event: Event) {
        switch event {
        case .acceptCall: acceptCalls.add(1, ordering: .relaxed)
        case .accepted: acceptedConnections.add(1, ordering: .relaxed)
        case .refusedOverCapacity: refusedOverCapacity.add(1, ordering: .relaxed)
        case .refusedPerAddress: refusedPerAddress.add(1, ordering: .relaxed)
        case .descriptorExhaustion: descriptorExhaustion.add(1, ordering: .relaxed)
        case .refusedOutOfDescriptors: refusedOutOfDescriptors.add(1, ordering: .relaxed)
        case .backpressurePause: backpressurePauses.add(1, ordering: .relaxed)
        case .writeTimeout: writeTimeouts.add(1, ordering: .relaxed)
        }
    }

    var snapshot: HTTPServerStatistics {
        var statistics = HTTPServerStatistics()
        statistics.acceptCalls = acceptCalls.load(ordering: .relaxed)
        statistics.acceptedConnections = acceptedConnections.load(ordering: .relaxed)
        statistics.refusedOverCapacity = refusedOverCapacity.load(ordering: .relaxed)
        statistics.refusedPerAddress = refusedPerAddress.load(ordering: .relaxed)
        statistics.descriptorExhaustion = descriptorExhaustion.load(ordering: .relaxed)
        statistics.refusedOutOfDescriptors = refusedOutOfDescriptors.load(ordering: .relaxed)
        statistics.backpressurePauses = backpressurePauses.load(ordering: .relaxed)
        statistics.writeTimeouts = writeTimeouts.load(ordering: .relaxed)
        return statistics
    }
}
