import CivicSealCrypto
import Foundation

/// JWS ES256 verification of an ID-token-sized compact JWS against a parsed JWK set,
/// beside `openssl speed ecdsap256` verify measured in the same run.
enum JWSBenchmark {
    static func run(seconds: Double, reference: OpenSSLSpeed.Rates?) throws {
        let key = try PrivateKey.generate(.ecP256)
        let signer = try JWSSigner(privateKey: key, keyID: "bench-key", algorithm: .es256)
        let token = try signer.sign(claims: [
            "iss": "https://idp.civicseal.invalid/dev", "aud": "civicseal", "sub": "citizen-0001",
            "personal_id": "001190012345", "name": "Nguyễn Thị Ánh Tuyết", "birthdate": "1990-05-14",
            "gender": "female", "acr": "level2", "iat": 1_795_000_000, "exp": 1_795_000_300,
        ])
        let verifier = JWSVerifier(keySet: JSONWebKeySet(keys: [try signer.publicJWK()]))
        let rate = try Measure.rate(seconds: seconds) { _ = try verifier.verify(token) }
        Report.figure("jws_es256_verify", rate, "ops/s")
        Report.figure("openssl_speed_ecdsap256_verify", reference?.verify ?? 0, "ops/s")
        Report.ratio("jws_es256_verify_vs_openssl", rate, reference: reference?.verify ?? 0, floorPercent: 70)
    }
}
