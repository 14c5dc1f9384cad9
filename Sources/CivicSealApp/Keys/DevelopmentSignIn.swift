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
        var key: PrivateKey?
        if !SecureFile.exists(path) {
            // Several instances may start at once on one keys directory: the first to publish its key wins, the
            // others read that one.
            try SecureFile.makeDirectory("\(directory)/private", mode: 0o700)
            let generated = try crypto { () throws(CryptoError) in try PrivateKey.generate(.ecP256) }
            let pem = try crypto { () throws(CryptoError) in try generated.pkcs8PEM() }
            if try SecureFile.createOnce(path, text: pem, mode: SecureFile.privateMode) {
                (key, created) = (generated, true)
            }
        }
        let clientKey: PrivateKey
        if let key {
            clientKey = key
        } else {
            clientKey = try load { () throws(CryptoError) in try PrivateKey(pem: try SecureFile.readTextCrypto(path)) }
        }
        let spki = try crypto { () throws(CryptoError) in try clientKey.publicKey.spkiDER() }
        return (clientKey, "dev-client-" + Hex.encode(Digest.sha256(spki)).prefix(16), created)
    }

    /// The provider for `keyring`'s development identity provider, or nil when the keyring has none or the trusted
    /// issuers do not trust it as a development issuer.
    static func provider(
        directory: String, keyring: Keyring, issuers: TrustedIssuers, origin: @escaping @Sendable () -> String,
        clock: @escaping @Sendable () -> Date
    ) throws(AppError) -> Setup? {
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
        let provider: DevelopmentProvider
        do { provider = try DevelopmentProvider(configuration: configuration) } catch {
            throw AppError(.keyMaterial, "the development provider's keys: \(error)")
        }
        return Setup(
            provider: provider, createdClientKey: client.created,
            issuers: signInIssuers(issuers, clientKey: client.key, clientKeyID: client.kid))
    }

    /// The development provider, whether its client key was just created, and the trusted issuers with the
    /// development issuer made a sign-in provider.
    struct Setup: Sendable {
        let provider: DevelopmentProvider
        let createdClientKey: Bool
        let issuers: TrustedIssuers
    }

    /// `issuers` with the development issuer made a sign-in provider (discovery through the in-process transport,
    /// the development client with private_key_jwt) while it keeps its fixed keys: `Keys/idp/jwks.json` is exactly
    /// what the provider publishes, so bearer tokens from `civicseal token` verify from the first request, with no
    /// fetch. The file stays as written (static `jwks`), so `civicseal token` and older keys directories work as
    /// before; a development issuer already configured with a client is left as it is.
    static func signInIssuers(_ issuers: TrustedIssuers, clientKey: PrivateKey, clientKeyID: String) -> TrustedIssuers {
        TrustedIssuers(
            issuers.issuers.map { issuer in
                guard issuer.isDevelopment, issuer.relyingParty == nil else { return issuer }
                return TrustedIssuer(
                    issuer: issuer.issuer, audience: issuer.audience, keys: issuer.keys, algorithms: issuer.algorithms,
                    principals: issuer.principals, isDevelopment: true, usesDiscovery: true,
                    relyingParty: RelyingPartySettings(
                        clientID: issuer.audience,
                        clientAuthentication: .privateKeyJWT(key: clientKey, keyID: clientKeyID), caBundle: nil,
                        scopes: []),
                    claimMapping: issuer.claimMapping)
            })
    }
}
