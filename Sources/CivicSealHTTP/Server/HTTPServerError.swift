internal import Glibc

/// A failure to set up or run the listening socket.
public struct HTTPServerError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidAddress
        case socketFailed
        case bindFailed
        case listenFailed
        case eventLoopFailed
        case alreadyStarted
    }

    public let code: Code
    /// `errno` of the failing call, when there was one.
    public let systemError: Int32?
    public let message: String

    init(_ code: Code, _ message: String, errno systemError: Int32? = nil) {
        self.code = code
        self.message = message
        self.systemError = systemError
    }

    public var description: String {
        if let systemError { return "\(code.rawValue): \(message) (\(String(cString: strerror(systemError))))" }
        return "\(code.rawValue): \(message)"
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code && lhs.systemError == rhs.systemError }
}
