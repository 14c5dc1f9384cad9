import Foundation

/// An RFC 3161 `TimeStampReq` (§2.4.1): the hash to stamp, an optional policy and nonce, and whether the
/// authority should include its certificate.
///
/// ```
/// TimeStampReq ::= SEQUENCE { version INTEGER { v1(1) }, messageImprint MessageImprint,
///     reqPolicy TSAPolicyId OPTIONAL, nonce INTEGER OPTIONAL, certReq BOOLEAN DEFAULT FALSE,
///     extensions [0] IMPLICIT Extensions OPTIONAL }
/// ```
package struct TimeStampRequest: Sendable, Equatable {
    /// The largest request accepted from outside (a SHA-512 request with a policy and nonce is about 120 bytes).
    package static let maximumSize = 4096
    /// The longest nonce accepted, in content bytes (OpenSSL sends 8, others 16 or 20).
    package static let maximumNonceLength = 64

    package let digestAlgorithm: DigestAlgorithm
    /// The hash value.
    package let messageImprint: [UInt8]
    /// Dotted OID.
    package let policy: String?
    /// Positive INTEGER content bytes (minimal DER).
    package let nonce: [UInt8]?
    package let certificateRequested: Bool
    /// Whether the request carried extensions (CivicSeal's authority accepts none).
    package let hasExtensions: Bool

    /// A request for `messageImprint`; a nil `nonce` argument means "no nonce", the default is a random 8 bytes.
    package init(
        digestAlgorithm: DigestAlgorithm, messageImprint: [UInt8], nonce: [UInt8]? = TimeStampRequest.randomNonce(),
        certificateRequested: Bool = true, policy: String? = nil
    ) {
        self.digestAlgorithm = digestAlgorithm
        self.messageImprint = messageImprint
        self.nonce = nonce.map(TSPEncoding.positiveIntegerContent)
        self.certificateRequested = certificateRequested
        self.policy = policy
        hasExtensions = false
    }

    /// A request over the hash of `data`, with a random nonce and the certificate requested.
    package init(hashing data: [UInt8], with algorithm: DigestAlgorithm = .sha256) {
        self.init(digestAlgorithm: algorithm, messageImprint: Digest.hash(data, algorithm: algorithm))
    }

    /// A random positive 64-bit nonce.
    package static func randomNonce() -> [UInt8] {
        var bytes = SecureRandom.bytes(8)
        bytes[0] = bytes[0] & 0x7F | 0x01
        return bytes
    }

    /// Parses a DER `TimeStampReq`: strict DER, at most ``maximumSize`` bytes.
    /// Throws `malformedInput` for bad DER and `unsupportedAlgorithm` for a hash other than SHA-256/384/512.
    package init(der: [UInt8]) throws(CryptoError) {
        guard der.count <= Self.maximumSize else {
            throw CryptoError(.malformedInput, "time-stamp request larger than \(Self.maximumSize) bytes")
        }
        var top = DERReader(der)
        var request = try top.read(DER.sequence, "TimeStampReq").children()
        try top.expectEnd("TimeStampReq")
        guard try TSPEncoding.smallValue(request.read(DER.integer, "version")) == 1 else {
            throw DER.malformed("TimeStampReq version must be 1")
        }
        let (algorithm, imprint) = try Self.parseMessageImprint(request.read(DER.sequence, "messageImprint"))
        var policy: String?
        if let element = try request.readIfPresent(DER.objectIdentifier) {
            guard let text = TSPEncoding.dotted(element.content) else { throw DER.malformed("bad reqPolicy") }
            policy = text
        }
        var nonce: [UInt8]?
        if let element = try request.readIfPresent(DER.integer) {
            guard TSPEncoding.isPositiveInteger(element.content), element.content.count <= Self.maximumNonceLength
            else { throw DER.malformed("nonce must be a positive INTEGER of at most 64 bytes") }
            nonce = Array(element.content)
        }
        var certificateRequested = false
        if let element = try request.readIfPresent(TSPEncoding.boolean) {
            guard element.content.count == 1, element.content.first == 0xFF || element.content.first == 0x00 else {
                throw DER.malformed("certReq is not a DER BOOLEAN")
            }
            certificateRequested = element.content.first == 0xFF
        }
        let extensions = try request.readIfPresent(0xA0)
        try request.expectEnd("TimeStampReq")
        self.digestAlgorithm = algorithm
        self.messageImprint = imprint
        self.policy = policy
        self.nonce = nonce
        self.certificateRequested = certificateRequested
        hasExtensions = extensions != nil
    }

    /// `MessageImprint ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, hashedMessage OCTET STRING }`;
    /// the algorithm's parameters are absent or NULL.
    static func parseMessageImprint(_ element: DERElement) throws(CryptoError) -> (DigestAlgorithm, [UInt8]) {
        var imprint = try element.children()
        var identifier = try imprint.read(DER.sequence, "hashAlgorithm").children()
        let oid = try identifier.read(DER.objectIdentifier, "hash OID").content
        if let parameters = try identifier.readIfPresent(DER.null), !parameters.content.isEmpty {
            throw DER.malformed("hash parameters must be NULL")
        }
        try identifier.expectEnd("hashAlgorithm")
        let hashed = try imprint.read(DER.octetString, "hashedMessage").content
        try imprint.expectEnd("messageImprint")
        guard let algorithm = OID.digestAlgorithm(oid) else {
            throw CryptoError(.unsupportedAlgorithm, "hash \(TSPEncoding.dotted(oid) ?? "?") is not accepted")
        }
        guard hashed.count == algorithm.outputLength else {
            throw DER.malformed("hashedMessage is not a \(algorithm.rawValue) value")
        }
        return (algorithm, Array(hashed))
    }

    static func messageImprintDER(_ algorithm: DigestAlgorithm, _ imprint: [UInt8]) -> [UInt8] {
        DER.sequence(DER.sequence(DER.oid(OID.digest(algorithm))), DER.octets(imprint))
    }

    /// The DER encoding.
    package var der: [UInt8] {
        var parts = [TSPEncoding.integer(1), Self.messageImprintDER(digestAlgorithm, messageImprint)]
        if let policy, let oid = TSPEncoding.oid(dotted: policy) { parts.append(DER.oid(oid)) }
        if let nonce { parts.append(DER.tlv(DER.integer, nonce)) }
        if certificateRequested { parts.append([TSPEncoding.boolean, 1, 0xFF]) }
        return DER.tlv(DER.sequence, parts: parts)
    }
}
