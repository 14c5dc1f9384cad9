/// The app layer's error: a stable code, a message for the operator, and the exit status the CLI uses.
package struct AppError: Error, Sendable, CustomStringConvertible, Equatable {
    package struct Code: RawRepresentable, Hashable, Sendable {
        package let rawValue: String
        package init(rawValue: String) { self.rawValue = rawValue }
        package static let usage = Code(rawValue: "usage")
        package static let fileSystem = Code(rawValue: "file-system")
        package static let configuration = Code(rawValue: "configuration")
        package static let keyMaterial = Code(rawValue: "key-material")
        /// The audit chain does not verify (exit 65, data error).
        package static let auditDamaged = Code(rawValue: "audit-damaged")
        /// The database could not be opened, read or written (exit 74, I/O error).
        package static let storage = Code(rawValue: "storage")
        /// `serve` on a non-loopback address with a development identity provider or development seals, and without
        /// `--development` (exit 78, configuration).
        package static let developmentModeRequired = Code(rawValue: "development-mode-required")
        /// A PKCS#11 token (or its module) is not reachable now (exit 69, unavailable).
        package static let tokenUnavailable = Code(rawValue: "token-unavailable")
        /// The token refused the PIN, or the PIN is locked (exit 77, permission denied).
        package static let tokenLogin = Code(rawValue: "token-login")
        /// `migrate` into a database that already holds tables or records (exit 73, cannot create).
        package static let databaseNotEmpty = Code(rawValue: "database-not-empty")
    }

    package let code: Code
    package let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { message }

    /// sysexits(3): 64 usage, 78 configuration, 74 I/O, 69 unavailable, 77 permission, 73 cannot create, 65 data.
    package var exitStatus: Int32 {
        switch code {
        case .usage: 64
        case .configuration, .developmentModeRequired: 78
        case .fileSystem, .storage: 74
        case .tokenUnavailable: 69
        case .tokenLogin: 77
        case .databaseNotEmpty: 73
        default: 65
        }
    }

    package static func == (lhs: AppError, rhs: AppError) -> Bool { lhs.code == rhs.code }
}
