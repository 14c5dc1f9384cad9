import Foundation

/// Signature time-stamps (RFC 3161 Appendix A; ETSI EN 319 122-1 §5.3): a token over a signature's value,
/// carried as the unsigned attribute id-aa-signatureTimeStampToken of that signature's SignerInfo.
extension CMSSignedData {
    /// The most signature time-stamps read from one SignerInfo.
    package static let maximumSignatureTimeStamps = 8

    /// The signature value (SignerInfo.signature OCTET STRING contents) of a one-signer CMS: what a
    /// signature-time-stamp covers (RFC 3161 Appendix A / ETSI EN 319 122-1 5.3).
    package static func signatureValue(of cms: [UInt8]) throws(CryptoError) -> [UInt8] {
        Array(try SignerInfoLayout(cms).signature)
    }

    /// Re-encodes `cms` with `token` added as unsigned attribute id-aa-signatureTimeStampToken
    /// (1.2.840.113549.1.9.16.2.14). Signed bytes are unchanged, so the signature stays valid.
    package static func addingSignatureTimeStamp(_ token: TimeStampToken, to cms: [UInt8]) throws(CryptoError)
        -> [UInt8]
    {
        let layout = try SignerInfoLayout(cms)
        guard token.covers(Array(layout.signature)) else {
            throw CryptoError(.invalidArgument, "the token does not cover this signature's value")
        }
        let attribute = DER.sequence(DER.oid(OID.signatureTimeStampToken), DER.setOf([token.der]))
        var unsigned = Array(layout.unsignedAttributes?.content ?? [])
        unsigned += attribute
        let signerInfo = DER.tlv(DER.sequence, parts: [Array(layout.signerInfoHead), DER.tlv(0xA1, unsigned)])
        // Wrap outward: SET OF SignerInfo, SignedData, [0], ContentInfo; everything before is copied as is.
        let signerInfos = DER.tlv(DER.set, signerInfo)
        let signedData = DER.tlv(DER.sequence, parts: [Array(layout.signedDataHead), signerInfos])
        return DER.sequence(Array(layout.contentTypeDER), DER.tlv(0xA0, signedData))
    }

    /// The signature time-stamp tokens of a one-signer CMS, each parsed and checked on its own
    /// (``TimeStampToken/init(der:candidates:)``); whether each covers the signature is ``TimeStampToken/covers(_:)``.
    package static func signatureTimeStamps(in cms: [UInt8]) throws(CryptoError) -> [TimeStampToken] {
        let layout = try SignerInfoLayout(cms)
        guard let unsigned = layout.unsignedAttributes else { return [] }
        var tokens: [TimeStampToken] = []
        var attributes = try unsigned.children()
        while !attributes.isAtEnd {
            var attribute = try attributes.read(DER.sequence, "Attribute").children()
            let type = try attribute.read(DER.objectIdentifier, "attribute type").content
            var values = try attribute.read(DER.set, "attribute values").children()
            try attribute.expectEnd("attribute")
            guard type.elementsEqual(OID.signatureTimeStampToken) else { continue }
            while !values.isAtEnd {
                guard tokens.count < maximumSignatureTimeStamps else {
                    throw DER.malformed("more than \(maximumSignatureTimeStamps) signature time-stamps")
                }
                tokens.append(try TimeStampToken(der: Array(try values.read(DER.sequence, "token").encoded)))
            }
        }
        return tokens
    }
}

/// Where the parts of a one-signer CMS SignedData sit, so that unsigned attributes can be replaced without
/// touching a signed byte.
struct SignerInfoLayout {
    /// The ContentInfo's contentType OID element.
    let contentTypeDER: ArraySlice<UInt8>
    /// SignedData's fields before signerInfos (version … crls), encoded.
    let signedDataHead: ArraySlice<UInt8>
    /// SignerInfo's fields up to and including the signature OCTET STRING.
    let signerInfoHead: ArraySlice<UInt8>
    let signature: ArraySlice<UInt8>
    let unsignedAttributes: DERElement?

    init(_ cms: [UInt8]) throws(CryptoError) {
        guard cms.count <= 1 << 20 else { throw DER.malformed("CMS larger than 1 MiB") }
        var top = DERReader(cms)
        var contentInfo = try top.read(DER.sequence, "ContentInfo").children()
        try top.expectEnd("ContentInfo")
        let contentType = try contentInfo.read(DER.objectIdentifier, "contentType")
        guard contentType.content.elementsEqual(OID.signedData) else { throw DER.malformed("not SignedData") }
        var explicit = try contentInfo.read(0xA0, "[0] content").children()
        try contentInfo.expectEnd("content")
        let signedDataElement = try explicit.read(DER.sequence, "SignedData")
        try explicit.expectEnd("SignedData")
        var signedData = try signedDataElement.children()
        let version = try signedData.read(DER.integer, "version")
        _ = try signedData.read(DER.set, "digestAlgorithms")
        _ = try signedData.read(DER.sequence, "encapContentInfo")
        _ = try signedData.readIfPresent(0xA0)
        _ = try signedData.readIfPresent(0xA1)
        let signerInfosElement = try signedData.read(DER.set, "signerInfos")
        try signedData.expectEnd("SignedData")
        var signerInfos = try signerInfosElement.children()
        let signerInfoElement = try signerInfos.read(DER.sequence, "SignerInfo")
        guard signerInfos.isAtEnd else { throw DER.malformed("exactly one signer is expected") }
        var signerInfo = try signerInfoElement.children()
        _ = try signerInfo.read(DER.integer, "SignerInfo version")
        _ = try signerInfo.read()
        _ = try signerInfo.read(DER.sequence, "digestAlgorithm")
        _ = try signerInfo.readIfPresent(0xA0)
        _ = try signerInfo.read(DER.sequence, "signatureAlgorithm")
        let signatureElement = try signerInfo.read(DER.octetString, "signature")
        let unsigned = try signerInfo.readIfPresent(0xA1)
        try signerInfo.expectEnd("SignerInfo")
        contentTypeDER = contentType.encoded
        signedDataHead = cms[version.encoded.startIndex..<signerInfosElement.encoded.startIndex]
        signerInfoHead = cms[signerInfoElement.content.startIndex..<signatureElement.encoded.endIndex]
        signature = signatureElement.content
        unsignedAttributes = unsigned
    }
}
