import CivicSealCrypto
import CivicSealIdentity
import Foundation

/// The development identity provider: an ES256 key that signs development ID tokens
/// (`civicseal token …`), its public JWK set, and a trusted-issuers file naming it.
package enum DevelopmentIdentityProvider {
    static let keyPath = "private/dev-idp.key.pem"
    static let jwksPath = "idp/jwks.json"
    static let trustedIssuersPath = "trusted-issuers.json"

    static func provision(directory: String, report: inout DevelopmentPKI.Report) throws(AppError)
        -> KeyringManifest.IdentityProvider
    {
        let key: PrivateKey
        if SecureFile.exists("\(directory)/\(keyPath)") {
            key = try load { () throws(CryptoError) in
                try PrivateKey(pem: try SecureFile.readTextCrypto("\(directory)/\(keyPath)"))
            }
            report.kept.append(keyPath)
        } else {
            key = try crypto { () throws(CryptoError) in try PrivateKey.generate(.ecP256) }
            try SecureFile.create(
                "\(directory)/\(keyPath)", text: try crypto { () throws(CryptoError) in try key.pkcs8PEM() },
                mode: SecureFile.privateMode)
            report.created.append(keyPath)
        }
        let kid =
            "dev-"
            + String(
                Hex.encode(Digest.sha256(try crypto { () throws(CryptoError) in try key.publicKey.spkiDER() })).prefix(
                    16))
        if SecureFile.exists("\(directory)/\(jwksPath)") {
            report.kept.append(jwksPath)
        } else {
            let jwks: String
            do {
                jwks =
                    JSONWebKeySet(keys: [try JSONWebKey(publicKey: key.publicKey, keyID: kid, algorithm: .es256)])
                    .json() + "\n"
            } catch {
                throw AppError(.keyMaterial, "cannot export the identity-provider key: \(error)")
            }
            try SecureFile.create("\(directory)/\(jwksPath)", text: jwks, mode: SecureFile.publicMode)
            report.created.append(jwksPath)
        }
        return .init(
            issuer: DevelopmentPKI.developmentIssuer, audience: DevelopmentPKI.developmentAudience, key: keyPath,
            jwks: jwksPath, kid: kid)
    }

    static func writeTrustedIssuers(
        directory: String, provider: KeyringManifest.IdentityProvider, report: inout DevelopmentPKI.Report
    ) throws(AppError) -> String {
        let path = "\(directory)/\(trustedIssuersPath)"
        if SecureFile.exists(path) {
            report.kept.append(trustedIssuersPath)
            return trustedIssuersPath
        }
        let configuration = TrustedIssuersFile(issuers: [
            .init(
                issuer: provider.issuer, audience: provider.audience, jwks: provider.jwks,
                principals: ["citizen", "staff"], algorithms: ["ES256"], development: true)
        ])
        try SecureFile.create(path, text: configuration.encoded(), mode: SecureFile.publicMode)
        report.created.append(trustedIssuersPath)
        return trustedIssuersPath
    }
}
