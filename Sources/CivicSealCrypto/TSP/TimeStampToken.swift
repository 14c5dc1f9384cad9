internal import COpenSSL
import Foundation

/// An RFC 3161 time-stamp token: a CMS `ContentInfo(SignedData)` whose encapsulated content is a `TSTInfo`
/// (§2.4.2), signed by a time-stamp authority.
///
/// Parsing checks the token on its own: strict bounded DER, eContentType id-ct-TSTInfo, one signer, the
/// content-type and message-digest attributes, the CMS signature, the ESS signing-certificate(-v2) binding to a
/// certificate in the token (RFC 5816), and that certificate's single, critical id-kp-timeStamping extended key
/// usage (RFC 3161 §2.3). The TSA certificate's chain is the caller's concern (a ``ChainValidator``).
package struct TimeStampToken: Sendable, Equatable {
    /// The largest token accepted (a token with a short chain is 2–5 KiB).
    package static let maximumSize = 64 * 1024

    package let der: [UInt8]
    package let generationTime: Date
    package let digestAlgorithm: DigestAlgorithm
    package let messageImprint: [UInt8]
    /// Positive INTEGER content bytes.
    package let serialNumber: [UInt8]
    /// Dotted OID of the TSA policy.
    package let policy: String
    package let nonce: [UInt8]?
    package let accuracy: Duration?
    /// The TSA certificate: from the token's certificates (or the `candidates` given), matched by ESS cert id.
    package let signerCertificate: Certificate?
    /// Every certificate the token carries.
    package let certificates: [Certificate]

    package static func == (lhs: TimeStampToken, rhs: TimeStampToken) -> Bool { lhs.der == rhs.der }

    /// Builds a token the authority just signed (no re-parse).
    init(
        signed der: [UInt8], generationTime: Date, digestAlgorithm: DigestAlgorithm, messageImprint: [UInt8],
        serialNumber: [UInt8], policy: String, nonce: [UInt8]?, accuracy: Duration?, signer: Certificate,
        certificates: [Certificate]
    ) {
        self.der = der
        self.generationTime = generationTime
        self.digestAlgorithm = digestAlgorithm
        self.messageImprint = messageImprint
        self.serialNumber = serialNumber
        self.policy = policy
        self.nonce = nonce
        self.accuracy = accuracy
        self.signerCertificate = signer
        self.certificates = certificates
    }

    /// Parses and checks a token (see the type's documentation).
    /// - Parameter candidates: certificates to look for the signer in when the token carries none (certReq false).
    package init(der: [UInt8], candidates: [Certificate] = []) throws(CryptoError) {
        guard der.count <= Self.maximumSize else {
            throw CryptoError(.malformedInput, "time-stamp token larger than \(Self.maximumSize) bytes")
        }
        let parsed = try TimeStampTokenParser.parse(der, candidates: candidates)
        self.der = der
        generationTime = parsed.info.generationTime
        digestAlgorithm = parsed.info.digestAlgorithm
        messageImprint = parsed.info.messageImprint
        serialNumber = parsed.info.serialNumber
        policy = parsed.info.policy
        nonce = parsed.info.nonce
        accuracy = parsed.info.accuracy
        signerCertificate = parsed.signer
        certificates = parsed.certificates
    }

    /// The token inside a DER `TimeStampResp`; only status granted (0) or grantedWithMods (1) yields one.
    package init(response: [UInt8]) throws(CryptoError) {
        guard response.count <= Self.maximumSize + 1024 else {
            throw CryptoError(.malformedInput, "time-stamp response too large")
        }
        let status = try TimeStampResponseStatus(response: response)
        guard status.isGranted, let token = status.tokenDER else {
            throw CryptoError(.timeStampRejected, "the authority answered \(status)")
        }
        try self.init(der: token)
    }

    /// Whether the token's message imprint is the hash of `data`.
    package func covers(_ data: [UInt8]) -> Bool {
        covers(digest: Digest.hash(data, algorithm: digestAlgorithm), algorithm: digestAlgorithm)
    }

    package func covers(digest: [UInt8], algorithm: DigestAlgorithm) -> Bool {
        algorithm == digestAlgorithm && ConstantTime.equals(digest, messageImprint)
    }

    /// The TSA certificate's chain as of the generation time (the token itself was checked when parsed).
    package func validateSigner(with validator: ChainValidator) -> ChainVerdict? {
        guard let signerCertificate else { return nil }
        return validator.validate(
            signerCertificate, intermediates: certificates.filter { $0 != signerCertificate }, at: generationTime)
    }
}

