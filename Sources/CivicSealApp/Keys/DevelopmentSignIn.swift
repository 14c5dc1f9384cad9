import CivicSealCrypto
import CivicSealDevelopmentProvider
import CivicSealIdentity
import Foundation

/// The development provider of `serve` in development mode (see ``DevelopmentProvider``), built from the keys
/// directory: it signs with the development identity-provider key of `Keys/keyring.json` and publishes
/// `Keys/idp/jwks.json`; its one client is the development client (`civicseal`), which authenticates with
/// private_key_jwt by the key `Keys/private/dev-oidc-client.key.pem`, created 0600 on the first start that needs it.
package enum DevelopmentSignIn {
    /// The development client's key, kept with the other private keys.
    package static let clientKeyPath = "private/dev-oidc-client.key.pem"
    /// Where the relying party sends the browser back (the pages' callback) and where sign-out returns to.
    package static let redirectPaths = ["/sign-in/callback"]
    package static let postLogoutRedirectPaths = ["/", "/citizen", "/officer"]

    /// The development client's key and its `kid` (`dev-client-` and 16 hex digits of its SPKI's SHA-256); the key is
    /// created when missing.
    package static func clientKey(directory: String) throws(AppError) -> (key: PrivateKey, kid: String, created: Bool) {
        let path = "\(directory)/\(clientKeyPath)"
        var created = false
        let key: PrivateKey
        if SecureFile.exists(path) {
            key = try load { () throws(CryptoError) in try PrivateKey(pem: try SecureFile.readTextCrypto(path)) }
        } else {
            try SecureFile.makeDirectory("\(directory)/private", mode: 0o700)
            key = try crypto { () throws(CryptoError) in try PrivateKey.generate(.ecP256) }
            try SecureFile.create(
                path, text: try crypto { () throws(CryptoError) in try key.pkcs8PEM() }, mode: SecureFile.privateMode)
            created = true
        }
        let spki = try crypto { () throws(CryptoError) in try key.publicKey.spkiDER() }
        return (key, "dev-client-" + Hex.encode(Digest.sha256(spki)).prefix(16), created)
    }

    /// The provider for `keyring`'s development identity provider, or nil when the keyring has none or the trusted
    /// issuers do not trust it as a development issuer.
    static func provider(
        directory: String, keyring: Keyring, issuers: TrustedIssuers, origin: @escaping @Sendable () -> String,
        clock: @escaping @Sendable () -> Date
    ) throws(AppError) -> (provider: DevelopmentProvider, createdClientKey: Bool)? {
        guard let identity = keyring.manifest.identityProvider,
            let trusted = issuers.issuer(identity.issuer), trusted.isDevelopment
        else { return nil }
        let signingKey = try load { () throws(CryptoError) in
            try PrivateKey(pem: try SecureFile.readTextCrypto("\(directory)/\(identity.key)"))
        }
        guard let published = FileManager.default.contents(atPath: "\(directory)/\(identity.jwks)") else {
            throw AppError(.keyMaterial, "cannot read the development JWK set \(directory)/\(identity.jwks)")
        }
        let client = try clientKey(directory: directory)
        var configuration = DevelopmentProviderConfiguration(
            issuer: identity.issuer, clientID: trusted.audience, signingKey: signingKey, signingKeyID: identity.kid,
            publishedKeySet: Array(published), clientKey: client.key.publicKey, clientKeyID: client.kid,
            browserOrigin: origin, redirectPaths: redirectPaths, postLogoutRedirectPaths: postLogoutRedirectPaths)
        configuration.clock = clock
        do {
            return (try DevelopmentProvider(configuration: configuration), client.created)
        } catch {
            throw AppError(.keyMaterial, "the development provider's keys: \(error)")
        }
    }
}
