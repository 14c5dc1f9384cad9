/// `Keys/keyring.json`: which files hold the trust anchors, each department's seal certificates
/// and keys (one active, older ones retired but still trusted for verification), and the
/// development identity provider. Paths are relative to the keys directory.
public struct KeyringManifest: Codable, Sendable, Equatable {
    public struct Seal: Codable, Sendable, Equatable {
        /// A stable name, e.g. `seal-20261121-3fa2c1d0`.
        public var name: String
        public var certificate: String
        /// The private key; absent for a retired seal whose key was destroyed.
        public var key: String?
        /// `ecdsa-p256-sha256`, `ecdsa-p384-sha384`, `rsa-pss-sha256` or `rsa-pkcs1-sha256`.
        public var algorithm: String
    }

    public struct Department: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        public var englishName: String
        /// The seal new documents are signed with.
        public var active: String
        public var seals: [Seal]
    }

    public struct IdentityProvider: Codable, Sendable, Equatable {
        public var issuer: String
        public var audience: String
        public var key: String
        public var jwks: String
        public var kid: String
    }

    public var version: Int = 1
    /// Trust anchors (root CA certificates), PEM files.
    public var trustAnchors: [String]
    /// The development root's private key, used only by `keys init` / `keys rotate`.
    public var rootKey: String?
    public var departments: [Department]
    public var identityProvider: IdentityProvider?
    /// Trusted issuers configuration file for identity tokens.
    public var trustedIssuers: String?
}

/// A department that issues documents, as `keys init` provisions it.
public struct DepartmentProfile: Sendable, Equatable {
    public let id: String
    public let name: String
    public let englishName: String
    public let locality: String

    public init(id: String, name: String, englishName: String, locality: String) {
        self.id = id
        self.name = name
        self.englishName = englishName
        self.locality = locality
    }

    /// The departments of the default (Hà Nội) configuration.
    public static let defaults: [DepartmentProfile] = [
        DepartmentProfile(id: "justice-hanoi", name: "Sở Tư pháp thành phố Hà Nội", englishName: "Hanoi Department of Justice", locality: "Hà Nội"),
        DepartmentProfile(id: "health-hanoi", name: "Sở Y tế thành phố Hà Nội", englishName: "Hanoi Department of Health", locality: "Hà Nội"),
    ]
}
