import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Loopback ports for tests whose keyring must name the server's address before the server starts (the
/// certificates' OCSP and CA-issuer URLs): bound to port 0, read, closed.
package enum LoopbackPort {
    /// A 127.0.0.1 port nothing listens on now.
    package static func free() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw ClientError(description: "cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
