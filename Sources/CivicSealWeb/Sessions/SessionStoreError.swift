/// Why ``SessionStore`` refused to start a session. Compared by code only.
public struct SessionStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable codes.
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The store holds ``SessionStore/capacity`` live sessions: a new sign-in waits until some end.
        public static let full = Code(rawValue: "session-store-full")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    public static func == (lhs: SessionStoreError, rhs: SessionStoreError) -> Bool { lhs.code == rhs.code }
}
