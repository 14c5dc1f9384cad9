/// Why an action was refused; the request is unchanged. Errors compare by code, state and action.
public struct LifecycleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, machine-readable reason.
    public struct Code: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// No transition for this action from this state.
        public static let transitionNotAllowed = Code(rawValue: "lifecycle.transition-not-allowed")
        /// The transition exists but another role performs it.
        public static let roleNotAllowed = Code(rawValue: "lifecycle.role-not-allowed")
        /// A citizen acting on someone else's request.
        public static let notOwner = Code(rawValue: "lifecycle.not-owner")
        /// An officer of another department.
        public static let wrongDepartment = Code(rawValue: "lifecycle.wrong-department")
        /// An officer acting on a request claimed by a colleague.
        public static let notAssignee = Code(rawValue: "lifecycle.not-assignee")
        /// The transition needs a reason and none (or only white space) was given.
        public static let reasonRequired = Code(rawValue: "lifecycle.reason-required")
        /// The reason contains control characters or is longer than ``RequestLifecycle/maximumReasonLength``.
        public static let reasonInvalid = Code(rawValue: "lifecycle.reason-invalid")
    }

    public let code: Code
    public let from: RequestState
    public let action: LifecycleAction
    public let message: String

    public init(_ code: Code, from: RequestState, action: LifecycleAction, message: String) {
        self.code = code
        self.from = from
        self.action = action
        self.message = message
    }

    public var description: String { "\(code) (\(action.rawValue) from \(from.rawValue)): \(message)" }

    public static func == (lhs: LifecycleError, rhs: LifecycleError) -> Bool {
        lhs.code == rhs.code && lhs.from == rhs.from && lhs.action == rhs.action
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(from)
        hasher.combine(action)
    }
}
