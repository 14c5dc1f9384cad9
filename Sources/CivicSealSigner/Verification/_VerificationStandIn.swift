// TEMPORARY — stand-in for the verification library being written on branch `verifier` (/work/wt-verifier).
// It declares exactly the agreed API (DocumentRegistryLookup, RegisteredDocument, DocumentVerifier,
// DocumentVerdict) so the issuance endpoints compile and run; DELETE THIS FILE when merging `verifier`.
// Its checks are deliberately minimal (last /ByteRange covers the file, CMS over it, chain, registry).

import CivicSealCrypto
import Foundation

/// Looks up a document in the registry by id (online verification).
public protocol DocumentRegistryLookup: Sendable {
    func registeredDocument(id: String) -> RegisteredDocument?
}

/// A registry entry as the verifier sees it.
public struct RegisteredDocument: Sendable, Hashable {
    public enum Status: Sendable, Hashable {
        case valid
        case revoked(reason: String, at: Date)
    }

    public let documentID: String
    public let kind: String
    public let departmentID: String
    public let issuedAt: Date
    public let pdfSHA256: [UInt8]
    public let status: Status

    public init(documentID: String, kind: String, departmentID: String, issuedAt: Date, pdfSHA256: [UInt8], status: Status) {
        self.documentID = documentID
        self.kind = kind
        self.departmentID = departmentID
        self.issuedAt = issuedAt
        self.pdfSHA256 = pdfSHA256
        self.status = status
    }
}

/// The outcome of verifying a document, with named checks.
public struct DocumentVerdict: Sendable {
    public enum Outcome: String, Sendable { case valid, invalid, revoked }

    public struct Check: Sendable {
        public let name: String
        public let passed: Bool
        public let message: String
    }

    public let outcome: Outcome
    public let checks: [Check]
    public let signer: String?
    public let department: String?
    public let signingTime: Date?
    public let documentID: String?
    public let documentKind: String?

    public var isValid: Bool { outcome == .valid }

    public func jsonObject() -> [String: Any] {
        var object: [String: Any] = [
            "outcome": outcome.rawValue,
            "checks": checks.map { ["name": $0.name, "passed": $0.passed, "message": $0.message] as [String: Any] },
        ]
        if let signer { object["signer"] = signer }
        if let department { object["department"] = department }
        if let signingTime { object["signingTime"] = ISO8601DateFormatter().string(from: signingTime) }
        if let documentID { object["documentId"] = documentID }
        if let documentKind { object["documentKind"] = documentKind }
        return object
    }
}

/// Verifies sealed PDFs against trust anchors and, when given, the registry.
public final class DocumentVerifier: Sendable {
    let validator: ChainValidator

    public init(trustAnchors: [Certificate]) throws(CryptoError) {
        validator = try ChainValidator(trustAnchors: trustAnchors)
    }

