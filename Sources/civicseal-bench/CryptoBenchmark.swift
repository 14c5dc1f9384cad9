import CivicSealApp
import CivicSealCrypto
import Foundation

/// `civicseal-bench crypto`: CMS sign (P-256, RSA-3072), CMS verify, JWS ES256 verify and chain
/// validation, each beside `openssl speed` for the same primitive, measured in this run on one core.
enum CryptoBenchmark {
    static func run(seconds: Double) throws {
        let now = Date()
        let rootKey = try PrivateKey.generate(.ecP256)
        let root = try CertificateBuilder.rootAuthority(
            subject: DistinguishedName(commonName: DevelopmentPKI.rootCommonName), publicKey: rootKey.publicKey,
            notBefore: now.addingTimeInterval(-3600), notAfter: now.addingTimeInterval(86400 * 365)
        ).selfSigned(with: rootKey)
        func signer(_ kind: KeyKind, _ algorithm: SignatureAlgorithm) throws -> CMSSigner {
            let key = try PrivateKey.generate(kind)
            let certificate = try CertificateBuilder.documentSigner(
                subject: DistinguishedName(commonName: "Sở Tư pháp thành phố Hà Nội"), publicKey: key.publicKey,
                notBefore: now.addingTimeInterval(-3600), notAfter: now.addingTimeInterval(86400 * 365)
            ).issued(by: root, key: rootKey)
            return try CMSSigner(key: key, certificate: certificate, chain: [root], algorithm: algorithm)
        }
        let ecSigner = try signer(.ecP256, .ecdsa(.sha256))
        let rsaSigner = try signer(.rsa(bits: 3072), .rsaPSS(.sha256))
        let validator = try ChainValidator(trustAnchors: [root])
        // Two contents: 1 KiB shows the CMS machinery against the bare signature; 40 KiB is the signed
        // byte range of a one-page certificate PDF, where hashing the content adds ~23 µs (SHA-NI, 1.8 GB/s).
        let small = SecureRandom.bytes(1024)
        let content = SecureRandom.bytes(40_000)
        let referenceSeconds = max(1, Int(seconds.rounded()))

        print(
            "# civicseal-bench crypto — one core, \(Report.format(seconds)) s per figure; references from `openssl "
                + "speed -seconds \(referenceSeconds)`"
        )
        let p256 = OpenSSLSpeed.rates("ecdsap256", seconds: referenceSeconds)
        let rsa3072 = OpenSSLSpeed.rates("rsa3072", seconds: referenceSeconds)

        let cmsSignSmall = try Measure.rate(seconds: seconds) {
            _ = try CMSSignedData.signDetached(small, signer: ecSigner)
        }
        let cmsSignP256 = try Measure.rate(seconds: seconds) {
            _ = try CMSSignedData.signDetached(content, signer: ecSigner)
        }
        Report.figure("cms_sign_p256_1KiB", cmsSignSmall, "ops/s")
        Report.figure("cms_sign_p256_40KB", cmsSignP256, "ops/s")
        Report.figure("openssl_speed_ecdsap256_sign", p256?.sign ?? 0, "ops/s")
        Report.ratio("cms_sign_p256_1KiB_vs_openssl", cmsSignSmall, reference: p256?.sign ?? 0, floorPercent: 40)
        Report.ratio("cms_sign_p256_40KB_vs_openssl", cmsSignP256, reference: p256?.sign ?? 0, floorPercent: 40)

        let cmsSignRSA = try Measure.rate(seconds: seconds) {
            _ = try CMSSignedData.signDetached(content, signer: rsaSigner)
        }
        Report.figure("cms_sign_rsa3072_pss", cmsSignRSA, "ops/s")
        Report.figure("openssl_speed_rsa3072_sign", rsa3072?.sign ?? 0, "ops/s")
        Report.ratio("cms_sign_rsa3072_vs_openssl", cmsSignRSA, reference: rsa3072?.sign ?? 0, floorPercent: nil)

        let cms = try CMSSignedData.signDetached(content, signer: ecSigner)
        let cmsVerify = Measure.rate(seconds: seconds) {
            let result = CMSSignedData.verifyDetached(cms, content: content, validator: validator)
            precondition(result.isValid)
        }
        Report.figure("cms_verify_p256_40KB_with_chain", cmsVerify, "ops/s")
        Report.figure("openssl_speed_ecdsap256_verify", p256?.verify ?? 0, "ops/s")
        Report.ratio("cms_verify_p256_vs_openssl", cmsVerify, reference: p256?.verify ?? 0, floorPercent: nil)

        try JWSBenchmark.run(seconds: seconds, reference: p256)

        let chain = Measure.rate(seconds: seconds) {
            precondition(validator.validate(ecSigner.certificate, at: now).isTrusted)
        }
        Report.figure("chain_validation_p256_root", chain, "ops/s")
        Report.figure("openssl_speed_ecdsap256_verify", p256?.verify ?? 0, "ops/s")
        Report.ratio("chain_validation_vs_openssl", chain, reference: p256?.verify ?? 0, floorPercent: nil)
    }
}