/// The status part of a `TimeStampResp` (RFC 3161 §2.4.2).
package struct TimeStampResponseStatus: Sendable, CustomStringConvertible {
    /// PKIStatus: 0 granted, 1 grantedWithMods, 2 rejection, 3 waiting, 4 revocationWarning, 5 revocationNotification.
    package let status: Int
    package let statusText: [String]
    /// The PKIFailureInfo bit set, if any (0 badAlg, 2 badRequest, 5 badDataFormat, 14 timeNotAvailable,
    /// 15 unacceptedPolicy, 16 unacceptedExtension, 17 addInfoNotAvailable, 25 systemFailure).
    package let failureBits: [Int]
    package let tokenDER: [UInt8]?

    package var isGranted: Bool { status == 0 || status == 1 }

    package var description: String {
        "status \(status)" + (failureBits.isEmpty ? "" : " failInfo \(failureBits)")
            + (statusText.isEmpty ? "" : " (\(statusText.joined(separator: "; ")))")
    }

    package init(response: [UInt8]) throws(CryptoError) {
        var top = DERReader(response)
        var body = try top.read(DER.sequence, "TimeStampResp").children()
        try top.expectEnd("TimeStampResp")
        var info = try body.read(DER.sequence, "PKIStatusInfo").children()
        guard let status = TSPEncoding.smallValue(try info.read(DER.integer, "status")), status <= 5 else {
            throw DER.malformed("bad PKIStatus")
        }
        var texts: [String] = []
        if let freeText = try info.readIfPresent(DER.sequence) {
            var reader = try freeText.children()
            while !reader.isAtEnd, texts.count < 16 {
                texts.append(String(decoding: try reader.read(0x0C, "UTF8String").content, as: UTF8.self))
            }
        }
        var bits: [Int] = []
        if let failInfo = try info.readIfPresent(TSPEncoding.bitString) {
            let content = Array(failInfo.content)
            guard let unused = content.first, unused < 8, content.count <= 5 else { throw DER.malformed("failInfo") }
            for (index, byte) in content.dropFirst().enumerated() {
                for bit in 0..<8 where byte & (0x80 >> UInt8(bit)) != 0 { bits.append(index * 8 + bit) }
            }
        }
        try info.expectEnd("PKIStatusInfo")
        let token = try body.readIfPresent(DER.sequence)
        try body.expectEnd("TimeStampResp")
        self.status = status
        statusText = texts
        failureBits = bits
        tokenDER = token.map { Array($0.encoded) }
    }
}

/// The fields of a `TSTInfo` (RFC 3161 §2.4.2).
struct TSTInfoFields {
    var policy: String
    var digestAlgorithm: DigestAlgorithm
    var messageImprint: [UInt8]
    var serialNumber: [UInt8]
    var generationTime: Date
    var accuracy: Duration?
    var nonce: [UInt8]?

    init(der: ArraySlice<UInt8>) throws(CryptoError) {
        var top = DERReader(der)
        var info = try top.read(DER.sequence, "TSTInfo").children()
        try top.expectEnd("TSTInfo")
        guard TSPEncoding.smallValue(try info.read(DER.integer, "TSTInfo version")) == 1 else {
            throw DER.malformed("TSTInfo version must be 1")
        }
        guard let policy = TSPEncoding.dotted(try info.read(DER.objectIdentifier, "policy").content) else {
            throw DER.malformed("bad TSA policy")
        }
        self.policy = policy
        (digestAlgorithm, messageImprint) = try TimeStampRequest.parseMessageImprint(
            info.read(DER.sequence, "messageImprint"))
        let serial = try info.read(DER.integer, "serialNumber").content
        guard TSPEncoding.isPositiveInteger(serial), serial.count <= 20 + 1 else {
            throw DER.malformed("serialNumber must be a positive INTEGER of at most 160 bits")
        }
        serialNumber = Array(serial)
        generationTime = try TSPEncoding.parseGeneralizedTime(info.read(DER.generalizedTime, "genTime"))
        if let element = try info.readIfPresent(DER.sequence) {
            var reader = try element.children()
            var total = Duration.zero
            if let seconds = try reader.readIfPresent(DER.integer) {
                guard let value = TSPEncoding.smallValue(seconds) else { throw DER.malformed("accuracy seconds") }
                total += .seconds(value)
            }
            if let millis = try reader.readIfPresent(0x80) {
                guard let value = TSPEncoding.smallValue(millis), (1...999).contains(value) else {
                    throw DER.malformed("accuracy millis")
                }
                total += .milliseconds(value)
            }
            if let micros = try reader.readIfPresent(0x81) {
                guard let value = TSPEncoding.smallValue(micros), (1...999).contains(value) else {
                    throw DER.malformed("accuracy micros")
                }
                total += .microseconds(value)
            }
            try reader.expectEnd("accuracy")
            accuracy = total
        }
        if let ordering = try info.readIfPresent(TSPEncoding.boolean), ordering.content.count != 1 {
            throw DER.malformed("ordering is not a BOOLEAN")
        }
        if let element = try info.readIfPresent(DER.integer) {
            guard TSPEncoding.isPositiveInteger(element.content), element.content.count <= 64 else {
                throw DER.malformed("nonce must be a positive INTEGER")
            }
            nonce = Array(element.content)
        }
        _ = try info.readIfPresent(0xA0)  // tsa GeneralName
        _ = try info.readIfPresent(0xA1)  // extensions
        try info.expectEnd("TSTInfo")
    }
}

