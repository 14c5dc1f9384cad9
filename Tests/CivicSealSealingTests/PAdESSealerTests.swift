import CivicSealCrypto
import CivicSealPDF
import CivicSealSealing
import Foundation
import Testing

/// The sealer on its own: a plain PDF from the writer, a signer from a throwaway root, no templates and no keyring.
/// Validators nobody here wrote judge the seal in `CivicSealVerificationTests` (`PAdESInteropTests`).
@Suite struct PAdESSealerTests {
    static let signingTime = Date(timeIntervalSince1970: 1_790_000_000)

    static func document(capacity: Int? = 8192) -> PDFFile {
        let info = PDFDocumentInfo(
            title: "Phiếu thử", author: "Sở Tư pháp thử nghiệm", documentID: "7QH2KX9V4M3TBCJ5RW8ZNPYD6A",
            creationDate: signingTime)
        let field = capacity.map { PDFSignatureField(contentsCapacity: $0, signingTime: signingTime) }
        return PDFDocument(info: info, pages: [PDFPage()], signatureField: field).render()
    }

    static func signer() throws -> (signer: CMSSigner, root: Certificate) {
        let validity = (Date().addingTimeInterval(-3600), Date().addingTimeInterval(86400))
        let rootKey = try PrivateKey.generate(.ecP256)
        let root = try CertificateBuilder.rootAuthority(
            subject: DistinguishedName([.init("C", "VN"), .init("CN", "Gốc thử")]), publicKey: rootKey.publicKey,
            notBefore: validity.0, notAfter: validity.1
        ).selfSigned(with: rootKey)
        let key = try PrivateKey.generate(.ecP256)
        let certificate = try CertificateBuilder.documentSigner(
            subject: DistinguishedName([.init("C", "VN"), .init("CN", "Sở Tư pháp thử nghiệm")]),
            publicKey: key.publicKey, notBefore: validity.0, notAfter: validity.1
        ).issued(by: root, key: rootKey)
        return (try CMSSigner(key: key, certificate: certificate, chain: [root]), root)
    }

    /// The DER the sealer wrote at the start of the `/Contents` hex string (the rest stays zero).
    static func embeddedCMS(_ sealed: [UInt8], _ contents: Range<Int>) throws -> [UInt8] {
        let hex = Array(sealed[(contents.lowerBound + 1)..<(contents.upperBound - 1)])
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: hex.count, by: 2) {
            bytes.append(try #require(UInt8(String(decoding: hex[index..<(index + 2)], as: UTF8.self), radix: 16)))
        }
        #expect(bytes.first == 0x30, "a CMS ContentInfo is a DER SEQUENCE")
        let lengthOctets = bytes[1] < 0x80 ? 0 : Int(bytes[1] & 0x7F)
        let length =
            lengthOctets == 0 ? Int(bytes[1]) : bytes[2..<(2 + lengthOctets)].reduce(0) { $0 << 8 | Int($1) }
        return Array(bytes[0..<(2 + lengthOctets + length)])
    }

    @Test func sealingFillsOnlyThePlaceholderAndTheCMSCoversTheByteRange() throws {
        let file = Self.document()
        let location = try #require(file.signature)
        let (signer, root) = try Self.signer()
        let sealed = try PAdESSealer.seal(file, signer: signer)

        #expect(sealed.count == file.bytes.count, "no byte moves")
        let range = location.byteRange
        let covered = Array(sealed[range[0]..<(range[0] + range[1])]) + sealed[range[2]..<(range[2] + range[3])]
        let original =
            Array(file.bytes[range[0]..<(range[0] + range[1])]) + file.bytes[range[2]..<(range[2] + range[3])]
        #expect(covered == original, "only the /Contents hex string changes")

        let cms = try Self.embeddedCMS(sealed, location.contents)
        let verification = CMSSignedData.verifyDetached(
            cms, content: covered, validator: try ChainValidator(trustAnchors: [root]),
            requireSigningCertificateV2: true)
        #expect(verification.isValid, "\(String(describing: verification.failure))")
        #expect(verification.signingTime == nil, "PAdES B-B: no CMS signing-time, the claim is the dictionary's /M")
    }

    @Test func aFileWithoutASignatureFieldIsRefused() throws {
        let (signer, _) = try Self.signer()
        #expect(throws: SealingError(.noPlaceholder, "")) {
            try PAdESSealer.seal(Self.document(capacity: nil), signer: signer)
        }
    }

    @Test func aCMSLargerThanThePlaceholderIsRefused() throws {
        let (signer, _) = try Self.signer()
        #expect(throws: SealingError(.placeholderTooSmall, "")) {
            try PAdESSealer.seal(Self.document(capacity: 64), signer: signer)
        }
    }
}
