/// Why an action was refused; the request is unchanged. Errors compare by code, state and action.
package struct LifecycleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, machine-readable reason.
    package struct Code: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible {
        package let rawValue: String
        package init(rawValue: String) { self.rawValue = rawValue }
        package var description: String { rawValue }

        /// No transition for this action from this state.
        package static let transitionNotAllowed = Code(rawValue: "lifecycle.transition-not-allowed")
        /// The transition exists but another role performs it.
        package static let roleNotAllowed = Code(rawValue: "lifecycle.role-not-allowed")
        /// A citizen acting on someone else's request.
        package static let notOwner = Code(rawValue: "lifecycle.not-owner")
        /// An officer of another department.
        package static let wrongDepartment = Code(rawValue: "lifecycle.wrong-department")
        /// An officer acting on a request claimed by a colleague.
        package static let notAssignee = Code(rawValue: "lifecycle.not-assignee")
        /// The transition needs a reason and none (or only white space) was given.
        package static let reasonRequired = Code(rawValue: "lifecycle.reason-required")
        /// The reason contains control characters or is longer than ``RequestLifecycle/maximumReasonLength``.
        package static let reasonInvalid = Code(rawValue: "lifecycle.reason-invalid")
    }

    package let code: Code
    package let from: RequestState
    package let action: LifecycleAction
    package let message: String

    package init(_ code: Code, from: RequestState, action: LifecycleAction, message: String) {
        self.code = code
        self.from = from
        self.action = action
        self.message = message
    }

    package var description: String { "\(code) (\(action.rawValue) from \(from.rawValue)): \(message)" }

    package static func == (lhs: LifecycleError, rhs: LifecycleError) -> Bool {
        lhs.code == rhs.code && lhs.from == rhs.from && lhs.action == rhs.action
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(from)
        hasher.combine(action)
    }
}
