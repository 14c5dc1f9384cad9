import Foundation
import Testing

@testable import CivicSealCrypto

/// The process-wide certificate cache: only trusted certificates, bounded, and nothing from outside evicts them.
@Suite struct CertificateCacheTests {
    static let content = Array("Nội dung được ký".utf8)

    static func cms(_ pki: TestPKI, leaf: (key: PrivateKey, certificate: Certificate)) throws -> [UInt8] {
        let signer = try CMSSigner(key: leaf.key, certificate: leaf.certificate, chain: [pki.root])
        return try CMSSignedData.signDetached(content, signer: signer, signingTime: TestPKI.now)
    }

    /// Many uploads, each carrying certificates nobody has seen: none of them is kept after its verification,
    /// and the trusted chain verified before stays cached.
    @Test func uploadsCarryingDistinctCertificatesLeaveNothingInTheCache() throws {
        let cache = CertificateCache.shared
        let trusted = try TestPKI(commonName: "Trusted root")
        let genuineLeaf = try trusted.leaf()
        let validator = try ChainValidator(trustAnchors: [trusted.root])
        let genuine = CMSSignedData.verifyDetached(
            try Self.cms(trusted, leaf: genuineLeaf), content: Self.content, validator: validator, at: TestPKI.now)
        #expect(genuine.failure == nil, "\(String(describing: genuine.failure))")
        #expect(
            cache.contains(der: trusted.root.der) && cache.contains(der: genuineLeaf.certificate.der),
            "a trusted chain is cached")

        var uploaded: [[UInt8]] = []
        for round in 0..<40 {
            let stranger = try TestPKI(commonName: "Stranger \(round)")
            let leaf = try stranger.leaf("Signer \(round)")
            let cms = try Self.cms(stranger, leaf: leaf)
            // As the verifier reads an upload: parsed, checked, judged untrusted.
            let result = CMSSignedData.verifyDetached(cms, content: Self.content, validator: validator, at: TestPKI.now)
            guard case .untrustedCertificate? = result.failure else {
                Issue.record("round \(round): \(String(describing: result.failure))")
                continue
            }
            #expect(result.certificates.count == 2, "both certificates were parsed")
            uploaded += [leaf.certificate.der, stranger.root.der]
        }
        for der in uploaded { #expect(!cache.contains(der: der), "an uploaded certificate stayed in the cache") }
        #expect(
            cache.contains(der: trusted.root.der) && cache.contains(der: genuineLeaf.certificate.der),
            "trusted entries survive the flood")
        let statistics = cache.statistics
        #expect(statistics.entries <= cache.maximumEntries && statistics.bytes <= cache.maximumBytes)
    }

    /// A full cache refuses new entries instead of evicting old ones, by count and by bytes.
    @Test func fullCacheRefusesInsteadOfEvicting() throws {
        let pki = try TestPKI()
        let first = try pki.leaf("Một").certificate
        let second = try pki.leaf("Hai").certificate
        let third = try pki.leaf("Ba").certificate
        let byCount = CertificateCache(maximumEntries: 2, maximumBytes: 1 << 20)
        #expect(byCount.remember(first) && byCount.remember(second))
        #expect(!byCount.remember(third))
        #expect(
            byCount.contains(der: first.der) && byCount.contains(der: second.der) && !byCount.contains(der: third.der))
        #expect(byCount.statistics == .init(entries: 2, bytes: first.der.count + second.der.count))

        let byBytes = CertificateCache(maximumEntries: 100, maximumBytes: first.der.count + second.der.count / 2)
        #expect(byBytes.remember(first))
        #expect(!byBytes.remember(second))
        #expect(byBytes.statistics == .init(entries: 1, bytes: first.der.count))
        // A hit returns the remembered object itself; a miss parses without remembering.
        #expect(try byCount.certificate(der: first.der[...]) === first)
        #expect(try byCount.certificate(der: third.der[...]) !== third)
        #expect(!byCount.contains(der: third.der))
    }
}
