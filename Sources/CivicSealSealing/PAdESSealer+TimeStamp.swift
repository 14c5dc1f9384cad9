import CivicSealCrypto

extension PAdESSealer {
    /// `cms` with a signature-time-stamp over its signature value (RFC 3161 Appendix A).
    /// Interim: the CMS unsigned-attribute helpers come with part T's TimeStampToken; until then this refuses.
    static func addSignatureTimeStamp(to cms: [UInt8], from timestamp: SignatureTimeStamper)
        throws(SealingError) -> [UInt8]
    {
        throw SealingError(.timestampFailed, "signature timestamps are not available in this build yet")
    }
}
