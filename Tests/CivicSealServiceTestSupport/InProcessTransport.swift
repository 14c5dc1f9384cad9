import CivicSealHTTP
import Foundation

/// How a test's requests reach the service.
package enum Transport: Sendable {
    /// Through the server's parser, the service's frozen router and the server's response writer, in this
    /// process, with no socket, event loop or thread hop: a failure in a handler or in the domain shows up as that
    /// failure, not as a socket timeout. The default.
    case inProcess
    /// Over a TCP connection to the listening server: for what only a socket shows (framing, connection handling,
    /// client addresses and proxies, the access log, shutdown, descriptor exhaustion).
    case socket

    /// ``inProcess``, or ``socket`` when `CIVICSEAL_TEST_TRANSPORT=socket` (to run every suite over sockets, as all
    /// ran before the in-process tier, e.g. to compare).
    package static var standard: Transport {
        ProcessInfo.processInfo.environment["CIVICSEAL_TEST_TRANSPORT"] == "socket" ? .socket : .inProcess
    }
}

/// The in-process half of ``HTTPClient``: the exact request bytes the socket client would send are parsed by
/// ``HTTPRequestParser`` (the server's own), answered by the router (`respondInline`, else `respond`, as an event
/// loop dispatches them) and serialized by ``HTTPResponseWriter`` with `Connection: close`, so headers and bodies
/// read the same as off a socket. A request the parser refuses gets the problem document the connection would
/// send. Handlers run on handler threads of their own, as the server runs them, never on the cooperative pool: a
/// handler blocks (SQLite, rendering, sealing), and the test process's other suites share that pool. Not covered here
/// (the socket suites are): the access log, the HTTP metrics, per-connection limits and
/// timeouts, client addresses from proxies, and the `Date` header.
package struct InProcessExchange: Sendable {
    package let responder: any HTTPResponder
    package let limits: HTTPServerConfiguration.Limits
    /// The TCP peer the router sees, as a loopback client would be.
    package var remoteAddress = "127.0.0.1:50000"

    package init(responder: any HTTPResponder, limits: HTTPServerConfiguration.Limits) {
        self.responder = responder
        self.limits = limits
    }

    /// The threads every in-process exchange of the test process runs its handler on (as wide as a server's pool on
    /// a 4-core machine; they live as long as the process).
    static let handlers = HandlerExecutor(threads: 4, name: "civicseal.test.handler")

    package func exchange(_ bytes: [UInt8]) async throws -> [UInt8] {
        var parser = HTTPRequestParser(limits: limits)
        parser.append(bytes)
        var request: HTTPRequest?
        events: while let event = parser.next() {
            switch event {
            case .request(let parsed):
                request = parsed
                break events
            case .continueExpected: continue
            case .failure(let error):
                // As the connection answers a refusal of the parser: its problem document, then close.
                return HTTPResponseWriter.serialize(.problem(ProblemDetails(error)), closing: true)
            }
        }
        guard let request else { throw ClientError(description: "the request bytes are incomplete") }
        let context = RequestContext(startTime: SystemHTTPClock().now(), remoteAddress: remoteAddress, limits: limits)
        let responder = responder
        let response = await withTaskExecutorPreference(Self.handlers) {
            if let inline = responder.respondInline(to: request, context: context) { return inline }
            return await responder.respond(to: request, context: context)
        }
        return HTTPResponseWriter.serialize(response, closing: true, omitBody: request.method == .head)
    }
}
