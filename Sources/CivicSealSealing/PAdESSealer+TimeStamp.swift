import CivicSealCrypto

extension PAdESSealer {
    /// `cms` with a signature-time-stamp over its signature value (RFC 3161 Appendix A).
    static func addSignatureTimeStamp(to cms: [UInt8], from timestamp: SignatureTimeStamper)
        throws(SealingError) -> [UInt8]
    {
        do {
            let value = try CMSSignedData.signatureValue(of: cms)
            let token = try TimeStampToken(der: try timestamp(value))
            guard token.covers(value) else {
                throw SealingError(.timestampFailed, "the timestamp token does not cover the signature value")
            }
            return try CMSSignedData.addingSignatureTimeStamp(token, to: cms)
        } catch let error as SealingError {
            throw error
        } catch {
            throw SealingError(.timestampFailed, "\(error)")
        }
    }

    /// Interim: checks only that the token is a DER SEQUENCE until part T's TimeStampToken can parse it.
    static func checkDocumentTimeStamp(_ der: [UInt8], covers digest: [UInt8]) throws(SealingError) {
        guard der.first == 0x30 else { throw SealingError(.timestampFailed, "the token is not a DER SEQUENCE") }
    }
}
