import CivicSealCrypto
import CivicSealIdentity
import CivicSealJSON
import CivicSealWorkflow
import Foundation
import Synchronization

/// Synthetic people, keys and tokens for the identity tests (never a real ID number).
enum IdentityFixtures {
    static let issuer = "https://idp.example.vn/oidc"
    static let staffIssuer = "https://staff-idp.example.vn"
    static let audience = "civicseal"
    static let keyID = "idp-2026"
    /// 2026-11-18T22:13:20Z.
    static let now = Date(timeIntervalSince1970: 1_795_000_000)
    static var nowSeconds: Int64 { Int64(now.timeIntervalSince1970) }

    static let key = try! PrivateKey.generate(.ecP256)
    static let otherKey = try! PrivateKey.generate(.ecP256)
    static let signer = try! JWSSigner(privateKey: key, keyID: keyID, algorithm: .es256)

    static let keySet = JSONWebKeySet(keys: [try! signer.publicJWK()])

    /// A citizen-and-staff issuer plus a citizen-only one.
    static func issuers(citizenOnly: Bool = false, development: Bool = false) -> TrustedIssuers {
        TrustedIssuers([
            TrustedIssuer(
                issuer: issuer, audience: audience, keySet: keySet, algorithms: [.es256],
                principals: citizenOnly ? [.citizen] : [.citizen, .staff], isDevelopment: development)
        ])
    }

    static func verifier(
        _ issuers: TrustedIssuers = issuers(), policy: TokenPolicy = TokenPolicy(),
        clock: @escaping @Sendable () -> Date = { now }
    ) -> TokenVerifier {
        TokenVerifier(issuers: issuers, policy: policy, clock: clock)
    }

    /// Nguyễn Văn An, male, born 1990-05-17 in Hà Nội (001 0 90 012345), level 2.
    static func citizenClaims(_ changes: [String: JSONValue?] = [:]) -> [String: JSONValue] {
        var claims: [String: JSONValue] = [
            "iss": .string(issuer), "aud": .string(audience), "sub": "vneid-8f14e45f",
            "iat": .number(String(nowSeconds - 10)), "exp": .number(String(nowSeconds + 600)),
            "personal_id": "001090012345", "name": "Nguyễn Văn An", "birthdate": "1990-05-17", "gender": "male",
            "acr": "level2",
        ]
        for (name, value) in changes { claims[name] = value }
        return claims
    }

    /// Trần Thị Bình, justice officer in Hà Nội.
    static func staffClaims(_ changes: [String: JSONValue?] = [:]) -> [String: JSONValue] {
        var claims: [String: JSONValue] = [
            "iss": .string(issuer), "aud": .string(audience), "sub": "staff-0042",
            "iat": .number(String(nowSeconds - 10)), "exp": .number(String(nowSeconds + 600)),
            "name": "Trần Thị Bình", "roles": ["justice.officer"], "department": "justice-hanoi",
        ]
        for (name, value) in changes { claims[name] = value }
        return claims
    }

    static func token(_ claims: [String: JSONValue], signer: JWSSigner = signer) -> String {
        try! signer.sign(claims: claims)
    }

    /// A compact JWS over exactly `header` and `payload` text, ES256-signed with `key`.
    static func rawToken(header: String, payload: String, key: PrivateKey = key) -> String {
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8))
        let der = try! key.signature(for: Array(input.utf8), algorithm: .ecdsa(.sha256))
        return input + "." + Base64URL.encode(try! ECDSASignature.raw(fromDER: der, componentLength: 32))
    }

    static func encoded(_ value: JSONValue) -> String { Base64URL.encode(Array(value.serialized().utf8)) }
}

/// A clock tests can move.
final class TestClock: Sendable {
    private let seconds: Mutex<Double>
    init(_ start: Date = IdentityFixtures.now) { seconds = Mutex(start.timeIntervalSince1970) }
    var now: Date { Date(timeIntervalSince1970: seconds.withLock { $0 }) }
    func advance(_ interval: Double) { seconds.withLock { $0 += interval } }
    var function: @Sendable () -> Date { { [self] in now } }
}
