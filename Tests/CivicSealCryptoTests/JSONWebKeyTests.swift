import Foundation
import Testing

@testable import CivicSealCrypto

/// Coordinates of the RFC 7517 Appendix A.1 P-256 key and an Ed25519 key, shared by the refusal cases below.
private let p256X = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"
private let p256Y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"
private let octetKey = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"
private let p521X =
    "AekpBQ8ST8a8VcfVOTNl353vSrDCLLJXmPk06wTjxrrjcBpXp5EOnYG_NjFZ"
    + "6OvLFV1jSfS9tsz4qUxcWceqwQGk"
private let p521Y =
    "ADSmRA43Z1DSNx_RvcLI87cdL07l6jQyyBXMoxVg_l2Th-x3S1WDhjDly79a"
    + "jL4Kkd0AZMaZmh9ubmf63e3kyMj2"
private let p256D = "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"
private let ed25519X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"

@Suite("JSON Web Key")
struct JSONWebKeyTests {
    @Test("an RSA JWK under 2048 bits is refused as unsupported, carrying the crypto core's reason")
    func smallRSAKeyIsRefused() {
        let modulus = [0xC3] + SecureRandom.bytes(126) + [0x01]  // 1024 bits
        do {
            _ = try JSONWebKey(json: #"{"kty":"RSA","n":"\#(Base64URL.encode(modulus))","e":"AQAB"}"#)
            Issue.record("a 1024-bit RSA key was accepted")
        } catch {
            #expect(error.code == .unsupportedKey)
            #expect(error.underlying?.code == .unsupportedAlgorithm)
        }
    }

    @Test(
        "keys of types and curves CivicSeal refuses are unsupported",
        arguments: [
            #"{"kty":"oct","k":"\#(octetKey)"}"#,
            #"{"kty":"EC","crv":"P-521","x":"\#(p521X)","y":"\#(p521Y)"}"#,
            #"{"kty":"EC","crv":"secp256k1","x":"AA","y":"AA"}"#,
            #"{"kty":"OKP","crv":"X25519","x":"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo"}"#,
            #"{"kty":"OKP","crv":"Ed448","x":"AA"}"#,
            #"{"kty":"XYZ"}"#,
        ])
    func unsupportedKeyTypes(_ json: String) {
        #expect(throws: JOSEError(.unsupportedKey, "")) { try JSONWebKey(json: json) }
    }

    @Test(
        "malformed JWKs are refused",
        arguments: [
            #"{"crv":"P-256"}"#,  // no kty
            #"{"kty":"EC","x":"\#(p256X)","y":"\#(p256Y)"}"#,  // no crv
            #"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"}"#,  // no y
            // off curve
            #"{"kty":"EC","crv":"P-256","x":"\#(p256X)","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a1"}"#,
            // 33-byte x
            #"{"kty":"EC","crv":"P-256","x":"AH_NzidwPbEXUGDy-5v20t7WAczNXvp7xO6z248e9FURQ","y":"\#(p256Y)"}"#,
            #"{"kty":"EC","crv":"P-256","x":"\#(p256X)=","y":"\#(p256Y)"}"#,  // padding
            // private
            #"{"kty":"EC","crv":"P-256","x":"\#(p256X)","y":"\#(p256Y)","d":"\#(p256D)"}"#,
            #"{"kty":"RSA","n":"AKH4Fgri48m0Zc6NLWViYzYrkn2-KeHwJHf8FiXMkKE24","e":"AQAB"}"#,  // leading zero
            #"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcH"}"#,  // short
            // kid not a string
            #"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":7}"#,
            #"{"kty":"OKP","crv":"Ed25519","x":"\#(ed25519X)","key_ops":["verify","verify"]}"#,
            #"["kty"]"#,
        ])
    func malformedKeys(_ json: String) {
        #expect(throws: JOSEError(.malformedKey, "")) { try JSONWebKey(json: json) }
    }

    @Test("a JWK with duplicate members is refused")
    func duplicateMembersAreRefused() {
        #expect(throws: JOSEError(.duplicateMember, "")) {
            try JSONWebKey(
                json: #"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","x":"AA"}"#)
        }
    }

    @Test("exported JWKs carry only public members plus kid, alg and use, and import back to the same key")
    func exportImportRoundTrip() throws {
        for (algorithm, key) in [
            (JWSAlgorithm.es256, JOSEFixtures.p256), (.es384, JOSEFixtures.p384),
            (.edDSA, JOSEFixtures.ed25519), (.rs256, JOSEFixtures.rsa2048),
        ] {
            let exported = try JSONWebKey(publicKey: key.publicKey, keyID: "k-\(algorithm)", algorithm: algorithm)
            let names = Set(exported.members.keys)
            let expected: Set<String> =
                switch key.kind {
                case .ecP256, .ecP384: ["kty", "crv", "x", "y", "kid", "alg", "use"]
                case .ed25519: ["kty", "crv", "x", "kid", "alg", "use"]
                case .rsa: ["kty", "n", "e", "kid", "alg", "use"]
                }
            #expect(names == expected)
            #expect(exported.members["use"] == "sig" && exported.members["alg"] == .string(algorithm.rawValue))
            let imported = try JSONWebKey(json: exported.json())
            #expect(try imported.publicKey.spkiDER() == key.publicKey.spkiDER())
            #expect(
                imported.keyID == "k-\(algorithm)" && imported.algorithm == algorithm.rawValue && imported.use == "sig")
        }
    }

    @Test("exporting a key for an algorithm it cannot make is refused")
    func exportWithWrongAlgorithmIsRefused() {
        #expect(throws: JOSEError(.keyAlgorithmMismatch, "")) {
            try JSONWebKey(publicKey: JOSEFixtures.p384.publicKey, keyID: "k", algorithm: .es256)
        }
    }

    @Test("a JWK Set keeps usable keys, sets the others aside, and refuses a document that is not a set")
    func keySetLoading() throws {
        let good = try JSONWebKey(publicKey: JOSEFixtures.ed25519.publicKey, keyID: "ed").json()
        let set = try JSONWebKeySet(
            json: #"{"keys":[\#(good),{"kty":"oct","kid":"hmac","k":"AA"},42,{"kty":"EC","kid":"bad"}]}"#)
        #expect(set.keys.map(\.keyID) == ["ed"])
        #expect(set.ignoredKeys.map(\.keyID) == ["hmac", nil, "bad"])
        #expect(set.ignoredKeys.map(\.error.code) == [.unsupportedKey, .malformedKey, .malformedKey])
        for bad in [#"{"key":[]}"#, #"[]"#, #"{"keys":{}}"#, #"{"keys":"#] {
            #expect(throws: JOSEError(.malformedKeySet, "")) { try JSONWebKeySet(json: bad) }
        }
        #expect(throws: JOSEError(.duplicateMember, "")) { try JSONWebKeySet(json: #"{"keys":[],"keys":[]}"#) }
    }
}
