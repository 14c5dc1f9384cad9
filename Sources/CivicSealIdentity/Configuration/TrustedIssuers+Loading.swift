import CivicSealCrypto
import CivicSealWorkflow
import Foundation

extension TrustedIssuers {
    /// Longest client secret or key file read (a secret is a line; a PEM key is a few hundred bytes).
    static let maximumSecretFileBytes = 16 * 1024

    /// `path` as given when absolute, else under `baseDirectory`.
    static func resolve(_ path: String, baseDirectory: String) -> String {
        path.hasPrefix("/") ? path : "\(baseDirectory)/\(path)"
    }

    /// Reads and checks a static JWK set file.
    static func loadKeySet(
        _ path: String, algorithms: Set<JWSAlgorithm>, file: String, field: String, baseDirectory: String
    ) throws(IdentityConfigurationError) -> JSONWebKeySet {
        let keySetPath = resolve(path, baseDirectory: baseDirectory)
        guard let keySetData = FileManager.default.contents(atPath: keySetPath) else {
            throw IdentityConfigurationError(
                .unreadableFile, file: keySetPath, field: nil, "cannot read the JWK set named by \(file): \(field)")
        }
        let keySet: JSONWebKeySet
        do { keySet = try JSONWebKeySet(json: keySetData) } catch {
            throw IdentityConfigurationError(.invalidKeySet, file: keySetPath, "not a JWK set (\(error.code))")
        }
        guard keySet.keys.contains(where: { key in algorithms.contains { $0.fits(key.publicKey.kind) } }) else {
            throw IdentityConfigurationError(
                .invalidKeySet, file: keySetPath,
                "no usable key for \(algorithms.map(\.rawValue).sorted().joined(separator: ", ")) (named by "
                    + "\(file): \(field))"
            )
        }
        return keySet
    }

    /// The client settings of a sign-in provider: its key (an ECDSA P-256 PEM for ES256 assertions) or secret is
    /// read now, so a missing or wrong file stops the start instead of the first sign-in.
    static func relyingPartySettings(
        _ entry: TrustedIssuersFile.Issuer, reader: MemberReader, baseDirectory: String
    ) throws(IdentityConfigurationError) -> RelyingPartySettings? {
        if let caBundle = entry.caBundle {
            let path = resolve(caBundle, baseDirectory: baseDirectory)
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw reader.error(.unreadableFile, "caBundle", "cannot read \(path)")
            }
        }
        guard let clientID = entry.clientID, let authentication = entry.clientAuthentication else { return nil }
        guard clientID.utf8.count <= 255, !clientID.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            throw reader.error(.invalidValue, "clientID", "must be at most 255 characters without control characters")
        }
        let auth = reader.nested("clientAuthentication")
        let method: RelyingPartySettings.ClientAuthentication
        if let key = authentication.key, let kid = authentication.kid {
            let path = resolve(key, baseDirectory: baseDirectory)
            let text = try readSmallFile(path, reader: auth, field: "key")
            let privateKey: PrivateKey
            do { privateKey = try PrivateKey(pem: text) } catch {
                throw auth.error(.invalidValue, "key", "\(path) is not a PEM private key (\(error.code))")
            }
            guard privateKey.kind == .ecP256 else {
                throw auth.error(.invalidValue, "key", "\(path) must be an ECDSA P-256 key (ES256 client assertions)")
            }
            method = .privateKeyJWT(key: privateKey, keyID: kid)
        } else if let secretFile = authentication.secretFile {
            let path = resolve(secretFile, baseDirectory: baseDirectory)
            let secret = try readSmallFile(path, reader: auth, field: "secretFile")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            guard !secret.isEmpty else { throw auth.error(.invalidValue, "secretFile", "\(path) is empty") }
            method = .clientSecretBasic(secret: secret)
        } else {
            throw auth.error(.missingField, "method", "no key or secret")
        }
        return RelyingPartySettings(
            clientID: clientID, clientAuthentication: method,
            caBundle: entry.caBundle.map { resolve($0, baseDirectory: baseDirectory) }, scopes: entry.scopes ?? [])
    }

    static func readSmallFile(_ path: String, reader: MemberReader, field: String) throws(IdentityConfigurationError)
        -> String
    {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw reader.error(.unreadableFile, field, "cannot read \(path)")
        }
        guard data.count <= maximumSecretFileBytes, let text = String(data: data, encoding: .utf8) else {
            throw reader.error(.invalidValue, field, "\(path) is not a small UTF-8 file")
        }
        return text
    }

    static func claimMapping(_ entry: TrustedIssuersFile.Issuer) -> ClaimMapping {
        let identity = ClaimMapping.identity
        return ClaimMapping(
            acrValues: entry.acr.map { [.level1: $0.level1, .level2: $0.level2] } ?? identity.acrValues,
            rolesClaim: entry.claims?.roles ?? identity.rolesClaim,
            departmentClaim: entry.claims?.department ?? identity.departmentClaim)
    }
}
