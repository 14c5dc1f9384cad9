/// A complete, validated request: framing has been checked and the body fully received.
package struct HTTPRequest: Sendable, Equatable {
    package var method: HTTPMethod
    /// The request-target in origin-form (`/path?query`); an absolute-form target is reduced to this.
    package var target: String
    package var version: HTTPVersion
    package var headers: HTTPHeaders
    package var body: [UInt8]
    /// Trailer fields of a chunked body (RFC 9112 §7.1.2), kept apart from `headers`.
    package var trailers: HTTPHeaders
    /// The authority of an absolute-form target, which RFC 9112 §3.2.2 says takes precedence over `Host`.
    package var absoluteAuthority: String?

    package init(
        method: HTTPMethod, target: String, version: HTTPVersion = .http1_1, headers: HTTPHeaders = [:],
        body: [UInt8] = [], trailers: HTTPHeaders = [:], absoluteAuthority: String? = nil
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        self.trailers = trailers
        self.absoluteAuthority = absoluteAuthority
    }

    /// The path part of the target, without the query.
    package var path: Substring {
        if let mark = target.firstIndex(of: "?") { return target[..<mark] }
        return target[...]
    }

    /// The query part of the target (after `?`), or nil.
    package var query: Substring? {
        guard let mark = target.firstIndex(of: "?") else { return nil }
        return target[target.index(after: mark)...]
    }

    /// The host the request is for: the absolute-form authority, else the `Host` header.
    package var host: String? { absoluteAuthority ?? headers["Host"] }

    /// Whether the client allows the connection to persist after this exchange (RFC 9112 §9.3):
    /// HTTP/1.1 unless `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
    package var keepAlive: Bool {
        let connection = headers.tokens(for: "Connection")
        if connection.contains("close") { return false }
        if version == .http1_1 { return true }
        return connection.contains("keep-alive")
    }
}
