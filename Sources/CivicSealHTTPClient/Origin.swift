import Foundation

/// Scheme, host and port of a URL (RFC 6454): what connections are pooled by and redirects are compared on.
struct Origin: Hashable, Sendable, CustomStringConvertible {
    /// `http` or `https`.
    let scheme: String
    /// Lowercased DNS name, or an IP literal without brackets.
    let host: String
    let port: Int

    var isTLS: Bool { scheme == "https" }

    /// Whether ``host`` is an IPv4 or IPv6 literal (no SNI then, and the certificate must name the address).
    var isIPLiteral: Bool { IPAddress.isLiteral(host) }

    /// Whether the host is this machine by definition: 127.0.0.1 (any of 127/8), ::1 or localhost.
    var isLoopback: Bool {
        host == "localhost" || host == "::1" || (IPAddress.isIPv4(host) && host.hasPrefix("127."))
    }

    /// The `Host` header field value: the port only when not the scheme's default, IPv6 in brackets.
    var hostField: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (isTLS ? 443 : 80) ? name : "\(name):\(port)"
    }

    /// Host and port, for error messages (never a path or query).
    var description: String { "\(scheme)://\(hostField)" }
}

/// What one request line needs from a URL: its origin and the request target (path and query, no fragment).
struct RequestTarget: Sendable {
    let origin: Origin
    /// The origin-form of RFC 9112 §3.2.1: absolute path plus optional `?query`.
    let target: String

    /// Checks and splits `url`: absolute `http`/`https`, no userinfo, a host, a port in 1...65535.
    init(_ url: URL) throws(OutboundHTTPError) {
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: true),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https"
        else { throw OutboundHTTPError(.invalidURL, "only absolute http and https URLs are sent") }
        guard components.percentEncodedUser == nil, components.percentEncodedPassword == nil else {
            throw OutboundHTTPError(.invalidURL, "a URL with userinfo is refused")
        }
        var host = (components.percentEncodedHost ?? "").lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, host.utf8.allSatisfy(Self.isHostByte) else {
            throw OutboundHTTPError(.invalidURL, "the URL has no valid host")
        }
        if host.contains(":"), !IPAddress.isIPv6(host) {
            throw OutboundHTTPError(.invalidURL, "the URL's host is not a valid IPv6 literal")
        }
        let port = components.port ?? (scheme == "https" ? 443 : 80)
        guard (1...65_535).contains(port) else {
            throw OutboundHTTPError(.invalidURL, "the URL's port is out of range")
        }
        origin = Origin(scheme: scheme, host: host, port: port)
        let path = components.percentEncodedPath
        let query = components.percentEncodedQuery.map { "?\($0)" } ?? ""
        target = (path.isEmpty ? "/" : path) + query
        guard target.hasPrefix("/"), target.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw OutboundHTTPError(.invalidURL, "the URL's path for \(origin) is not a valid request target")
        }
    }

    /// Letters, digits, `-`, `.`, `_`, and `:` for IPv6 literals: nothing that could end the `Host` field.
    private static func isHostByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"): true
        default: false
        }
    }
}

/// IP literal recognition with `inet_pton`.
enum IPAddress {
    static func isIPv4(_ text: String) -> Bool {
        var address = in_addr()
        return inet_pton(AF_INET, text, &address) == 1
    }

    static func isIPv6(_ text: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET6, text, &address) == 1
    }

    static func isLiteral(_ text: String) -> Bool { isIPv4(text) || isIPv6(text) }
}
