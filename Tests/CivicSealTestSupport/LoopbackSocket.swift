import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// TCP sockets to 127.0.0.1 for the live tests' clients: every read and write times out (a guard against a hung
/// test, never a timing assertion), and a client may connect from another loopback address to act as another client.
package enum LoopbackSocket {
    /// Why a socket could not be connected: the call that failed and its errno.
    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    /// A socket connected to 127.0.0.1:`port`; the caller owns (and closes) the descriptor. On failure nothing is
    /// left open.
    /// - Parameters:
    ///   - source: the local address to connect from (any of 127.0.0.0/8 is loopback).
    ///   - receiveBuffer: a small `SO_RCVBUF`, for a client that reads slowly or not at all.
    package static func connect(port: Int, timeout: Double, source: String? = nil, receiveBuffer: Int32? = nil)
        throws(Failure) -> Int32
    {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure(description: "socket failed: errno \(errno)") }
        var time = timeval(tv_sec: Int(timeout), tv_usec: .init((timeout - timeout.rounded(.down)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        if let source {
            guard call(fd, host: source, port: 0, bind) == 0 else {
                let error = errno
                close(fd)
                throw Failure(description: "bind to \(source) failed: errno \(error)")
            }
        }
        guard connect(fd, port: port) == 0 else {
            let error = errno
            close(fd)
            throw Failure(description: "connect to port \(port) failed: errno \(error)")
        }
        return fd
    }

    /// `connect(2)` of `fd` to 127.0.0.1:`port`; its result (errno is left as the call set it).
    package static func connect(_ fd: Int32, port: Int) -> Int32 {
        #if canImport(Glibc)
            call(fd, host: "127.0.0.1", port: port, Glibc.connect)
        #else
            call(fd, host: "127.0.0.1", port: port, Darwin.connect)
        #endif
    }

    private static func call(
        _ fd: Int32, host: String, port: Int, _ operation: (Int32, UnsafePointer<sockaddr>, socklen_t) -> Int32
    ) -> Int32 {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                operation(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }
}
