/// Why ``SessionStore`` refused to start a session. Compared by code only.
package struct SessionStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable codes.
    package struct Code: RawRepresentable, Hashable, Sendable {
        package let rawValue: String
        package init(rawValue: String) { self.rawValue = rawValue }
        /// The store holds ``SessionStore/capacity`` live sessions: a new sign-in waits until some end.
        package static let full = Code(rawValue: "session-store-full")
        /// The shared session backend (the database) cannot be reached: the sign-in is refused, to be tried again.
        package static let unavailable = Code(rawValue: "session-store-unavailable")
    }

    package let code: Code
    package let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "\(code.rawValue): \(message)" }

    package static func == (lhs: SessionStoreError, rhs: SessionStoreError) -> Bool { lhs.code == rhs.code }
}
