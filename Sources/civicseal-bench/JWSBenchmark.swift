import CivicSealCrypto
import Foundation

/// JWS ES256 verification against a parsed JWK set (filled in with the JOSE module).
enum JWSBenchmark {
    static func run(seconds: Double, reference: OpenSSLSpeed.Rates?) throws {
        let key = try PrivateKey.generate(.ecP256)
        let message = Array("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIn0".utf8)
        let raw = try ECDSASignature.raw(fromDER: try key.signature(for: message, algorithm: .ecdsa(.sha256)), componentLength: 32)
        let publicKey = key.publicKey
        let rate = try Measure.rate(seconds: seconds) {
            let der = try ECDSASignature.der(fromRaw: raw, componentLength: 32)
            precondition(publicKey.isValidSignature(der, for: message, algorithm: .ecdsa(.sha256)))
        }
        Report.figure("es256_raw_verify", rate, "ops/s")
        Report.ratio("es256_raw_verify_vs_openssl", rate, reference: reference?.verify ?? 0, floorPercent: 70)
    }
}
