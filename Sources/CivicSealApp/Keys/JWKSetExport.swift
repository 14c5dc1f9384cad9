import CivicSealCrypto
import Foundation

/// Writes a public key as a one-key JWK set (RFC 7517 §5), public members only.
enum JWKSetExport {
    static func json(for key: PublicKey, kid: String, algorithm: String) throws(CryptoError) -> String {
        var jwk: [String: String] = ["kid": kid, "alg": algorithm, "use": "sig"]
        switch try key.components() {
        case .ec(let kind, let x, let y):
            jwk["kty"] = "EC"
            jwk["crv"] = kind == .ecP256 ? "P-256" : "P-384"
            jwk["x"] = base64URL(x)
            jwk["y"] = base64URL(y)
        case .rsa(let modulus, let exponent):
            jwk["kty"] = "RSA"
            jwk["n"] = base64URL(modulus)
            jwk["e"] = base64URL(exponent)
        case .ed25519(let raw):
            jwk["kty"] = "OKP"
            jwk["crv"] = "Ed25519"
            jwk["x"] = base64URL(raw)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(["keys": [jwk]]) else { throw CryptoError(.invalidArgument, "JWK encoding failed") }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
