import CivicSealCrypto

extension PAdESSealer {
    /// `cms` with a signature-time-stamp over its signature value (RFC 3161 Appendix A).
    /// Interim: the CMS unsigned-attribute helpers come with part T's TimeStampToken; until then this refuses.
    static func addSignatureTimeStamp(to cms: [UInt8], from timestamp: SignatureTimeStamper)
        throws(SealingError) -> [UInt8]
    {
        throw SealingError(.timestampFailed, "signature timestamps are not available in this build yet")
    }

    /// Interim: checks only that the token is a DER SEQUENCE until part T's TimeStampToken can parse it.
    static func checkDocumentTimeStamp(_ der: [UInt8], covers digest: [UInt8]) throws(SealingError) {
        guard der.first == 0x30 else { throw SealingError(.timestampFailed, "the token is not a DER SEQUENCE") }
    }
}
