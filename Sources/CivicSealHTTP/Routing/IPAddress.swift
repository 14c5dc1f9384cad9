internal import Glibc

/// An IPv4 or IPv6 address, parsed strictly (`inet_pton`). An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) is
/// the IPv4 address it maps, so one client never counts twice.
package struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6, network order.
    package let bytes: [UInt8]

    package var isIPv4: Bool { bytes.count == 4 }

    /// `0.0.0.0`: the address of a request that did not come over a socket (in-process calls).
    package static let unspecified = IPAddress(uncheckedBytes: [0, 0, 0, 0])

    private init(uncheckedBytes: [UInt8]) { bytes = uncheckedBytes }

    /// 4 or 16 bytes; nil for any other length.
    package init?(bytes: [UInt8]) {
        if bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
            self.bytes = Array(bytes[12..<16])
        } else if bytes.count == 4 || bytes.count == 16 {
            self.bytes = bytes
        } else {
            return nil
        }
    }

    /// Dotted IPv4 or textual IPv6 (no brackets, no zone, no port); nil for anything else.
    package init?(_ text: some StringProtocol) {
        let text = String(text)
        guard !text.isEmpty, text.utf8.count <= 45 else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self.init(uncheckedBytes: withUnsafeBytes(of: &v4) { Array($0) })
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        self.init(bytes: withUnsafeBytes(of: &v6) { Array($0) })
    }

    /// The host part of a socket address as the server prints it: `203.0.113.9:51234` or `[2001:db8::1]:443`.
    package init?(socketAddress: String) {
        if socketAddress.hasPrefix("["), let close = socketAddress.firstIndex(of: "]") {
            self.init(socketAddress[socketAddress.index(after: socketAddress.startIndex)..<close])
        } else if let colon = socketAddress.lastIndex(of: ":"), !socketAddress[..<colon].contains(":") {
            self.init(socketAddress[..<colon])
        } else {
            self.init(socketAddress)
        }
    }

    package var description: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        bytes.withUnsafeBytes { raw in
            _ = inet_ntop(isIPv4 ? AF_INET : AF_INET6, raw.baseAddress, &text, socklen_t(text.count))
        }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// What per-client limits count by: the whole IPv4 address, the /64 prefix of an IPv6 one (a single host
    /// usually holds a whole /64, so counting each IPv6 address separately would limit nothing).
    package var clientKey: String {
        isIPv4
            ? description : (IPAddress(bytes: Array(bytes[0..<8]) + Array(repeating: 0, count: 8))!.description + "/64")
    }
}

/// A CIDR block such as `10.0.0.0/8` or `2001:db8::/32`; a bare address is its own /32 or /128.
package struct IPAddressRange: Sendable, Hashable, CustomStringConvertible {
    package let network: IPAddress
    package let prefixLength: Int

    /// nil for a malformed address or a prefix longer than the address.
    package init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        let bits = address.bytes.count * 8
        var length = bits
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isNumber),
                parts[1].count <= 3, let value = Int(parts[1]), value <= bits
            else { return nil }
            length = value
        }
        prefixLength = length
        network = IPAddress(bytes: IPAddressRange.masked(address.bytes, length))!
    }

    package func contains(_ address: IPAddress) -> Bool {
        address.bytes.count == network.bytes.count
            && IPAddressRange.masked(address.bytes, prefixLength) == network.bytes
    }

    package var description: String { "\(network)/\(prefixLength)" }

    private static func masked(_ bytes: [UInt8], _ length: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let keep = min(8, max(0, length - index * 8))
            return keep == 8 ? byte : byte & ~(UInt8(0xff) >> keep)
        }
    }
}

extension [IPAddressRange] {
    /// Whether any range holds `address`.
    package func containsAddress(_ address: IPAddress) -> Bool { contains { $0.contains(address) } }
}

/// The client behind a request: the TCP peer, or, when the peer is a trusted proxy, the right-most address of
/// `X-Forwarded-For` that is not itself a trusted proxy.
package enum ClientAddressResolver {
    /// Walks `X-Forwarded-For` from the right (the hop nearest us) while the hop is a trusted proxy. An
    /// unparsable entry ends the walk at the trusted hop that reported it: whatever lies to its left was written
    /// by the client and cannot be believed.
    package static func resolve(peer: IPAddress, forwardedFor fields: [String], trustedProxies: [IPAddressRange])
        -> IPAddress
    {
        guard !trustedProxies.isEmpty, trustedProxies.containsAddress(peer) else { return peer }
        var current = peer
        let hops = fields.flatMap { $0.split(separator: ",") }
        for hop in hops.reversed().prefix(64) {
            let text = hop.trimmingCharacters(in: " \t")
            guard let address = IPAddress(text) ?? IPAddress(socketAddress: String(text)) else { return current }
            current = address
            if !trustedProxies.containsAddress(address) { return address }
        }
        return current
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var slice = self
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return slice
    }
}