/// The token's CMS layer, read strictly and checked (signature, ESS binding, the TSA certificate's usage).
enum TimeStampTokenParser {
    struct Parsed {
        var info: TSTInfoFields
        var signer: Certificate
        var certificates: [Certificate]
    }

    static func parse(_ der: [UInt8], candidates: [Certificate]) throws(CryptoError) -> Parsed {
        var top = DERReader(der)
        var contentInfo = try top.read(DER.sequence, "ContentInfo").children()
        try top.expectEnd("ContentInfo")
        guard try contentInfo.read(DER.objectIdentifier, "contentType").content.elementsEqual(OID.signedData) else {
            throw DER.malformed("a time-stamp token is a SignedData")
        }
        var explicit = try contentInfo.read(0xA0, "[0] content").children()
        try contentInfo.expectEnd("content")
        var signedData = try explicit.read(DER.sequence, "SignedData").children()
        try explicit.expectEnd("SignedData")
        _ = try signedData.read(DER.integer, "version")
        _ = try signedData.read(DER.set, "digestAlgorithms")
        var encapsulated = try signedData.read(DER.sequence, "encapContentInfo").children()
        guard try encapsulated.read(DER.objectIdentifier, "eContentType").content.elementsEqual(OID.tstInfo) else {
            throw DER.malformed("eContentType is not id-ct-TSTInfo")
        }
        var eContent = try encapsulated.read(0xA0, "eContent").children()
        let tstInfoDER = try eContent.read(DER.octetString, "TSTInfo OCTET STRING").content
        try eContent.expectEnd("eContent")
        try encapsulated.expectEnd("encapContentInfo")
        let info = try TSTInfoFields(der: tstInfoDER)

        var certificates: [Certificate] = []
        if let set = try signedData.readIfPresent(0xA0) {
            var reader = try set.children()
            while !reader.isAtEnd {
                let choice = try reader.read()
                guard certificates.count < CMSSignedData.maximumCertificates else {
                    throw DER.malformed("too many certificates")
                }
                if choice.tag == DER.sequence {
                    certificates.append(try CertificateCache.shared.certificate(der: choice.encoded))
                }
            }
        }
        _ = try signedData.readIfPresent(0xA1)
        var signerInfos = try signedData.read(DER.set, "signerInfos").children()
        try signedData.expectEnd("SignedData")
        var signerInfo = try signerInfos.read(DER.sequence, "SignerInfo").children()
        guard signerInfos.isAtEnd else { throw DER.malformed("a time-stamp token has exactly one signer") }

        _ = try signerInfo.read(DER.integer, "SignerInfo version")
        let identifier = try signerInfo.read()
        var digestIdentifier = try signerInfo.read(DER.sequence, "digestAlgorithm").children()
        let digestOID = try digestIdentifier.read(DER.objectIdentifier, "digest OID").content
        guard let digest = OID.digestAlgorithm(digestOID) else {
            throw CryptoError(.unsupportedAlgorithm, "token digest \(TSPEncoding.dotted(digestOID) ?? "?")")
        }
        guard let signedAttributes = try signerInfo.readIfPresent(0xA0) else {
            throw DER.malformed("signed attributes are required")
        }
        let signatureAlgorithmElement = try signerInfo.read(DER.sequence, "signatureAlgorithm")
        let signatureValue = try signerInfo.read(DER.octetString, "signature").content
        _ = try signerInfo.readIfPresent(0xA1)
        try signerInfo.expectEnd("SignerInfo")

        // Signed attributes: content-type id-ct-TSTInfo, message-digest, ESS signing certificate (v2 or v1).
        var attributes = try signedAttributes.children()
        var seen: Set<[UInt8]> = []
        var messageDigest: ArraySlice<UInt8>?
        var contentTypeOK = false
        var ess: (DigestAlgorithm?, ArraySlice<UInt8>, ArraySlice<UInt8>?)?
        while !attributes.isAtEnd {
            var attribute = try attributes.read(DER.sequence, "Attribute").children()
            let type = Array(try attribute.read(DER.objectIdentifier, "attribute type").content)
            var values = try attribute.read(DER.set, "attribute values").children()
            try attribute.expectEnd("attribute")
            guard seen.insert(type).inserted else { throw DER.malformed("a signed attribute appears twice") }
            let value = try values.read()
            switch type {
            case OID.contentType:
                contentTypeOK = value.tag == DER.objectIdentifier && value.content.elementsEqual(OID.tstInfo)
            case OID.messageDigest:
                guard value.tag == DER.octetString else { throw DER.malformed("message-digest") }
                messageDigest = value.content
            case OID.signingCertificateV2:
                let (algorithm, hash, serial) = try CMSSignedData.essCertID(value)
                ess = (algorithm, hash, serial)
            case OID.signingCertificate:
                if ess == nil { ess = try essCertIDv1(value) }
            default:
                break
            }
        }
        guard contentTypeOK else { throw invalid("the content-type attribute is not id-ct-TSTInfo") }
        guard let messageDigest, messageDigest.elementsEqual(Digest.hash(tstInfoDER, algorithm: digest)) else {
            throw invalid("the message digest does not match the TSTInfo")
        }
        guard let ess else { throw invalid("no ESS signing-certificate attribute (RFC 5816)") }

        // The signer: the certificate the ESS attribute names, which the SignerIdentifier must also name.
        let pool = certificates + candidates
        let signer = pool.first { certificate in
            let hash: [UInt8] = ess.0.map { Digest.hash(certificate.der, algorithm: $0) } ?? sha1(certificate.der)
            return ess.1.elementsEqual(hash) && (ess.2.map { $0.elementsEqual(certificate.serialNumberDER) } ?? true)
        }
        guard let signer else { throw invalid("the TSA certificate named by the ESS attribute is not available") }
        switch identifier.tag {
        case DER.sequence:
            guard identifier.content.elementsEqual(signer.issuerNameDER + signer.serialNumberDER) else {
                throw invalid("the signer identifier does not name the ESS certificate")
            }
        case 0x80:
            guard let keyID = signer.subjectKeyIdentifier, identifier.content.elementsEqual(keyID) else {
                throw invalid("the signer identifier does not name the ESS certificate")
            }
        default:
            throw DER.malformed("unknown signer identifier")
        }
        let (algorithm, saltLength) = try CMSSignedData.signatureAlgorithm(signatureAlgorithmElement, digest: digest)
        guard let algorithm else { throw CryptoError(.unsupportedAlgorithm, "token signature algorithm") }
        var signedBytes = Array(signedAttributes.encoded)
        signedBytes[0] = DER.set
        let valid = signedBytes.withUnsafeBytes { data in
            Array(signatureValue).withUnsafeBytes {
                signer.publicKey.key.verify($0, data, algorithm: algorithm, pssSaltLength: saltLength)
            }
        }
        guard valid else { throw invalid("the token's signature does not verify") }
        guard isTimeStampingCertificate(signer) else {
            throw invalid("the TSA certificate lacks a single critical id-kp-timeStamping extended key usage")
        }
        return Parsed(info: info, signer: signer, certificates: certificates)
    }

