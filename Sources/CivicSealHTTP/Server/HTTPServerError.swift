internal import Glibc

/// A failure to set up or run the listening socket.
package struct HTTPServerError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Code: String, Sendable {
        case invalidAddress
        case socketFailed
        case bindFailed
        case listenFailed
        case eventLoopFailed
        case alreadyStarted
    }

    package let code: Code
    /// `errno` of the failing call, when there was one.
    package let systemError: Int32?
    package let message: String

    init(_ code: Code, _ message: String, errno systemError: Int32? = nil) {
        self.code = code
        self.message = message
        self.systemError = systemError
    }

    package var description: String {
        if let systemError { return "\(code.rawValue): \(message) (\(String(cString: strerror(systemError))))" }
        return "\(code.rawValue): \(message)"
    }

    package static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code && lhs.systemError == rhs.systemError }
}
