import CivicSealCrypto
import Foundation

/// A small in-memory PKI for tests: a root, and leaves issued by it on demand.
struct TestPKI {
    let rootKey: PrivateKey
    let root: Certificate
    static let now = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18, fixed for reproducible validity checks

    init(commonName: String = "Test Root CA", kind: KeyKind = .ecP256) throws {
        rootKey = try PrivateKey.generate(kind)
        root = try CertificateBuilder.rootAuthority(
            subject: DistinguishedName(commonName: commonName, organization: "CivicSeal tests", country: "VN"),
            publicKey: rootKey.publicKey, notBefore: Self.now.addingTimeInterval(-86400 * 365),
            notAfter: Self.now.addingTimeInterval(86400 * 3650)
        ).selfSigned(with: rootKey)
    }

    /// A document-signing leaf valid for `validity` around `now` (or as given), with `keyUsage`.
    func leaf(
        _ commonName: String = "Sở Tư pháp thành phố Hà Nội", kind: KeyKind = .ecP256,
        notBefore: Date = TestPKI.now.addingTimeInterval(-86400),
        notAfter: Date = TestPKI.now.addingTimeInterval(86400 * 365),
        keyUsage: KeyUsage = [.digitalSignature, .nonRepudiation], extendedKeyUsage: [String] = []
    ) throws -> (key: PrivateKey, certificate: Certificate) {
        let key = try PrivateKey.generate(kind)
        var builder = CertificateBuilder.documentSigner(
            subject: DistinguishedName(commonName: commonName, organization: commonName, country: "VN"),
            publicKey: key.publicKey, notBefore: notBefore, notAfter: notAfter)
        builder.keyUsage = keyUsage
        builder.extendedKeyUsage = extendedKeyUsage
        return (key, try builder.issued(by: root, key: rootKey))
    }
}
