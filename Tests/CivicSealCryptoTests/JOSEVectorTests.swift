import Foundation
import Testing

@testable import CivicSealCrypto

/// RFC 7515 Appendix A, RFC 7520 §4 and RFC 8037 Appendix A examples, from `Vectors/JOSE/`.
@Suite("JOSE RFC vectors")
struct JOSEVectorTests {
    @Test(
        "each RFC example verifies with its key, or is refused as its algorithm is unsupported",
        arguments: JOSEVector.names)
    func rfcExample(_ name: String) throws {
        let vector = try JOSEVector.load(name)
        let verifier = JWSVerifier(keySet: try vector.keySet)
        if vector.expect == "valid" {
            let verified = try verifier.verify(vector.compact)
            #expect(verified.payload == Array(vector.payload.utf8))
        } else {
            #expect(throws: JOSEError(.init(rawValue: vector.expect), "")) { try verifier.verify(vector.compact) }
        }
    }

    @Test("each valid RFC example fails once one byte of its signature or payload changes", arguments: JOSEVector.names)
    func rfcExampleTampered(_ name: String) throws {
        let vector = try JOSEVector.load(name)
        guard vector.expect == "valid" else { return }
        let verifier = JWSVerifier(keySet: try vector.keySet)
        let parts = vector.compact.split(separator: ".").map(String.init)

        var signature = try Base64URL.decode(parts[2])
        signature[signature.count / 2] ^= 0x01
        let badSignature = [parts[0], parts[1], Base64URL.encode(signature)].joined(separator: ".")
        #expect(throws: JOSEError(.invalidSignature, "")) { try verifier.verify(badSignature) }

        var payload = try Base64URL.decode(parts[1])
        payload[0] ^= 0x20
        let badPayload = [parts[0], Base64URL.encode(payload), parts[2]].joined(separator: ".")
        #expect(throws: JOSEError(.invalidSignature, "")) { try verifier.verify(badPayload) }
    }

    @Test("RFC 7515 A.3 claims decode from the verified payload")
    func rfc7515A3Claims() throws {
        let vector = try JOSEVector.load("rfc7515-a3-es256")
        let verified = try JWSVerifier(keySet: try vector.keySet).verify(vector.compact)
        let claims = try verified.payloadJSONObject()
        #expect(claims["iss"] == "joe")
        #expect(claims["exp"]?.int64Value == 1_300_819_380)
        #expect(claims["http://example.com/is_root"] == true)
        #expect(verified.header.algorithm == .es256)
    }

    @Test("the P-521 key of RFC 7515 A.4 is set aside as unsupported when its set is loaded")
    func p521KeyIsSetAside() throws {
        let set = try JOSEVector.load("rfc7515-a4-es512").keySet
        #expect(set.keys.isEmpty)
        #expect(set.ignoredKeys.map(\.error.code) == [.unsupportedKey])
    }
}
