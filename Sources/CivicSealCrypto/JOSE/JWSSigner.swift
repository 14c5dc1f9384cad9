import CivicSealJSON
import Foundation

/// Produces JWS Compact Serialization (RFC 7515 §7.1) with one private key, for the development
/// identity provider and for tests. The header is `{"alg":…,"kid":…,"typ":…}` plus any extra members.
package struct JWSSigner: Sendable {
    package let privateKey: PrivateKey
    package let keyID: String
    package let algorithm: JWSAlgorithm

    /// Members the signer owns; ``sign(_:type:extraHeader:)`` refuses them in `extraHeader`.
    /// `crit` and `b64` are refused because this signer produces neither extension.
    static let reservedHeaderNames: Set<String> = ["alg", "kid", "crit", "b64"]

    /// - Parameter algorithm: defaults to ``JWSAlgorithm/preferred(for:)``; must fit the key.
    package init(privateKey: PrivateKey, keyID: String, algorithm: JWSAlgorithm? = nil) throws(JOSEError) {
        let algorithm = algorithm ?? .preferred(for: privateKey.kind)
        guard algorithm.fits(privateKey.kind) else {
            throw JOSEError(.keyAlgorithmMismatch, "a \(privateKey.kind) key cannot make \(algorithm) signatures")
        }
        self.privateKey = privateKey
        self.keyID = keyID
        self.algorithm = algorithm
    }

    /// The public JWK matching this signer (same `kid` and `alg`, `use: sig`), for the JWK Set.
    package func publicJWK() throws(JOSEError) -> JSONWebKey {
        try JSONWebKey(publicKey: privateKey.publicKey, keyID: keyID, algorithm: algorithm)
    }

    /// Signs `payload` and returns `header.payload.signature`.
    package func sign(_ payload: some ContiguousBytes, type: String? = "JWT", extraHeader: [String: JSONValue] = [:])
        throws(JOSEError) -> String
    {
        if let reserved = extraHeader.keys.first(where: Self.reservedHeaderNames.contains) {
            throw JOSEError(.invalidArgument, "header member \"\(reserved)\" is set by the signer")
        }
        var members = extraHeader
        members["alg"] = .string(algorithm.rawValue)
        members["kid"] = .string(keyID)
        if let type { members["typ"] = .string(type) }
        let header = JSONValue.object(members).serialized()
        let signingInput = Base64URL.encode(Array(header.utf8)) + "." + payload.withUnsafeBytes { Base64URL.encode($0) }
        var signature: [UInt8]
        do {
            signature = try privateKey.signature(for: Array(signingInput.utf8), algorithm: algorithm.signatureAlgorithm)
            if let length = algorithm.fixedSignatureLength, case .ecdsa = algorithm.signatureAlgorithm {
                // RFC 7518 §3.4: R and S as fixed-size big-endian octet sequences, concatenated.
                signature = try ECDSASignature.raw(fromDER: signature, componentLength: length / 2)
            }
        } catch {
            throw JOSEError(.signingFailed, "signing with \(algorithm) failed", underlying: error)
        }
        return signingInput + "." + Base64URL.encode(signature)
    }

    /// Signs a JSON object payload (e.g. JWT claims), serialized compactly with sorted member names.
    package func sign(claims: [String: JSONValue], type: String? = "JWT", extraHeader: [String: JSONValue] = [:])
        throws(JOSEError) -> String
    {
        try sign(Array(JSONValue.object(claims).serialized().utf8), type: type, extraHeader: extraHeader)
    }
}
