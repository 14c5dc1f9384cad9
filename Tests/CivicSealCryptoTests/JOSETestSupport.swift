import CivicSealJSON
import Foundation
import Testing

@testable import CivicSealCrypto

/// Keys generated once per test process (RSA generation is the slow part).
enum JOSEFixtures {
    static let p256 = try! PrivateKey.generate(.ecP256)
    static let p384 = try! PrivateKey.generate(.ecP384)
    static let ed25519 = try! PrivateKey.generate(.ed25519)
    static let rsa2048 = try! PrivateKey.generate(.rsa(bits: 2048))

    static func key(for algorithm: JWSAlgorithm) -> PrivateKey {
        switch algorithm {
        case .es256: p256
        case .es384: p384
        case .edDSA, .ed25519: ed25519
        case .rs256, .rs384, .rs512, .ps256, .ps384, .ps512: rsa2048
        }
    }

    /// A verifier over the public JWKs of all four fixture keys, kids "p256", "p384", "ed25519", "rsa".
    static let verifier: JWSVerifier = {
        let keys = [("p256", p256), ("p384", p384), ("ed25519", ed25519), ("rsa", rsa2048)].map { keyID, key in
            try! JSONWebKey(publicKey: key.publicKey, keyID: keyID)
        }
        return JWSVerifier(keySet: JSONWebKeySet(keys: keys.map(stripAlgorithm)))
    }()

    /// The same JWK without its `alg` member, so that one RSA key checks every RSA algorithm.
    static func stripAlgorithm(_ key: JSONWebKey) -> JSONWebKey {
        var members = key.members
        members["alg"] = nil
        return try! JSONWebKey(jsonObject: members)
    }

    /// A compact JWS over exactly `header` (raw JSON text, not re-serialized) and `payload`,
    /// signed correctly, so that a rejection can only come from what the test put in the header.
    static func token(
        header: String, payload: [UInt8] = Array(#"{"sub":"citizen"}"#.utf8),
        algorithm: JWSAlgorithm = .es256, key: PrivateKey? = nil
    ) -> String {
        let key = key ?? self.key(for: algorithm)
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(payload)
        var signature = try! key.signature(for: Array(input.utf8), algorithm: algorithm.signatureAlgorithm)
        if case .ecdsa = algorithm.signatureAlgorithm, let length = algorithm.fixedSignatureLength {
            signature = try! ECDSASignature.raw(fromDER: signature, componentLength: length / 2)
        }
        return input + "." + Base64URL.encode(signature)
    }
}

/// One RFC example as stored under `Vectors/JOSE/`.
struct JOSEVector: Decodable, Sendable, CustomTestStringConvertible {
    let name: String
    let source: String
    let jwks: JSONValue
    let compact: String
    let payload: String
    /// "valid" or the expected error code.
    let expect: String

    var testDescription: String { source }

    static let names = [
        "rfc7515-a2-rs256", "rfc7515-a3-es256", "rfc7515-a4-es512", "rfc7520-4.1-rs256", "rfc7520-4.2-ps384",
        "rfc7520-4.3-es512", "rfc8037-a4-eddsa",
    ]

    static func load(_ name: String) throws -> JOSEVector {
        let url = try #require(Bundle.module.resourceURL).appendingPathComponent("Vectors/JOSE/\(name).json")
        return try JSONDecoder().decode(JOSEVector.self, from: Data(contentsOf: url))
    }

    var keySet: JSONWebKeySet { get throws { try JSONWebKeySet(json: jwks.serialized()) } }
}

extension JSONValue: Decodable {
    /// Test-only bridge from `JSONDecoder` (numbers are not needed by the vectors).
    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }
}