    public func verify(_ pdf: [UInt8], at time: Date = Date(), registry: (any DocumentRegistryLookup)? = nil) -> DocumentVerdict {
        var checks: [DocumentVerdict.Check] = []
        func verdict(_ outcome: DocumentVerdict.Outcome, signer: String? = nil, id: String? = nil, kind: String? = nil, department: String? = nil)
            -> DocumentVerdict
        {
            DocumentVerdict(
                outcome: outcome, checks: checks, signer: signer, department: department, signingTime: nil, documentID: id, documentKind: kind)
        }
        guard let range = Self.byteRange(pdf), range[0] == 0, range[2] + range[3] == pdf.count, range[1] < range[2],
            let padded = Hex.decode(String(decoding: pdf[(range[1] + 1)..<(range[2] - 1)], as: UTF8.self)),
            let cms = Self.derPrefix(padded)
        else {
            checks.append(.init(name: "structure", passed: false, message: "no signature byte range covering the file"))
            return verdict(.invalid)
        }
        checks.append(.init(name: "structure", passed: true, message: "byte range covers the file"))
        let result = CMSSignedData.verifyDetached(
            cms,
            contentDigest: { algorithm in
                let hasher = Hasher(algorithm)
                hasher.update(pdf[0..<range[1]])
                hasher.update(pdf[range[2]..<(range[2] + range[3])])
                return hasher.finalize()
            }, validator: validator, at: time, requireSigningCertificateV2: true)
        checks.append(.init(name: "signature", passed: result.isValid, message: result.failure?.description ?? "valid"))
        guard result.isValid else { return verdict(.invalid) }
        let signer = result.signerCertificate?.subject.description
        let id = Self.documentID(pdf)
        guard let registry, let id else { return verdict(.valid, signer: signer, id: id) }
        guard let entry = registry.registeredDocument(id: id) else {
            checks.append(.init(name: "registry", passed: false, message: "not registered"))
            return verdict(.invalid, signer: signer, id: id)
        }
        let matches = ConstantTime.equals(entry.pdfSHA256, Digest.sha256(pdf))
        checks.append(.init(name: "registry", passed: matches, message: matches ? "registered" : "hash differs from the registered one"))
        guard matches else { return verdict(.invalid, signer: signer, id: id) }
        if case .revoked(let reason, _) = entry.status {
            checks.append(.init(name: "status", passed: false, message: "revoked: \(reason)"))
            return verdict(.revoked, signer: signer, id: id, kind: entry.kind, department: entry.departmentID)
        }
        checks.append(.init(name: "status", passed: true, message: "not revoked"))
        return verdict(.valid, signer: signer, id: id, kind: entry.kind, department: entry.departmentID)
    }

    static func byteRange(_ pdf: [UInt8]) -> [Int]? {
        guard let start = pdf.lastRange(of: Array("/ByteRange".utf8)) else { return nil }
        let tail = pdf[start.upperBound..<min(pdf.count, start.upperBound + 120)]
        guard let open = tail.firstIndex(of: UInt8(ascii: "[")), let close = tail.firstIndex(of: UInt8(ascii: "]")), open < close else { return nil }
        let numbers = String(decoding: pdf[(open + 1)..<close], as: UTF8.self).split(separator: " ").compactMap { Int($0) }
        guard numbers.count == 4, numbers.allSatisfy({ $0 >= 0 }), numbers[0] + numbers[1] <= pdf.count,
            numbers[2] + numbers[3] <= pdf.count
        else { return nil }
        return numbers
    }

    /// The renderer writes the document id into the XMP metadata (`civicseal:documentId`).
    static func documentID(_ pdf: [UInt8]) -> String? {
        guard let marker = pdf.firstRange(of: Array("<civicseal:documentId>".utf8)) else { return nil }
        let id = pdf[marker.upperBound...].prefix(26)
        return id.count == 26 ? String(decoding: id, as: UTF8.self) : nil
    }

    /// The DER SEQUENCE at the start of the zero-padded `/Contents`.
    static func derPrefix(_ bytes: [UInt8]) -> [UInt8]? {
        guard bytes.count >= 2, bytes[0] == 0x30 else { return nil }
        var length = Int(bytes[1])
        var header = 2
        if length & 0x80 != 0 {
            let count = length & 0x7F
            guard (1...3).contains(count), bytes.count >= 2 + count else { return nil }
            length = bytes[2..<(2 + count)].reduce(0) { $0 << 8 | Int($1) }
            header += count
        }
        guard header + length <= bytes.count else { return nil }
        return Array(bytes[0..<(header + length)])
    }
}

extension Array where Element == UInt8 {
    fileprivate func lastRange(of pattern: [UInt8]) -> Range<Int>? {
        guard pattern.count <= count else { return nil }
        var index = count - pattern.count
        while index >= 0 {
            if self[index..<(index + pattern.count)].elementsEqual(pattern) { return index..<(index + pattern.count) }
            index -= 1
        }
        return nil
    }
}
