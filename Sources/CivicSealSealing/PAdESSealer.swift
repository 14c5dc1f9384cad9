import CivicSealCrypto
import CivicSealPDF

/// Seals a PDF as a PAdES baseline B-B signature (ETSI EN 319 142-1): the CMS is `ETSI.CAdES.detached` over
/// the `/ByteRange` — the whole file except the `/Contents` hex string (ISO 32000-1 §12.8.1) — with ESS
/// signing-certificate-v2 and the signer's chain, and WITHOUT the CMS signing-time attribute: in PAdES the
/// claimed signing time is the signature dictionary's `/M` (EN 319 142-1 §5.3, "signing-time shall not be present").
/// Asks a timestamp authority for a token over `signatureValue` (the CMS SignerInfo signature) and returns the
/// TimeStampToken's DER.
package typealias SignatureTimeStamper = @Sendable (_ signatureValue: [UInt8]) throws -> [UInt8]

package enum PAdESSealer {
    /// Fills the signature placeholder of `file` (the one its last revision added: ``CivicSealPDF/PDFDocument``'s
    /// field, or the one ``CivicSealPDF/PDFIncrementalUpdate/serializedForSigning()`` located) and returns the
    /// sealed bytes. No byte moves: the file length and every offset stay as rendered.
    ///
    /// With `timestamp`, the signature becomes PAdES B-T: the authority is asked for a token over the CMS
    /// signature value, which goes in as the unsigned attribute id-aa-signatureTimeStampToken (RFC 3161
    /// Appendix A, ETSI EN 319 142-1 §5.3); the signed bytes do not change, so the signature stays valid.
    package static func seal(_ file: PDFFile, signer: CMSSigner, timestamp: SignatureTimeStamper? = nil)
        throws(SealingError) -> [UInt8]
    {
        guard let location = file.signature else {
            throw SealingError(.noPlaceholder, "the document was rendered without a signature field")
        }
        var bytes = file.bytes
        let hasher = Hasher(signer.digest)
        feed(hasher, bytes, location.byteRange)
        var cms: [UInt8]
        do {
            cms = try CMSSignedData.signDetached(contentDigest: hasher.finalize(), signer: signer, signingTime: nil)
        } catch {
            throw SealingError.signing(error, error.message)
        }
        if let timestamp { cms = try addSignatureTimeStamp(to: cms, from: timestamp) }
        try embed(cms, at: location, into: &bytes)
        return bytes
    }

    /// Fills the document timestamp placeholder of `file` (``CivicSealPDF/PDFIncrementalUpdate/
    /// addDocumentTimeStampField(name:contentsCapacity:)``): `token` gets the SHA-256 of the byte range and
    /// answers an RFC 3161 TimeStampToken (DER) over it, which becomes the `/Contents` (ETSI EN 319 142-1 §5.4.3).
    package static func documentTimeStamp(_ file: PDFFile, token: (_ digest: [UInt8]) throws -> [UInt8])
        throws(SealingError) -> [UInt8]
    {
        guard let location = file.signature else {
            throw SealingError(.noPlaceholder, "the file has no document timestamp placeholder")
        }
        var bytes = file.bytes
        let hasher = Hasher(.sha256)
        feed(hasher, bytes, location.byteRange)
        let digest = hasher.finalize()
        let der: [UInt8]
        do {
            der = try token(digest)
        } catch let error as CryptoError where SealingError.meansKeyUnavailable(error) {
            throw SealingError(.keyUnavailable, "the timestamp authority's key is unavailable: \(error)")
        } catch {
            throw SealingError(.timestampFailed, "the timestamp authority gave no token: \(error)")
        }
        try checkDocumentTimeStamp(der, covers: digest)
        try embed(der, at: location, into: &bytes)
        return bytes
    }

    private static func feed(_ hasher: Hasher, _ bytes: [UInt8], _ range: [Int]) {
        bytes.withUnsafeBytes { raw in
            hasher.update(UnsafeRawBufferPointer(rebasing: raw[range[0]..<(range[0] + range[1])]))
            hasher.update(UnsafeRawBufferPointer(rebasing: raw[range[2]..<(range[2] + range[3])]))
        }
    }

    private static func embed(_ der: [UInt8], at location: PDFSignatureLocation, into bytes: inout [UInt8])
        throws(SealingError)
    {
        guard der.count <= location.capacity else {
            throw SealingError(
                .placeholderTooSmall, "the CMS needs \(der.count) bytes; the placeholder holds \(location.capacity)")
        }
        do {
            try location.embed(der, into: &bytes)
        } catch {
            throw SealingError(.placeholderTooSmall, "\(error)")
        }
    }
}
