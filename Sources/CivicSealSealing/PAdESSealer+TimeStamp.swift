import CivicSealCrypto

extension PAdESSealer {
    /// `cms` with a signature-time-stamp over its signature value (RFC 3161 Appendix A): the token must parse,
    /// carry its own valid signature from a timeStamping certificate, and cover exactly that value.
    static func addSignatureTimeStamp(to cms: [UInt8], from timestamp: SignatureTimeStamper)
        throws(SealingError) -> [UInt8]
    {
        let value: [UInt8]
        do {
            value = try CMSSignedData.signatureValue(of: cms)
        } catch {
            throw SealingError(.signingFailed, "the CMS has no readable signature value: \(error.message)")
        }
        let der: [UInt8]
        do {
            der = try timestamp(value)
        } catch let error as CryptoError where SealingError.meansKeyUnavailable(error) {
            throw SealingError(.keyUnavailable, "the timestamp authority's key is unavailable: \(error)")
        } catch {
            throw SealingError(.timestampFailed, "the timestamp authority gave no token: \(error)")
        }
        let token: TimeStampToken
        do {
            token = try TimeStampToken(der: der)
        } catch {
            throw SealingError(.timestampFailed, "the token is not usable: \(error.message)")
        }
        guard token.covers(value) else {
            throw SealingError(.timestampFailed, "the token does not cover the signature value")
        }
        do {
            return try CMSSignedData.addingSignatureTimeStamp(token, to: cms)
        } catch {
            throw SealingError(.timestampFailed, "the token could not be embedded: \(error.message)")
        }
    }

    /// Refuses a document timestamp token that does not parse or does not cover `digest` (SHA-256).
    static func checkDocumentTimeStamp(_ der: [UInt8], covers digest: [UInt8]) throws(SealingError) {
        let token: TimeStampToken
        do {
            token = try TimeStampToken(der: der)
        } catch {
            throw SealingError(.timestampFailed, "the token is not usable: \(error.message)")
        }
        guard token.covers(digest: digest, algorithm: .sha256) else {
            throw SealingError(.timestampFailed, "the token does not cover the document's byte range")
        }
    }
}
