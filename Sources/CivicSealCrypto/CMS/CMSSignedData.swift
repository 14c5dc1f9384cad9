import Foundation

/// Detached CMS SignedData (RFC 5652) over bytes, as CAdES and PAdES use it.
///
/// Signed attributes: content-type (id-data), message-digest, signing-time (optional: PAdES
/// baseline signatures carry the time in the PDF instead) and ESS signing-certificate-v2 (RFC 5035),
/// which binds the signer certificate to the signature. The structure is encoded and parsed here in
/// strict DER; every digest and signature operation is OpenSSL's.
package enum CMSSignedData {
    /// The most certificates a SignedData may carry (the signer's chain; PAdES signers send two to five).
    package static let maximumCertificates = 32

    /// DER `ContentInfo` holding a detached SignedData over `content`.
    /// - Parameter signingTime: the signing-time attribute; nil leaves it out.
    package static func signDetached(
        _ content: some ContiguousBytes, signer: CMSSigner, signingTime: Date? = Date()
    ) throws(CryptoError) -> [UInt8] {
        let digest = content.withUnsafeBytes { Digest.hash($0, algorithm: signer.digest) }
        return try signDetached(contentDigest: digest, signer: signer, signingTime: signingTime)
    }

    /// As ``signDetached(_:signer:signingTime:)`` for a caller that hashed the content itself
    /// (e.g. the two byte ranges of a PDF) with `signer`'s digest algorithm.
    package static func signDetached(contentDigest: [UInt8], signer: CMSSigner, signingTime: Date?) throws(CryptoError)
        -> [UInt8]
    {
        guard contentDigest.count == signer.digest.outputLength else {
            throw CryptoError(.invalidArgument, "content digest must be \(signer.digest.rawValue)")
        }
        var attributes = [
            DER.sequence(DER.oid(OID.contentType), DER.setOf([DER.oid(OID.data)])),
            DER.sequence(DER.oid(OID.messageDigest), DER.setOf([DER.octets(contentDigest)])),
            signer.prepared.signingCertificateV2Attribute,
        ]
        if let signingTime {
            attributes.append(DER.sequence(DER.oid(OID.signingTime), DER.setOf([DER.time(signingTime)])))
        }
        // The signature covers the attributes encoded as an explicit SET OF (RFC 5652 §5.4).
        let signedAttributes = DER.setOf(attributes)
        let signature = try signer.key.signature(for: signedAttributes, algorithm: signer.algorithm)
        var implicitAttributes = signedAttributes
        implicitAttributes[0] = 0xA0

        let signerInfo = DER.sequence(
            DER.smallInteger(1), signer.prepared.issuerAndSerial, signer.prepared.digestAlgorithmIdentifier,
            implicitAttributes, signer.prepared.signatureAlgorithmIdentifier, DER.octets(signature))
        let signedData = DER.sequence(
            DER.smallInteger(1), DER.setOf([signer.prepared.digestAlgorithmIdentifier]),
            DER.sequence(DER.oid(OID.data)), signer.prepared.certificateSet, DER.setOf([signerInfo]))
        return DER.sequence(DER.oid(OID.signedData), DER.tlv(0xA0, signedData))
    }

    /// Verifies a detached CMS signature over `content`.
    ///
    /// Checks, in order: structure (DER, SignedData, detached, one signer), the signer certificate is
    /// embedded, SHA-2 digest and a known signature algorithm, the message-digest attribute equals the
    /// content's digest, the signature over the signed attributes, the ESS signing-certificate-v2 binding,
    /// and — when `validator` is given — the signer's chain as of the signing time (else `time`).
    package static func verifyDetached(
        _ cmsDER: [UInt8], content: some ContiguousBytes, validator: ChainValidator? = nil,
        at time: Date = Date(), requireSigningCertificateV2: Bool = false
    ) -> CMSVerification {
        verifyDetached(
            cmsDER, contentDigest: { algorithm in content.withUnsafeBytes { Digest.hash($0, algorithm: algorithm) } },
            validator: validator, at: time, requireSigningCertificateV2: requireSigningCertificateV2)
    }

    /// As ``verifyDetached(_:content:validator:at:requireSigningCertificateV2:)`` for a caller that hashes
    /// the content itself once the digest algorithm is known (e.g. the byte ranges of a PDF).
    package static func verifyDetached(
        _ cmsDER: [UInt8], contentDigest: (DigestAlgorithm) -> [UInt8], validator: ChainValidator? = nil,
        at time: Date = Date(), requireSigningCertificateV2: Bool = false
    ) -> CMSVerification {
        var result = Partial()
        do throws(CryptoError) {
            result.failure = try verify(cmsDER, contentDigest, validator, time, requireSigningCertificateV2, &result)
        } catch {
            result.failure = .malformed(error.message)
        }
        return CMSVerification(
            signerCertificate: result.signer, certificates: result.certificates, signingTime: result.signingTime,
            digestAlgorithm: result.digest, signatureAlgorithm: result.signatureAlgorithm,
            hasSigningCertificateV2: result.hasESS, chain: result.chain, failure: result.failure)
    }

    private struct Partial {
        var signer: Certificate?
        var certificates: [Certificate] = []
        var signingTime: Date?
        var digest: DigestAlgorithm?
        var signatureAlgorithm: SignatureAlgorithm?
        var hasESS = false
        var chain: [Certificate] = []
        var failure: CMSFailure?
    }

    private static func verify(
        _ der: [UInt8], _ contentDigest: (DigestAlgorithm) -> [UInt8], _ validator: ChainValidator?, _ time: Date,
        _ requireESS: Bool, _ result: inout Partial
    ) throws(CryptoError) -> CMSFailure? {
        // ContentInfo and SignedData (RFC 5652 §3, §5.1).
        var top = DERReader(der)
        var contentInfo = try top.read(DER.sequence, "ContentInfo").children()
        try top.expectEnd("ContentInfo")
        guard try contentInfo.read(DER.objectIdentifier, "contentType").content.elementsEqual(OID.signedData) else {
            return .malformed("not SignedData")
        }
        var explicit = try contentInfo.read(0xA0, "[0] content").children()
        try contentInfo.expectEnd("content")
        var signedData = try explicit.read(DER.sequence, "SignedData").children()
        try explicit.expectEnd("SignedData")
        _ = try signedData.read(DER.integer, "version")
        _ = try signedData.read(DER.set, "digestAlgorithms")
        var encapsulated = try signedData.read(DER.sequence, "encapContentInfo").children()
        _ = try encapsulated.read(DER.objectIdentifier, "eContentType")
        guard encapsulated.isAtEnd else { return .malformed("content is attached, expected detached") }
        if let certificates = try signedData.readIfPresent(0xA0) {
            var reader = try certificates.children()
            while !reader.isAtEnd {
                let choice = try reader.read()
                // A signer sends its chain (a handful); thousands would only make every upload expensive to parse.
                guard result.certificates.count < maximumCertificates else {
                    return .malformed("more than \(maximumCertificates) certificates")
                }
                if choice.tag == DER.sequence {
                    result.certificates.append(try CertificateCache.shared.certificate(der: choice.encoded))
                }
            }
        }
        _ = try signedData.readIfPresent(0xA1)  // CRLs are not used for validation here
        var signerInfos = try signedData.read(DER.set, "signerInfos").children()
        try signedData.expectEnd("signerInfos")
        guard !signerInfos.isAtEnd else { return .malformed("no signer") }
        var signerInfo = try signerInfos.read(DER.sequence, "SignerInfo").children()
        guard signerInfos.isAtEnd else { return .malformed("exactly one signer is expected") }

        // SignerInfo (RFC 5652 §5.3).
        _ = try signerInfo.read(DER.integer, "SignerInfo version")
        let identifier = try signerInfo.read()
        let signer: Certificate?
        switch identifier.tag {
        case DER.sequence:
            signer = result.certificates.first {
                $0.issuerNameDER.count + $0.serialNumberDER.count == identifier.content.count
                    && Array(identifier.content) == $0.issuerNameDER + $0.serialNumberDER
            }
        case 0x80:
            signer = result.certificates.first {
                $0.subjectKeyIdentifier.map { identifier.content.elementsEqual($0) } ?? false
            }
        default:
            return .malformed("unknown signer identifier")
        }
        guard let signer else { return .signerCertificateMissing }
        result.signer = signer

        var digestAlgorithmReader = try signerInfo.read(DER.sequence, "digestAlgorithm").children()
        let digestOID = try digestAlgorithmReader.read(DER.objectIdentifier, "digest OID").content
        guard let digest = OID.digestAlgorithm(digestOID) else {
            return .unsupportedAlgorithm("digest \(OID.dotted(digestOID))")
        }
        result.digest = digest
        guard let signedAttributes = try signerInfo.readIfPresent(0xA0) else {
            return .malformed("signed attributes are required")
        }
        let signatureAlgorithmElement = try signerInfo.read(DER.sequence, "signatureAlgorithm")
        let signatureValue = try signerInfo.read(DER.octetString, "signature").content
        _ = try signerInfo.readIfPresent(0xA1)
        try signerInfo.expectEnd("SignerInfo")

        let (algorithm, saltLength) = try signatureAlgorithm(signatureAlgorithmElement, digest: digest)
        guard let algorithm else {
            return .unsupportedAlgorithm("signature \(saltLength.map { "RSA-PSS salt \($0)" } ?? "algorithm")")
        }
        result.signatureAlgorithm = algorithm

        // Signed attributes: each type once; content-type and message-digest required (RFC 5652 §11).
        var attributes = try signedAttributes.children()
        var seen: Set<[UInt8]> = []
        var messageDigest: ArraySlice<UInt8>?
        var contentTypeIsData = false
        var essCertificateHash: (DigestAlgorithm, ArraySlice<UInt8>, ArraySlice<UInt8>?)?
        while !attributes.isAtEnd {
            var attribute = try attributes.read(DER.sequence, "Attribute").children()
            let type = Array(try attribute.read(DER.objectIdentifier, "attribute type").content)
            var values = try attribute.read(DER.set, "attribute values").children()
            try attribute.expectEnd("attribute")
            guard seen.insert(type).inserted else { return .malformed("attribute \(OID.dotted(type)) appears twice") }
            let value = try values.read()
            switch type {
            case OID.contentType:
                try values.expectEnd("content-type")
                contentTypeIsData = value.tag == DER.objectIdentifier && value.content.elementsEqual(OID.data)
            case OID.messageDigest:
                try values.expectEnd("message-digest")
                guard value.tag == DER.octetString else { return .malformed("message-digest is not an OCTET STRING") }
                messageDigest = value.content
            case OID.signingTime:
                try values.expectEnd("signing-time")
                result.signingTime = try DER.parseTime(value)
            case OID.signingCertificateV2:
                essCertificateHash = try essCertID(value)
            default:
                break
            }
        }
        guard contentTypeIsData else { return .malformed("content-type attribute must be id-data") }
        guard let messageDigest else { return .malformed("message-digest attribute missing") }
        guard messageDigest.elementsEqual(contentDigest(digest)) else { return .digestMismatch }

        var signedBytes = Array(signedAttributes.encoded)
        signedBytes[0] = DER.set
        let valid = signedBytes.withUnsafeBytes { data in
            Array(signatureValue).withUnsafeBytes {
                signer.publicKey.key.verify($0, data, algorithm: algorithm, pssSaltLength: saltLength)
            }
        }
        guard valid else { return .badSignature }

        if let (hashAlgorithm, hash, serial) = essCertificateHash {
            guard hash.elementsEqual(Digest.hash(signer.der, algorithm: hashAlgorithm)),
                serial.map({ $0.elementsEqual(signer.serialNumberDER) }) ?? true
            else { return .signingCertificateMismatch }
            result.hasESS = true
        } else if requireESS {
            return .signingCertificateMissing
        }

        if let validator {
            let intermediates = result.certificates.filter { $0 != signer }
            switch validator.validate(signer, intermediates: intermediates, at: result.signingTime ?? time) {
            case .trusted(let chain): result.chain = chain
            case .untrusted(let failure): return .untrustedCertificate(failure)
            }
        }
        return nil
    }

    /// The signature algorithm named by a SignerInfo, and the RSA-PSS salt length when it is PSS.
    /// Returns a nil algorithm for anything CivicSeal does not accept.
    static func signatureAlgorithm(_ element: DERElement, digest: DigestAlgorithm) throws(CryptoError) -> (
        SignatureAlgorithm?, Int?
    ) {
        var reader = try element.children()
        let oid = Array(try reader.read(DER.objectIdentifier, "signature OID").content)
        switch oid {
        case OID.ecPublicKey: return (.ecdsa(digest), nil)
        case OID.ecdsaWithSHA256: return (digest == .sha256 ? .ecdsa(digest) : nil, nil)
        case OID.ecdsaWithSHA384: return (digest == .sha384 ? .ecdsa(digest) : nil, nil)
        case OID.ecdsaWithSHA512: return (digest == .sha512 ? .ecdsa(digest) : nil, nil)
        case OID.rsaEncryption: return (.rsaPKCS1(digest), nil)
        case OID.sha256WithRSA: return (digest == .sha256 ? .rsaPKCS1(digest) : nil, nil)
        case OID.sha384WithRSA: return (digest == .sha384 ? .rsaPKCS1(digest) : nil, nil)
        case OID.sha512WithRSA: return (digest == .sha512 ? .rsaPKCS1(digest) : nil, nil)
        case OID.ed25519: return (.ed25519, nil)
        case OID.rsassaPSS:
            // RSASSA-PSS-params (RFC 4055 §3.1); the SHA-1 defaults are not accepted.
            var parameters = try reader.read(DER.sequence, "RSASSA-PSS-params").children()
            var hash: DigestAlgorithm?
            var mgfHash: DigestAlgorithm?
            var salt = 20
            if let element = try parameters.readIfPresent(0xA0) {
                var inner = try element.children()
                var identifier = try inner.read(DER.sequence, "hashAlgorithm").children()
                hash = OID.digestAlgorithm(try identifier.read(DER.objectIdentifier, "hash OID").content)
            }
            if let element = try parameters.readIfPresent(0xA1) {
                var inner = try element.children()
                var identifier = try inner.read(DER.sequence, "maskGenAlgorithm").children()
                guard try identifier.read(DER.objectIdentifier, "MGF OID").content.elementsEqual(OID.mgf1) else {
                    return (nil, nil)
                }
                var mgfDigest = try identifier.read(DER.sequence, "MGF1 hash").children()
                mgfHash = OID.digestAlgorithm(try mgfDigest.read(DER.objectIdentifier, "MGF1 hash OID").content)
            }
            if let element = try parameters.readIfPresent(0xA2) {
                var inner = try element.children()
                let integer = try inner.read(DER.integer, "saltLength").content
                guard integer.count <= 2 else { return (nil, nil) }
                salt = integer.reduce(0) { $0 << 8 | Int($1) }
            }
            guard hash == digest, mgfHash == digest else { return (nil, salt) }
            return (.rsaPSS(digest), salt)
        default:
            return (nil, nil)
        }
    }

    /// The first ESSCertIDv2 of a SigningCertificateV2 value: hash algorithm (SHA-256 by default), hash, and serial.
    static func essCertID(_ value: DERElement) throws(CryptoError) -> (
        DigestAlgorithm, ArraySlice<UInt8>, ArraySlice<UInt8>?
    ) {
        var signingCertificate = try value.children()
        var certificates = try signingCertificate.read(DER.sequence, "certs").children()
        var certID = try certificates.read(DER.sequence, "ESSCertIDv2").children()
        var algorithm = DigestAlgorithm.sha256
        if certID.peekTag == DER.sequence {
            var identifier = try certID.read().children()
            let oid = try identifier.read(DER.objectIdentifier, "ESS hash OID").content
            guard let named = OID.digestAlgorithm(oid) else {
                throw DER.malformed("ESS hash \(OID.dotted(oid)) not supported")
            }
            algorithm = named
        }
        let hash = try certID.read(DER.octetString, "certHash").content
        var serial: ArraySlice<UInt8>?
        if let issuerSerial = try certID.readIfPresent(DER.sequence) {
            var reader = try issuerSerial.children()
            _ = try reader.read(DER.sequence, "GeneralNames")
            serial = try reader.read(DER.integer, "serialNumber").encoded
        }
        return (algorithm, hash, serial)
    }
}
