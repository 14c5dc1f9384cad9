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
}
