/// One connection's socket-side state; touched only on its event loop's thread.
final class Connection {
    let fd: Int32
    let id: UInt64
    let remoteAddress: String
    /// The TCP peer's address.
    let peer: IPAddress
    /// The per-address slot this connection holds; nil for a trusted proxy (exempt).
    let addressKey: String?
    /// Reading is paused because too much output waits (counted once per pause).
    var pausedForOutput = false
    var machine: HTTPConnectionStateMachine
    var output: [UInt8] = []
    var outputOffset = 0
    var closeWhenFlushed = false
    /// Set once our side is shut down: input is drained and discarded until EOF or this deadline.
    var lingerDeadline: MonotonicInstant?
    var registeredEvents: UInt32 = 0
    var inFlight: RequestContext?
    var inFlightMethod: HTTPMethod?
    /// A response computed inline on the loop (``HTTPResponder/respondInline(to:context:)``), delivered once the
    /// current batch of actions is done so that the state machine is never re-entered mid-batch.
    var inlineResponse: HTTPResponse?

    init(
        fd: Int32, id: UInt64, remoteAddress: String, peer: IPAddress, addressKey: String?,
        machine: HTTPConnectionStateMachine
    ) {
        self.fd = fd
        self.id = id
        self.remoteAddress = remoteAddress
        self.peer = peer
        self.addressKey = addressKey
        self.machine = machine
    }
}

@available(*, unavailable)
extension Connection: Sendable {}
