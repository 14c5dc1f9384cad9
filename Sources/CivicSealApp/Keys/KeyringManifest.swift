/// `Keys/keyring.json`: which files hold the trust anchors, each department's seal certificates
/// and keys (one active, older ones retired but still trusted for verification), and the
/// development identity provider. Paths are relative to the keys directory.
package struct KeyringManifest: Codable, Sendable, Equatable {
    package struct Seal: Codable, Sendable, Equatable {
        /// A stable name, e.g. `seal-20261121-3fa2c1d0`.
        package var name: String
        package var certificate: String
        /// The private key as a PEM file; absent for a retired seal whose key was destroyed, or kept in a token.
        package var key: String?
        /// `ecdsa-p256-sha256`, `ecdsa-p384-sha384`, `rsa-pss-sha256` or `rsa-pkcs1-sha256`.
        package var algorithm: String
        /// The private key in a PKCS#11 token (never together with `key`).
        package var token: TokenKey? = nil
    }

    package struct Department: Codable, Sendable, Equatable {
        package var id: String
        package var name: String
        package var englishName: String
        /// The seal new documents are signed with.
        package var active: String
        package var seals: [Seal]
    }

    package struct IdentityProvider: Codable, Sendable, Equatable {
        package var issuer: String
        package var audience: String
        package var key: String
        package var jwks: String
        package var kid: String
    }

    /// A service identity issued by the CA: certificate (PEM, then the CA) and private key.
    package struct ServiceIdentity: Codable, Sendable, Equatable {
        package var certificate: String
        package var key: String?
        /// The private key in a PKCS#11 token (never together with `key`).
        package var token: TokenKey? = nil
    }

    /// The CA's service identities (`keys init` issues those missing).
    package struct Services: Codable, Sendable, Equatable {
        /// The RFC 3161 timestamp authority.
        package var timeStamping: ServiceIdentity?
        /// The delegated OCSP responder.
        package var ocspResponder: ServiceIdentity?
        /// The signer of document-status JWS objects.
        package var statusSigner: ServiceIdentity?
    }

    package var version: Int = 1
    /// Trust anchors (root CA certificates), PEM files.
    package var trustAnchors: [String]
    /// The development root's private key, used only by `keys init` / `keys rotate`.
    package var rootKey: String?
    package var departments: [Department]
    package var identityProvider: IdentityProvider?
    /// Trusted issuers configuration file for identity tokens.
    package var trustedIssuers: String?
    /// Where the PKI services are published (`<base>/pki/ocsp`, `<base>/pki/crl/root.crl`, `<base>/pki/ca/root.cer`),
    /// as issued certificates name them; `http://127.0.0.1:8080` when absent (`keys init --public-url URL`).
    package var publicBaseURL: String? = nil
    package var services: Services? = nil
    /// The token officer keys are generated in (labelled by the officer's hashed file stem); absent: PEM files under
    /// `private/officers/`.
    package var officerKeys: TokenKey? = nil
}

extension KeyringManifest {
    /// A private key in a PKCS#11 token: `{"uri": "pkcs11:token=…;object=…", "module": "/usr/lib/…/libsofthsm2.so",
    /// "pin": "file:/run/secrets/pin" | "env:CIVICSEAL_TOKEN_PIN"}`. The PIN itself never appears here: `pin` says
    /// where to read it. `module` and `pin` may instead ride in the URI's `module-path` / `pin-source` query.
    package struct TokenKey: Codable, Sendable, Equatable {
        /// RFC 7512 URI naming the token (and, for a key, its object label and/or id).
        package var uri: String
        /// Absolute path of the PKCS#11 module (`dlopen`ed once per process).
        package var module: String?
        /// Where the user PIN is read: `file:PATH` or `env:NAME`.
        package var pin: String?

        package init(uri: String, module: String?, pin: String?) {
            self.uri = uri
            self.module = module
            self.pin = pin
        }
    }
}

/// A department that issues documents, as `keys init` provisions it.
package struct DepartmentProfile: Sendable, Equatable {
    package let id: String
    package let name: String
    package let englishName: String
    package let locality: String

    package init(id: String, name: String, englishName: String, locality: String) {
        self.id = id
        self.name = name
        self.englishName = englishName
        self.locality = locality
    }

    /// The departments of the default (Hà Nội) configuration.
    package static let defaults: [DepartmentProfile] = [
        DepartmentProfile(
            id: "justice-hanoi", name: "Sở Tư pháp thành phố Hà Nội", englishName: "Hanoi Department of Justice",
            locality: "Hà Nội"),
        DepartmentProfile(
            id: "health-hanoi", name: "Sở Y tế thành phố Hà Nội", englishName: "Hanoi Department of Health",
            locality: "Hà Nội"),
    ]
}
