/// The app layer's error: a stable code, a message for the operator, and the exit status the CLI uses.
public struct AppError: Error, Sendable, CustomStringConvertible, Equatable {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let usage = Code(rawValue: "usage")
        public static let fileSystem = Code(rawValue: "file-system")
        public static let configuration = Code(rawValue: "configuration")
        public static let keyMaterial = Code(rawValue: "key-material")
        /// The audit chain does not verify (exit 65, data error).
        public static let auditDamaged = Code(rawValue: "audit-damaged")
        /// The database could not be opened, read or written (exit 74, I/O error).
        public static let storage = Code(rawValue: "storage")
        /// `serve` on a non-loopback address with a development identity provider or development seals, and without
        /// `--development` (exit 78, configuration).
        public static let developmentModeRequired = Code(rawValue: "development-mode-required")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// sysexits(3): 64 usage, 78 configuration, 74 I/O, 65 data.
    public var exitStatus: Int32 {
        switch code {
        case .usage: 64
        case .configuration, .developmentModeRequired: 78
        case .fileSystem, .storage: 74
        default: 65
        }
    }

    public static func == (lhs: AppError, rhs: AppError) -> Bool { lhs.code == rhs.code }
}
