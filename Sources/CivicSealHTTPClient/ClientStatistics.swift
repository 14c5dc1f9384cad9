import Synchronization

/// Counters of one client, for tests and operators: connections opened and bytes received.
final class ClientStatistics: Sendable {
    let connectionsOpened = Atomic<Int>(0)
    let bytesReceived = Atomic<Int>(0)
}
