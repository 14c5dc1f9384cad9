import Foundation

/// Anything that turns a ``TimeStampRequest`` into a token: the in-process ``TimeStampAuthority``, or a remote one.
package protocol TimeStamping: Sendable {
    func timestamp(_ request: TimeStampRequest) throws(CryptoError) -> TimeStampToken
}

/// Where an authority takes its serial numbers from. Implementations never hand out the same value twice
/// (RFC 3161 §2.4.2: "unique for each TimeStampToken issued by a given TSA"). Values are positive big-endian bytes.
package protocol TimeStampSerialSource: Sendable {
    func next() throws(CryptoError) -> [UInt8]
}

/// Serials of 128 random bits (positive): unique with overwhelming probability, nothing persisted.
/// For tests and one-off authorities; `serve` uses ``FileTimeStampSerialSource``.
package struct RandomTimeStampSerialSource: TimeStampSerialSource {
    package init() {}
    package func next() throws(CryptoError) -> [UInt8] {
        var bytes = SecureRandom.bytes(16)
        bytes[0] = bytes[0] & 0x7F | 0x40
        return bytes
    }
}

/// A time-stamp authority (RFC 3161, with the ESS signing-certificate-v2 of RFC 5816).
///
/// The token is built from our DER encoder and signed with ``CMSSigner``'s key through OpenSSL: one ECDSA
/// signature and two SHA-256 digests per token, with everything that never changes (policy, accuracy, the TSA
/// name, the ESS attribute, the certificate set) encoded once here. OpenSSL's `TS_RESP_CTX` rebuilds all of that
/// and re-parses the request per token, and reaches fewer tokens per second (see `civicseal-bench tsa`).
package final class TimeStampAuthority: TimeStamping {
    package let signer: CMSSigner
    /// Dotted OID of the policy every token names.
    package let policy: String
    package let accuracy: Duration
    private let serials: any TimeStampSerialSource
    private let clock: @Sendable () -> Date
    private let prepared: Prepared

    private struct Prepared: Sendable {
        let policyDER: [UInt8]
        let accuracyDER: [UInt8]
        let tsaNameDER: [UInt8]
        let fractionDigits: Int
        let contentTypeAttribute: [UInt8]
        let certificateSetWithChain: [UInt8]
        let signerInfoPrefix: [UInt8]  // version, sid, digestAlgorithm
        let certificates: [Certificate]
    }

    /// - Throws: `invalidArgument` when the certificate lacks a single, critical id-kp-timeStamping extended key
    ///   usage (RFC 3161 §2.3), or the policy is not a dotted OID.
    package init(
        signer: CMSSigner, policy: String, accuracy: Duration = .seconds(1), serials: any TimeStampSerialSource,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) throws(CryptoError) {
        guard TimeStampTokenParser.isTimeStampingCertificate(signer.certificate) else {
            throw CryptoError(
                .invalidArgument, "a TSA certificate needs exactly one extended key usage, timeStamping, critical")
        }
        guard let policyOID = TSPEncoding.oid(dotted: policy) else {
            throw CryptoError(.invalidArgument, "TSA policy \(policy) is not a dotted OID")
        }
        guard accuracy > .zero, accuracy < .seconds(1 << 30) else {
            throw CryptoError(.invalidArgument, "accuracy must be positive")
        }
        // RSA tokens are signed with PKCS#1 v1.5: `openssl ts -verify` (PKCS#7 underneath) cannot verify RSA-PSS
        // SignerInfos ("invalid padding"), and time-stamp clients are mostly such stacks. ECDSA is unaffected.
        if case .rsaPSS(let digest) = signer.algorithm {
            self.signer = try CMSSigner(
                key: signer.key, certificate: signer.certificate, chain: signer.chain, algorithm: .rsaPKCS1(digest))
        } else {
            self.signer = signer
        }
        let signer = self.signer
        self.policy = policy
        self.accuracy = accuracy
        self.serials = serials
        self.clock = clock

        let (seconds, attoseconds) = accuracy.components
        let micros = Int(attoseconds / 1_000_000_000_000)
        var accuracyParts: [[UInt8]] = []
        if seconds > 0 { accuracyParts.append(TSPEncoding.integer(Int(seconds))) }
        if micros / 1000 > 0 { accuracyParts.append(DER.tlv(0x80, TSPEncoding.integerContent(micros / 1000))) }
        if micros % 1000 > 0 { accuracyParts.append(DER.tlv(0x81, TSPEncoding.integerContent(micros % 1000))) }
        let fractionDigits = micros == 0 ? 0 : micros % 1000 == 0 ? 3 : 6
        let subject = try Self.subjectNameDER(signer.certificate.der)
        prepared = Prepared(
            policyDER: DER.oid(policyOID),
            accuracyDER: DER.tlv(DER.sequence, parts: accuracyParts),
            tsaNameDER: DER.tlv(0xA0, DER.tlv(0xA4, subject)),
            fractionDigits: fractionDigits,
            contentTypeAttribute: DER.sequence(DER.oid(OID.contentType), DER.setOf([DER.oid(OID.tstInfo)])),
            certificateSetWithChain: signer.prepared.certificateSet,
            signerInfoPrefix: DER.smallInteger(1) + signer.prepared.issuerAndSerial
                + signer.prepared.digestAlgorithmIdentifier,
            certificates: [signer.certificate] + signer.chain.filter { $0 != signer.certificate })
    }

    package var certificate: Certificate { signer.certificate }

    /// Answers a DER `TimeStampReq` with a DER `TimeStampResp`: a token, or a rejection with the PKIFailureInfo
    /// badDataFormat (not DER), badAlg (hash other than SHA-256/384/512), unacceptedPolicy (another policy),
    /// unacceptedExtension (any extension) or systemFailure (signing failed).
    package func respond(to requestDER: [UInt8]) -> [UInt8] {
        let request: TimeStampRequest
        do throws(CryptoError) {
            request = try TimeStampRequest(der: requestDER)
        } catch {
            return error.code == .unsupportedAlgorithm
                ? Self.rejection(.badAlg, "unsupported hash algorithm")
                : Self.rejection(.badDataFormat, "the request is not a DER TimeStampReq")
        }
        if let requested = request.policy, requested != policy {
            return Self.rejection(.unacceptedPolicy, "this authority issues under policy \(policy) only")
        }
        if request.hasExtensions { return Self.rejection(.unacceptedExtension, "extensions are not supported") }
        do throws(CryptoError) {
            let token = try makeToken(request)
            return DER.tlv(DER.sequence, parts: [Self.grantedStatus, token.der])
        } catch {
            return Self.rejection(.systemFailure, "the authority could not sign")
        }
    }

    /// In-process: the token for `request`. Throws `timeStampRejected` for another policy or extensions.
    package func timestamp(_ request: TimeStampRequest) throws(CryptoError) -> TimeStampToken {
        if let requested = request.policy, requested != policy {
            throw CryptoError(.timeStampRejected, "unacceptedPolicy: this authority issues under \(policy) only")
        }
        guard !request.hasExtensions else { throw CryptoError(.timeStampRejected, "unacceptedExtension") }
        return try makeToken(request)
    }

    private func makeToken(_ request: TimeStampRequest) throws(CryptoError) -> TimeStampToken {
        let serial = TSPEncoding.positiveIntegerContent(try serials.next())
        let now = clock()
        var parts: [[UInt8]] = [
            [DER.integer, 1, 1], prepared.policyDER,
            TimeStampRequest.messageImprintDER(request.digestAlgorithm, request.messageImprint),
            DER.tlv(DER.integer, serial),
            TSPEncoding.generalizedTime(now, fractionDigits: prepared.fractionDigits), prepared.accuracyDER,
        ]
        if let nonce = request.nonce { parts.append(DER.tlv(DER.integer, nonce)) }
        parts.append(prepared.tsaNameDER)
        let tstInfo = DER.tlv(DER.sequence, parts: parts)

        let signedAttributes = DER.setOf([
            prepared.contentTypeAttribute,
            DER.sequence(
                DER.oid(OID.messageDigest), DER.setOf([DER.octets(Digest.hash(tstInfo, algorithm: signer.digest))])),
            signer.prepared.signingCertificateV2Attribute,
        ])
        let signature = try signer.key.signature(for: signedAttributes, algorithm: signer.algorithm)
        var implicitAttributes = signedAttributes
        implicitAttributes[0] = 0xA0
        let signerInfo = DER.tlv(
            DER.sequence,
            parts: [
                prepared.signerInfoPrefix, implicitAttributes, signer.prepared.signatureAlgorithmIdentifier,
                DER.octets(signature),
            ])
        let encapsulated = DER.sequence(DER.oid(OID.tstInfo), DER.tlv(0xA0, DER.octets(tstInfo)))
        let signedData = DER.tlv(
            DER.sequence,
            parts: [
                [DER.integer, 1, 3], DER.setOf([signer.prepared.digestAlgorithmIdentifier]), encapsulated,
                request.certificateRequested ? prepared.certificateSetWithChain : [], DER.tlv(DER.set, signerInfo),
            ])
        let der = DER.sequence(DER.oid(OID.signedData), DER.tlv(0xA0, signedData))
        return TimeStampToken(
            signed: der, generationTime: now, digestAlgorithm: request.digestAlgorithm,
            messageImprint: request.messageImprint, serialNumber: serial, policy: policy, nonce: request.nonce,
            accuracy: accuracy, signer: signer.certificate,
            certificates: request.certificateRequested ? prepared.certificates : [])
    }

    /// PKIFailureInfo bits (RFC 3161 §2.4.2).
    package enum FailureInfo: Int, Sendable {
        case badAlg = 0
        case badRequest = 2
        case badDataFormat = 5
        case timeNotAvailable = 14
        case unacceptedPolicy = 15
        case unacceptedExtension = 16
        case addInfoNotAvailable = 17
        case systemFailure = 25
    }

    private static let grantedStatus = DER.sequence([DER.integer, 1, 0])

    /// A `TimeStampResp` with status rejection (2), a status string and the failure bit.
    package static func rejection(_ failure: FailureInfo, _ text: String) -> [UInt8] {
        let status = DER.sequence(
            [DER.integer, 1, 2], DER.sequence(DER.tlv(0x0C, Array(text.utf8))), TSPEncoding.namedBit(failure.rawValue))
        return DER.sequence(status)
    }

    /// The DER subject Name of a certificate (TBSCertificate's sixth field, RFC 5280 §4.1).
    static func subjectNameDER(_ certificate: [UInt8]) throws(CryptoError) -> [UInt8] {
        var top = DERReader(certificate)
        var outer = try top.read(DER.sequence, "Certificate").children()
        var tbs = try outer.read(DER.sequence, "TBSCertificate").children()
        _ = try tbs.readIfPresent(0xA0)
        _ = try tbs.read(DER.integer, "serial")
        _ = try tbs.read(DER.sequence, "signature")
        _ = try tbs.read(DER.sequence, "issuer")
        _ = try tbs.read(DER.sequence, "validity")
        return Array(try tbs.read(DER.sequence, "subject").encoded)
    }
}