    static func invalid(_ message: String) -> CryptoError { CryptoError(.timeStampInvalid, message) }

    /// RFC 3161 §2.3: exactly one extended key usage, id-kp-timeStamping, in a critical extension.
    static func isTimeStampingCertificate(_ certificate: Certificate) -> Bool {
        guard certificate.extendedKeyUsage == [OID.timeStampingText] else { return false }
        let index = X509_get_ext_by_NID(certificate.pointer, NID_ext_key_usage, -1)
        guard index >= 0, let ext = X509_get_ext(certificate.pointer, index) else { return false }
        return X509_EXTENSION_get_critical(ext) == 1
    }

    /// ESS signing-certificate (v1, RFC 2634): SHA-1 certificate hash and optional IssuerSerial.
    private static func essCertIDv1(_ value: DERElement) throws(CryptoError) -> (
        DigestAlgorithm?, ArraySlice<UInt8>, ArraySlice<UInt8>?
    ) {
        var signingCertificate = try value.children()
        var certificates = try signingCertificate.read(DER.sequence, "certs").children()
        var certID = try certificates.read(DER.sequence, "ESSCertID").children()
        let hash = try certID.read(DER.octetString, "certHash").content
        var serial: ArraySlice<UInt8>?
        if let issuerSerial = try certID.readIfPresent(DER.sequence) {
            var reader = try issuerSerial.children()
            _ = try reader.read(DER.sequence, "GeneralNames")
            serial = try reader.read(DER.integer, "serialNumber").encoded
        }
        return (nil, hash, serial)
    }

    private static func sha1(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 20)
        bytes.withUnsafeBufferPointer { _ = SHA1($0.baseAddress, $0.count, &out) }
        return out
    }
}
