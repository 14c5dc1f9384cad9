#if canImport(Glibc)
    import Glibc
#endif

/// A TCP port on 127.0.0.1 that nobody listens on now: the kernel's choice for port 0, bound and released. For
/// servers another process starts (PostgreSQL, HAProxy, `civicseal serve`) in tests and benchmarks; a port can be
/// taken by someone else between this call and that server's bind, which the caller then reports as a failed start.
package enum LoopbackPort {
    package struct Unavailable: Error, CustomStringConvertible {
        package let description: String
    }

    package static func free() throws(Unavailable) -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Unavailable(description: "no socket for a free port: errno \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw Unavailable(description: "no free port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
