import CivicSealCrypto
import CivicSealPDF

/// Seals a PDF as a PAdES baseline B-B signature (ETSI EN 319 142-1): the CMS is `ETSI.CAdES.detached` over
/// the `/ByteRange` — the whole file except the `/Contents` hex string (ISO 32000-1 §12.8.1) — with ESS
/// signing-certificate-v2 and the signer's chain, and WITHOUT the CMS signing-time attribute: in PAdES the
/// claimed signing time is the signature dictionary's `/M` (EN 319 142-1 §5.3, "signing-time shall not be present").
package enum PAdESSealer {
    /// Fills the signature placeholder of `file` (made by ``CivicSealPDF/PDFDocument`` with a signature field) and
    /// returns the sealed bytes. No byte moves: the file length and every offset stay as rendered.
    package static func seal(_ file: PDFFile, signer: CMSSigner) throws(SealingError) -> [UInt8] {
        guard let location = file.signature else {
            throw SealingError(.noPlaceholder, "the document was rendered without a signature field")
        }
        var bytes = file.bytes
        let range = location.byteRange
        let hasher = Hasher(signer.digest)
        bytes.withUnsafeBytes { raw in
            hasher.update(UnsafeRawBufferPointer(rebasing: raw[range[0]..<(range[0] + range[1])]))
            hasher.update(UnsafeRawBufferPointer(rebasing: raw[range[2]..<(range[2] + range[3])]))
        }
        let cms: [UInt8]
        do {
            cms = try CMSSignedData.signDetached(contentDigest: hasher.finalize(), signer: signer, signingTime: nil)
        } catch {
            throw SealingError(.signingFailed, error.message)
        }
        guard cms.count <= location.capacity else {
            throw SealingError(
                .placeholderTooSmall, "the CMS needs \(cms.count) bytes; the placeholder holds \(location.capacity)")
        }
        do {
            try location.embed(cms, into: &bytes)
        } catch {
            throw SealingError(.placeholderTooSmall, "\(error)")
        }
        return bytes
    }
}
