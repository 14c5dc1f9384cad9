import Foundation

/// A request CivicSeal sends to another service: a method, an absolute `http`/`https` URL, header fields and a body.
///
/// The client owns the framing: `Host`, `Content-Length`, `Transfer-Encoding` and `Connection` are written by it and
/// refused when given here.
package struct OutboundRequest: Sendable {
    package var method: String
    package var url: URL
    package var headers: [(String, String)]
    package var body: [UInt8]

    package init(method: String = "GET", url: URL, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A complete response: its status, its header fields in the order received (duplicates kept) and its whole body.
package struct OutboundResponse: Sendable {
    package let status: Int
    package let headers: [(String, String)]
    package let body: [UInt8]

    package init(status: Int, headers: [(String, String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of header field `name`, compared case-insensitively; nil when absent.
    package func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }
}

/// Sends one request and returns its response: what the relying party needs. ``HTTPSClient`` adopts it over
/// sockets; the development provider answers in-process without a socket.
package protocol OutboundHTTPTransport: Sendable {
    func send(_ request: OutboundRequest) async throws(OutboundHTTPError) -> OutboundResponse
}
