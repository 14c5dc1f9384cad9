import Foundation
import Testing

@testable import CivicSealCrypto

@Suite("JWS sign and verify")
struct JWSRoundTripTests {
    @Test("what the signer makes, the verifier accepts, for every algorithm", arguments: JWSAlgorithm.allCases)
    func signThenVerify(_ algorithm: JWSAlgorithm) throws {
        let signer = try JWSSigner(privateKey: JOSEFixtures.key(for: algorithm), keyID: "k1", algorithm: algorithm)
        let token = try signer.sign(claims: ["sub": "citizen-42", "iat": 1_700_000_000, "scope": ["sign", "read"]])
        let verifier = JWSVerifier(keySet: JSONWebKeySet(keys: [try signer.publicJWK()]))
        let verified = try verifier.verify(token)
        #expect(verified.header.algorithm == algorithm)
        #expect(verified.header.keyID == "k1" && verified.header.type == "JWT")
        let claims = try verified.payloadJSONObject()
        #expect(claims["sub"] == "citizen-42" && claims["iat"]?.int64Value == 1_700_000_000)
        if let length = algorithm.fixedSignatureLength {
            #expect(try Base64URL.decode(String(token.split(separator: ".")[2])).count == length)
        }
    }

    @Test("a JWK Set exported as JSON and loaded again verifies the signer's tokens")
    func exportedKeySetVerifies() throws {
        let signers = try JWSAlgorithm.allCases.map { algorithm in
            try JWSSigner(privateKey: JOSEFixtures.key(for: algorithm), keyID: "kid-\(algorithm)", algorithm: algorithm)
        }
        let published = JSONWebKeySet(keys: try signers.map { try $0.publicJWK() }).json()
        let verifier = JWSVerifier(keySet: try JSONWebKeySet(json: published))
        #expect(verifier.keySet.keys.count == signers.count && verifier.keySet.ignoredKeys.isEmpty)
        for signer in signers {
            let payload = Array("payload for \(signer.algorithm)".utf8)
            let verified = try verifier.verify(try signer.sign(payload, type: nil))
            #expect(verified.payload == payload && verified.key.keyID == signer.keyID && verified.header.type == nil)
        }
    }

    @Test("the signer refuses a key that does not fit the algorithm, and reserved extra header members")
    func signerRefusals() throws {
        #expect(throws: JOSEError(.keyAlgorithmMismatch, "")) {
            try JWSSigner(privateKey: JOSEFixtures.p256, keyID: "k", algorithm: .rs256)
        }
        #expect(throws: JOSEError(.keyAlgorithmMismatch, "")) {
            try JWSSigner(privateKey: JOSEFixtures.p384, keyID: "k", algorithm: .es256)
        }
        let signer = try JWSSigner(privateKey: JOSEFixtures.p256, keyID: "k")
        #expect(signer.algorithm == .es256)
        for name in ["alg", "kid", "crit", "b64"] {
            #expect(throws: JOSEError(.invalidArgument, "")) {
                try signer.sign(Array("x".utf8), extraHeader: [name: "v"])
            }
        }
    }

    @Test("extra header members are signed and returned")
    func extraHeaderMembers() throws {
        let signer = try JWSSigner(privateKey: JOSEFixtures.ed25519, keyID: "dev-idp")
        let token = try signer.sign(claims: ["sub": "a"], extraHeader: ["x-request": "r-1"])
        let verified = try JWSVerifier(keySet: JSONWebKeySet(keys: [try signer.publicJWK()])).verify(token)
        #expect(verified.header["x-request"] == "r-1")
        #expect(
            try Base64URL.decode(String(token.split(separator: ".")[0]))
                == Array(#"{"alg":"EdDSA","kid":"dev-idp","typ":"JWT","x-request":"r-1"}"#.utf8))
    }

    @Test("decodePayload decodes claims into a Decodable type")
    func decodePayload() throws {
        struct Claims: Decodable, Equatable {
            let sub: String
            let exp: Int
        }
        let signer = try JWSSigner(privateKey: JOSEFixtures.p256, keyID: "k")
        let verified = try JWSVerifier(keySet: JSONWebKeySet(keys: [try signer.publicJWK()]))
            .verify(try signer.sign(claims: ["sub": "s", "exp": 99]))
        #expect(try verified.decodePayload(Claims.self) == Claims(sub: "s", exp: 99))
    }
}
