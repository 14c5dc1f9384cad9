import Foundation

/// Everything an operator may tune about the server, with the defaults of issue 4.
package struct HTTPServerConfiguration: Sendable {
    /// Hard limits on what one request may use. Each breach has its own status.
    package struct Limits: Sendable, Equatable {
        /// Longest request line, CRLF excluded (414 URI Too Long).
        package var maximumRequestLineLength: Int = 8 * 1024
        /// Largest header section, field lines and their CRLFs (431).
        package var maximumHeaderSectionSize: Int = 32 * 1024
        /// Most header field lines (431); trailer fields count against the same budget.
        package var maximumHeaderFieldCount: Int = 100
        /// Largest body, as declared by Content-Length or summed over chunks (413).
        package var maximumBodySize: Int = 10 * 1024 * 1024
        /// Longest chunk-size line including extensions (400 beyond it).
        package var maximumChunkSizeLineLength: Int = 4 * 1024
        /// Response bytes a connection may have written but not yet flushed to a client that does not read. Over
        /// it the server stops reading and parsing that connection until the client catches up (backpressure).
        package var maximumBufferedOutput: Int = 256 * 1024
        package init() {}
    }

    /// Deadlines, measured on the server's injected ``HTTPClock``.
    package struct Timeouts: Sendable, Equatable {
        /// From the first byte of a request (or from accept) until the end of its header section: 408 and close.
        package var header: Duration = .seconds(10)
        /// From the end of the header section until the end of the body: 408 and close.
        package var body: Duration = .seconds(30)
        /// A keep-alive connection with no request in progress: closed silently.
        package var idle: Duration = .seconds(60)
        /// After the last response on a closing connection, how long unread input is drained before closing.
        package var lingeringClose: Duration = .seconds(2)
        /// Output waiting for a client that takes none of it for this long: the connection is closed at once,
        /// unsent bytes discarded. Applies in every state, closing ones included.
        package var write: Duration = .seconds(30)
        /// A handler that has not answered after this long: 503 and close (the handler's work is abandoned).
        package var response: Duration = .seconds(120)
        package init() {}
    }

    package var host: String = "127.0.0.1"
    /// 0 asks the kernel for an ephemeral port; read the bound one from ``HTTPServer/port``.
    package var port: Int = 8080
    package var limits = Limits()
    package var timeouts = Timeouts()
    /// Open connections beyond this are accepted and closed at once with 503.
    package var maximumConnections: Int = 1024
    /// Open connections from one client address (an IPv6 /64 counts as one) beyond this are accepted and closed at
    /// once with 503, while other addresses are still served. Trusted proxies are exempt.
    package var maximumConnectionsPerAddress: Int = 64
    /// Peers whose `X-Forwarded-For` is believed: the request's ``RequestContext/clientAddress`` is the right-most
    /// address in it that is not itself in these ranges. Empty: the TCP peer is always the client.
    package var trustedProxies: [IPAddressRange] = []
    /// At ``HTTPServer/start()``, raise the process's soft `RLIMIT_NOFILE` to its hard limit (one descriptor per
    /// connection; the usual soft limit of 1,024 would run out before ``maximumConnections``).
    package var raiseDescriptorLimit = true
    /// Threads of the server's own task executor for async handlers (at least 2; more when handlers block briefly).
    package var handlerThreadCount: Int = max(2, ProcessInfo.processInfo.activeProcessorCount)
    /// `listen(2)` backlog.
    package var backlog: Int32 = 512
    /// Event-loop threads, each with its own epoll set; connections stay on the loop that accepted them.
    /// One per core by default: on 2 shared cores with wrk -t2 -c64, 2 loops served 40-55k req/s, 1 loop 18-30k.
    package var eventLoopCount: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)

    package init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}
