import Foundation
import Testing

@testable import CivicSealCrypto

/// Every way a token is refused, each with the code a caller would see.
@Suite("JWS rejections")
struct JWSRejectionTests {
    let verifier = JOSEFixtures.verifier

    private func expectRefused(
        _ code: JOSEError.Code, _ token: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(throws: JOSEError(code, ""), sourceLocation: sourceLocation) { try verifier.verify(token) }
    }

    @Test("a correctly signed token with a good header verifies (control for this suite)")
    func controlTokenVerifies() throws {
        let verified = try verifier.verify(JOSEFixtures.token(header: #"{"alg":"ES256","kid":"p256"}"#))
        #expect(verified.key.keyID == "p256")
    }

    @Test("alg none is refused, in any capitalization", arguments: ["none", "None", "NONE"])
    func algorithmNoneIsRefused(_ name: String) {
        let header = Base64URL.encode(Array(#"{"alg":"\#(name)"}"#.utf8))
        expectRefused(.algorithmNone, header + "." + Base64URL.encode(Array("{}".utf8)) + ".")
    }

    @Test("HMAC algorithms are refused", arguments: ["HS256", "HS384", "HS512"])
    func hmacIsRefused(_ name: String) {
        let header = Base64URL.encode(Array(#"{"alg":"\#(name)","kid":"p256"}"#.utf8))
        expectRefused(.symmetricAlgorithm, header + ".e30." + Base64URL.encode(SecureRandom.bytes(32)))
    }

    @Test("unknown and unsupported algorithms are refused", arguments: ["ES512", "ES256K", "RS1", "es256", "XYZ"])
    func unknownAlgorithmIsRefused(_ name: String) {
        let header = Base64URL.encode(Array(#"{"alg":"\#(name)"}"#.utf8))
        expectRefused(.unsupportedAlgorithm, header + ".e30." + Base64URL.encode(SecureRandom.bytes(64)))
    }

    @Test("an algorithm the verifier was not configured for is refused")
    func algorithmOutsideAllowListIsRefused() {
        let verifier = JWSVerifier(keySet: JOSEFixtures.verifier.keySet, algorithms: [.es256])
        #expect(throws: JOSEError(.unsupportedAlgorithm, "")) {
            try verifier.verify(JOSEFixtures.token(header: #"{"alg":"PS256","kid":"rsa"}"#, algorithm: .ps256))
        }
    }

    @Test(
        "a header without alg, or with alg or kid of the wrong type, is malformed",
        arguments: [
            #"{"kid":"p256"}"#, #"{"alg":256}"#, #"{"alg":"ES256","kid":7}"#, #"{"alg":"ES256","typ":["JWT"]}"#,
        ])
    func malformedHeaderMembers(_ header: String) {
        expectRefused(.malformedHeader, JOSEFixtures.token(header: header))
    }

    @Test("an RSA key named by kid does not check ES256")
    func rsaKeyWithES256IsRefused() {
        expectRefused(.keyAlgorithmMismatch, JOSEFixtures.token(header: #"{"alg":"ES256","kid":"rsa"}"#))
    }

    @Test("a P-384 key named by kid does not check ES256, nor a P-256 key ES384")
    func wrongCurveIsRefused() {
        expectRefused(.keyAlgorithmMismatch, JOSEFixtures.token(header: #"{"alg":"ES256","kid":"p384"}"#))
        expectRefused(
            .keyAlgorithmMismatch, JOSEFixtures.token(header: #"{"alg":"ES384","kid":"p256"}"#, algorithm: .es384))
    }

    @Test("an Ed25519 key does not check RS256")
    func edKeyWithRS256IsRefused() {
        expectRefused(
            .keyAlgorithmMismatch, JOSEFixtures.token(header: #"{"alg":"RS256","kid":"ed25519"}"#, algorithm: .rs256))
    }

    @Test("a JWK's alg member binds it to that algorithm")
    func jwkAlgorithmMemberIsHonoured() throws {
        let jwk = try JSONWebKey(publicKey: JOSEFixtures.rsa2048.publicKey, keyID: "rsa", algorithm: .rs256)
        let verifier = JWSVerifier(keySet: JSONWebKeySet(keys: [jwk]))
        _ = try verifier.verify(JOSEFixtures.token(header: #"{"alg":"RS256","kid":"rsa"}"#, algorithm: .rs256))
        #expect(throws: JOSEError(.keyAlgorithmMismatch, "")) {
            try verifier.verify(JOSEFixtures.token(header: #"{"alg":"PS256","kid":"rsa"}"#, algorithm: .ps256))
        }
    }

    @Test("a JWK whose use is enc, or whose key_ops lack verify, checks no signature")
    func jwkUseIsHonoured() throws {
        var members = try JSONWebKey(publicKey: JOSEFixtures.p256.publicKey, keyID: "p256").members
        members["use"] = "enc"
        let encryption = try JSONWebKey(jsonObject: members)
        members["use"] = nil
        members["key_ops"] = ["encrypt"]
        let wrongOperations = try JSONWebKey(jsonObject: members)
        for key in [encryption, wrongOperations] {
            let verifier = JWSVerifier(keySet: JSONWebKeySet(keys: [key]))
            #expect(throws: JOSEError(.keyUseMismatch, "")) {
                try verifier.verify(JOSEFixtures.token(header: #"{"alg":"ES256","kid":"p256"}"#))
            }
            // Without a kid such keys are simply not candidates.
            #expect(throws: JOSEError(.noSuitableKey, "")) {
                try verifier.verify(JOSEFixtures.token(header: #"{"alg":"ES256"}"#))
            }
        }
    }

    @Test("a kid not in the set is refused even though another key would verify")
    func unknownKeyIDIsRefused() {
        expectRefused(.unknownKeyID, JOSEFixtures.token(header: #"{"alg":"ES256","kid":"someone-else"}"#))
    }

    @Test("without a kid, only keys that fit alg are tried")
    func noKeyIDTriesFittingKeys() throws {
        for algorithm in [JWSAlgorithm.es256, .es384, .edDSA, .ps256] {
            let verified = try verifier.verify(
                JOSEFixtures.token(header: #"{"alg":"\#(algorithm)"}"#, algorithm: algorithm))
            #expect(verified.key.publicKey.kind == JOSEFixtures.key(for: algorithm).kind)
        }
        let onlyRSA = JWSVerifier(keySet: JSONWebKeySet(keys: [JOSEFixtures.verifier.keySet.keys(withID: "rsa")[0]]))
        #expect(throws: JOSEError(.noSuitableKey, "")) {
            try onlyRSA.verify(JOSEFixtures.token(header: #"{"alg":"ES256"}"#))
        }
    }

    @Test("a kid naming a key that was set aside reports why it was set aside")
    func setAsideKeyReportsItsReason() throws {
        // A 1024-bit modulus: the crypto core refuses RSA under 2048 bits.
        let modulus = [0xC3] + SecureRandom.bytes(126) + [0x01]
        let set = try JSONWebKeySet(
            json: #"{"keys":[{"kty":"RSA","kid":"old","n":"\#(Base64URL.encode(modulus))","e":"AQAB"}]}"#)
        #expect(throws: JOSEError(.unsupportedKey, "")) {
            try JWSVerifier(keySet: set).verify(
                JOSEFixtures.token(header: #"{"alg":"RS256","kid":"old"}"#, algorithm: .rs256))
        }
    }

    @Test(
        "duplicate header members are refused even when the signature is good",
        arguments: [
            #"{"alg":"ES256","kid":"p256","kid":"rsa"}"#, #"{"alg":"ES256","alg":"none","kid":"p256"}"#,
            #"{"alg":"ES256","kid":"p256","k\u0069d":"p256"}"#, #"{"alg":"ES256","kid":"p256","x":{"a":1,"a":2}}"#,
        ])
    func duplicateHeaderMembersAreRefused(_ header: String) {
        expectRefused(.duplicateMember, JOSEFixtures.token(header: header))
    }

    @Test("duplicate payload members are refused when the payload is read as JSON")
    func duplicatePayloadMembersAreRefused() throws {
        let token = JOSEFixtures.token(
            header: #"{"alg":"ES256","kid":"p256"}"#, payload: Array(#"{"sub":"a","sub":"b"}"#.utf8))
        let verified = try verifier.verify(token)
        #expect(throws: JOSEError(.duplicateMember, "")) { try verified.payloadJSONObject() }
        struct Claims: Decodable { let sub: String }
        #expect(throws: JOSEError(.duplicateMember, "")) { try verified.decodePayload(Claims.self) }
    }

    @Test(
        "a payload that is not a JSON object is refused when read as one", arguments: ["[1]", "\"text\"", "{", "plain"])
    func nonObjectPayloadIsRefused(_ payload: String) throws {
        let verified = try verifier.verify(
            JOSEFixtures.token(header: #"{"alg":"ES256","kid":"p256"}"#, payload: Array(payload.utf8)))
        #expect(throws: JOSEError(.malformedPayload, "")) { try verified.payloadJSONObject() }
    }

    @Test(
        "crit that is empty, malformed, names a registered or absent member, or an unknown extension is refused",
        arguments: [
            #"{"alg":"ES256","kid":"p256","crit":[]}"#,
            #"{"alg":"ES256","kid":"p256","crit":"exp"}"#,
            #"{"alg":"ES256","kid":"p256","crit":[1]}"#,
            #"{"alg":"ES256","kid":"p256","crit":["kid"]}"#,
            #"{"alg":"ES256","kid":"p256","crit":["alg"]}"#,
            #"{"alg":"ES256","kid":"p256","crit":["exp"]}"#,
            #"{"alg":"ES256","kid":"p256","crit":["exp"],"exp":1}"#,
            #"{"alg":"ES256","kid":"p256","crit":["b64","b64"],"b64":true}"#,
        ])
    func invalidCritIsRefused(_ header: String) {
        expectRefused(.invalidCriticalHeader, JOSEFixtures.token(header: header))
    }

    @Test("crit naming an extension the caller understands, and b64 true, are accepted")
    func understoodCritIsAccepted() throws {
        let verifier = JWSVerifier(keySet: JOSEFixtures.verifier.keySet, understoodCriticalHeaders: ["exp"])
        let verified = try verifier.verify(
            JOSEFixtures.token(header: #"{"alg":"ES256","kid":"p256","crit":["exp","b64"],"exp":1,"b64":true}"#))
        #expect(verified.header.critical == ["exp", "b64"])
    }

    @Test("b64 false (unencoded payload) is refused, and b64 must be a boolean")
    func unencodedPayloadIsRefused() {
        expectRefused(
            .unencodedPayload, JOSEFixtures.token(header: #"{"alg":"ES256","kid":"p256","crit":["b64"],"b64":false}"#))
        expectRefused(.unencodedPayload, JOSEFixtures.token(header: #"{"alg":"ES256","kid":"p256","b64":false}"#))
        expectRefused(.malformedHeader, JOSEFixtures.token(header: #"{"alg":"ES256","kid":"p256","b64":"no"}"#))
    }

    @Test(
        "a token without exactly three parts is refused", arguments: ["", "abc", "a.b", "a.b.c.d", "a.b.c.d.e", "...."])
    func wrongPartCountIsRefused(_ token: String) {
        expectRefused(.malformedCompactSerialization, token)
    }

    @Test("a token longer than the limit is refused")
    func oversizedTokenIsRefused() {
        let verifier = JWSVerifier(keySet: JOSEFixtures.verifier.keySet, maximumLength: 100)
        #expect(throws: JOSEError(.malformedCompactSerialization, "")) {
            try verifier.verify(
                JOSEFixtures.token(
                    header: #"{"alg":"ES256","kid":"p256","pad":"\#(String(repeating: "x", count: 100))"}"#))
        }
    }

    @Test("malformed base64url in any part is refused")
    func malformedBase64URLIsRefused() {
        let parts = JOSEFixtures.token(header: #"{"alg":"ES256","kid":"p256"}"#).split(separator: ".").map(String.init)
        let variants = [
            [parts[0] + "=", parts[1], parts[2]],  // padding
            [parts[0], parts[1] + "==", parts[2]],
            [parts[0], parts[1], parts[2] + "="],
            [
                parts[0], parts[1],
                parts[2].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/") + "+/",
            ],
            // length 1 mod 4
            [parts[0], parts[1] + String(repeating: "A", count: (5 - parts[1].count % 4) % 4), parts[2]],
            [parts[0], parts[1], "!" + parts[2].dropFirst()],  // outside the alphabet
            [parts[0], "e30 ", parts[2]],
        ]
        for variant in variants { expectRefused(.malformedBase64URL, variant.joined(separator: ".")) }
        // Non-canonical trailing bits: "e31" decodes to the same bytes as "e30" ("{}").
        expectRefused(.malformedBase64URL, [parts[0], "e31", parts[2]].joined(separator: "."))
    }

    @Test("a header that is not a JSON object, not JSON, or not UTF-8 is refused")
    func malformedHeaderIsRefused() {
        let signature = "." + Base64URL.encode(SecureRandom.bytes(64))
        for header: [UInt8] in [
            Array("[\"ES256\"]".utf8), Array("\"ES256\"".utf8), Array("{\"alg\":\"ES256\"".utf8), [],
            Array("{\"alg\":\"ES256\",\"kid\":\"".utf8) + [0xC3, 0x28] + Array("\"}".utf8),
        ] {
            expectRefused(.malformedHeader, Base64URL.encode(header) + ".e30" + signature)
        }
    }

    @Test("ECDSA signatures that are not exactly 2 × curve size are refused, including DER")
    func wrongLengthECDSASignatureIsRefused() throws {
        let token = JOSEFixtures.token(header: #"{"alg":"ES256","kid":"p256"}"#)
        let parts = token.split(separator: ".").map(String.init)
        let raw = try Base64URL.decode(parts[2])
        let der = try ECDSASignature.der(fromRaw: raw, componentLength: 32)
        for signature in [Array(raw.dropLast()), raw + [0], der, []] {
            expectRefused(
                .malformedSignature, [parts[0], parts[1], Base64URL.encode(signature)].joined(separator: "."))
        }
    }

    @Test("an all-zero ECDSA signature (r = s = 0, CVE-2022-21449) is an invalid signature")
    func zeroECDSASignatureIsRefused() {
        let parts = JOSEFixtures.token(header: #"{"alg":"ES256","kid":"p256"}"#).split(separator: ".").map(String.init)
        expectRefused(
            .invalidSignature,
            [parts[0], parts[1], Base64URL.encode([UInt8](repeating: 0, count: 64))].joined(separator: "."))
    }

    @Test("when two keys share a kid during rotation, the one that verifies is used")
    func sharedKeyIDTriesEachKey() throws {
        let retired = try JSONWebKey(publicKey: PrivateKey.generate(.ecP256).publicKey, keyID: "idp", algorithm: .es256)
        let current = try JSONWebKey(publicKey: JOSEFixtures.p256.publicKey, keyID: "idp", algorithm: .es256)
        let verifier = JWSVerifier(keySet: JSONWebKeySet(keys: [retired, current]))
        let verified = try verifier.verify(JOSEFixtures.token(header: #"{"alg":"ES256","kid":"idp"}"#))
        #expect(try verified.key.publicKey.spkiDER() == JOSEFixtures.p256.publicKey.spkiDER())
    }

    @Test("a bad signature has its own code")
    func badSignatureIsRefused() throws {
        let parts = JOSEFixtures.token(header: #"{"alg":"ES256","kid":"p256"}"#).split(separator: ".").map(String.init)
        expectRefused(
            .invalidSignature, [parts[0], parts[1], Base64URL.encode(SecureRandom.bytes(64))].joined(separator: "."))
        // A valid signature by another P-256 key under the same kid.
        let stranger = try PrivateKey.generate(.ecP256)
        expectRefused(.invalidSignature, JOSEFixtures.token(header: #"{"alg":"ES256","kid":"p256"}"#, key: stranger))
    }
}
