import CivicSealCrypto
import CivicSealJSON
import CivicSealWorkflow
import Foundation

/// How old a signed status may be before a verifier refuses to rely on it. Default: 24 hours after `asOf`.
package struct StatusFreshnessPolicy: Sendable, Equatable {
    package let maximumAge: Duration

    package init(maximumAge: Duration = .seconds(24 * 3600)) { self.maximumAge = maximumAge }

    /// Whether `status` is still fresh at `now` (a status from the future, beyond 5 minutes of clock skew, is not).
    package func isFresh(_ status: SignedDocumentStatus, at now: Date) -> Bool {
        let age = now.timeIntervalSince(status.asOf)
        return age >= -300 && age <= Double(maximumAge.components.seconds)
    }
}

/// A document's registry status as a compact JWS (RFC 7515) signed by the CA-certified status signer:
/// `GET /v1/documents/{id}/status` with `Accept: application/jose`.
///
/// Header: `alg` ES256, `typ` ``mediaType``, `kid` the signer certificate's SHA-256, `x5c` the signer certificate
/// then the CA (RFC 7515 §4.1.6, standard base64 DER). Payload: `documentID`, `status` (`valid` or `revoked`),
/// `reason` (the public reason code or null), `revokedAt` (or null), `supersededBy` (the id of the document that
/// replaced it after a seal key compromise, or null), `asOf`, `nextUpdate` (`asOf` + 1 h), times as
/// RFC 3339 UTC. Verification (``init(compact:validator:)``) checks the signature with the `x5c` leaf, the chain to
/// the trust anchors at `asOf`, and the leaf's status-signer policy (`ARC.4`); freshness is the caller's, under a
/// ``StatusFreshnessPolicy``.
package struct SignedDocumentStatus: Sendable, Equatable {
    package static let mediaType = "civicseal-status+jwt"
    /// Longest compact JWS accepted (two certificates in `x5c` are about 2 KiB).
    package static let maximumLength = 32 * 1024
    /// How long after `asOf` the service promises a newer statement.
    package static let updateInterval: TimeInterval = 3600

    package let compact: String
    package let documentID: String
    package let status: String
    package let reason: String?
    package let revokedAt: Date?
    /// The document that replaced this one (re-issued after a seal key compromise); nil when none did.
    package let supersededBy: String?
    package let asOf: Date
    package let nextUpdate: Date
    /// The status signer's certificate (`x5c[0]`), and the trusted chain from it to an anchor.
    package let signer: Certificate
    package let chain: [Certificate]

    package static func == (lhs: Self, rhs: Self) -> Bool { lhs.compact == rhs.compact }

    package var isRevoked: Bool { status == "revoked" }

    /// `valid`, or `revoked: key compromise; superseded by ‹id›` (the reason in words when it is a known code).
    package var summary: String {
        guard isRevoked else { return status }
        let words = reason.map { RevocationReason(rawValue: $0)?.english ?? $0 }
        return "revoked" + (words.map { ": \($0)" } ?? "") + (supersededBy.map { "; superseded by \($0)" } ?? "")
    }

    /// The same in Vietnamese: `đã thu hồi: khóa ký bị lộ; được thay thế bằng ‹id›`.
    package var summaryVietnamese: String {
        guard isRevoked else { return "còn hiệu lực" }
        let words = reason.map { RevocationReason(rawValue: $0)?.vietnamese ?? $0 }
        return "đã thu hồi" + (words.map { ": \($0)" } ?? "")
            + (supersededBy.map { "; được thay thế bằng \($0)" } ?? "")
    }

    /// Signs a status statement with the status signer (an ES256-capable P-256 key).
    package static func sign(
        documentID: String, status: String, reason: String?, revokedAt: Date?, supersededBy: String? = nil, asOf: Date,
        signer: CMSSigner
    ) throws(SignedStatusError) -> String {
        let jws: JWSSigner
        do {
            jws = try JWSSigner(privateKey: signer.key, keyID: Hex.encode(signer.certificate.sha256Fingerprint))
        } catch { throw SignedStatusError(.signing, "the status signer cannot make JWS: \(error)") }
        guard jws.algorithm == .es256 else { throw SignedStatusError(.signing, "the status signer needs a P-256 key") }
        let x5c = ([signer.certificate] + signer.chain.filter { $0 != signer.certificate }).map {
            JSONValue.string(Data($0.der).base64EncodedString())
        }
        let claims: [String: JSONValue] = [
            "documentID": .string(documentID), "status": .string(status), "reason": reason.map { .string($0) } ?? .null,
            "revokedAt": revokedAt.map { .string(timestamp($0)) } ?? .null, "asOf": .string(timestamp(asOf)),
            "supersededBy": supersededBy.map { .string($0) } ?? .null,
            "nextUpdate": .string(timestamp(asOf.addingTimeInterval(updateInterval))),
        ]
        do {
            return try jws.sign(claims: claims, type: mediaType, extraHeader: ["x5c": .array(x5c)])
        } catch { throw SignedStatusError(.signing, "signing the status failed: \(error)") }
    }

    /// Parses and verifies `compact` (see the type's documentation). Freshness is not judged here.
    package init(compact: String, validator: ChainValidator) throws(SignedStatusError) {
        let text = compact.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.utf8.count <= Self.maximumLength else { throw SignedStatusError(.malformed, "the JWS is too long") }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw SignedStatusError(.malformed, "not a compact JWS") }
        let header: [String: JSONValue]
        do {
            let bytes = try Base64URL.decode(String(parts[0]))
            guard let object = try JSONValue(parsing: bytes).objectValue else { throw JOSEError(.malformedHeader, "") }
            header = object
        } catch { throw SignedStatusError(.malformed, "the JWS header is not a JSON object") }
        guard header["alg"]?.stringValue == "ES256" else { throw SignedStatusError(.malformed, "alg must be ES256") }
        guard let x5c = header["x5c"]?.arrayValue, (1...4).contains(x5c.count) else {
            throw SignedStatusError(.malformed, "x5c must list the signer certificate and its CA")
        }
        var certificates: [Certificate] = []
        for entry in x5c {
            guard let base64 = entry.stringValue, let der = Data(base64Encoded: base64),
                let certificate = try? Certificate(der: Array(der))
            else { throw SignedStatusError(.malformed, "x5c holds something that is not a certificate") }
            certificates.append(certificate)
        }
        let leaf = certificates[0]
        let verified: VerifiedJWS
        do {
            let key = try JSONWebKey(
                publicKey: leaf.publicKey, keyID: header["kid"]?.stringValue ?? "status", algorithm: .es256)
            verified = try JWSVerifier(keySet: JSONWebKeySet(keys: [key]), algorithms: [.es256]).verify(text)
        } catch { throw SignedStatusError(.badSignature, "the status signature does not verify: \(error)") }
        let payload: [String: JSONValue]
        do { payload = try verified.payloadJSONObject() } catch {
            throw SignedStatusError(.malformed, "the payload is not a JSON object")
        }
        func date(_ name: String) throws(SignedStatusError) -> Date? {
            switch payload[name] {
            case nil, .null?: return nil
            case .string(let value)?:
                guard let parsed = Self.parseTimestamp(value) else {
                    throw SignedStatusError(.malformed, "\(name) is not an RFC 3339 time")
                }
                return parsed
            default: throw SignedStatusError(.malformed, "\(name) is not a string")
            }
        }
        guard let documentID = payload["documentID"]?.stringValue, let status = payload["status"]?.stringValue,
            ["valid", "revoked"].contains(status), let asOf = try date("asOf"), let nextUpdate = try date("nextUpdate")
        else { throw SignedStatusError(.malformed, "documentID, status, asOf and nextUpdate are required") }
        let reason: String?
        switch payload["reason"] {
        case nil, .null?: reason = nil
        case .string(let value)?: reason = value
        default: throw SignedStatusError(.malformed, "reason is not a string")
        }
        switch payload["supersededBy"] {
        case nil, .null?: supersededBy = nil
        case .string(let value)? where (1...64).contains(value.utf8.count): supersededBy = value
        default: throw SignedStatusError(.malformed, "supersededBy is not a document id")
        }
        switch validator.validate(leaf, intermediates: Array(certificates.dropFirst()), at: asOf) {
        case .trusted(let chain): self.chain = chain
        case .untrusted(let failure):
            throw SignedStatusError(.untrusted, "the status signer is not trusted: \(failure)")
        }
        guard leaf.certificatePolicies.contains(CivicSealPolicy.statusSigner) else {
            throw SignedStatusError(
                .untrusted, "the certificate is not a status signer (policy \(CivicSealPolicy.statusSigner))")
        }
        self.compact = text
        self.documentID = documentID
        self.status = status
        self.reason = reason
        self.revokedAt = try date("revokedAt")
        self.asOf = asOf
        self.nextUpdate = nextUpdate
        signer = leaf
    }

    /// How long ago the status was stated, as the verifier and the pages print it.
    package func age(at now: Date) -> TimeInterval { now.timeIntervalSince(asOf) }

    /// "3 h" / "25 min" / "2 d": the age in the largest whole unit (language-neutral units).
    package static func describeAge(_ seconds: TimeInterval) -> String {
        let value = max(0, Int(seconds))
        if value < 60 { return "\(value) s" }
        if value < 3600 { return "\(value / 60) min" }
        if value < 2 * 86400 { return "\(value / 3600) h" }
        return "\(value / 86400) d"
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    static func parseTimestamp(_ text: String) -> Date? {
        guard text.utf8.count <= 40 else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}

/// Why a signed status was not accepted.
package struct SignedStatusError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Code: String, Sendable {
        case malformed
        case badSignature = "bad-signature"
        case untrusted, stale, signing
    }
    package let code: Code
    package let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    package var description: String { "\(code.rawValue): \(message)" }
}
