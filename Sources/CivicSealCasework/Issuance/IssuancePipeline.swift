import CivicSealCrypto
import CivicSealPDF
import CivicSealSealing
import Foundation
import Synchronization

/// The signing steps of one issuance, after rendering (ETSI EN 319 142-1 baseline levels; Decree 30/2020/NĐ-CP: the
/// competent person signs first, then the agency):
///
/// 1. the officer's approval signature fills the rendered placeholder (B-B), with a signature-time-stamp (B-T);
/// 2. an incremental update adds the department seal's visible field with a FieldMDP lock of every field and
///    `/P 1` (only DSS and document timestamps may follow), and the seal signs it, with its own timestamp;
/// 3. an incremental update adds the DSS (every certificate, an OCSP response for the officer's, the seal's and the
///    TSA's certificates, the CA's CRL: B-LT) and a document timestamp over the whole file (B-LTA).
///
/// Pure computation (the TSA and OCSP responder are in-process): it runs before the registration transaction, so a
/// crash leaves the request `approved` and the sweeper starts over.
package enum IssuancePipeline {
    /// What the pipeline produced: the file and, for B-LTA, when its document timestamp's TSA certificate expires.
    package struct Output: Sendable {
        package let pdf: [UInt8]
        package let timestampExpiresAt: Date?
    }

    /// Field names: the officer's is the rendered placeholder's, the seal's and the document timestamps' are fixed.
    package static let officerFieldName = "OfficerSignature"
    package static let sealFieldName = "DepartmentSeal"
    package static func documentTimeStampFieldName(version: Int) -> String { "DocumentTimeStamp\(version)" }
    /// The most `/Contents` reserved for the officer's or the seal's CMS (with its timestamp).
    package static let signatureCapacity = 16_000
    /// `/Contents` reserved for a document timestamp: a token with one TSA certificate is about 2 KB with P-256 and
    /// under 3 KB with RSA-4096.
    package static let documentTimeStampCapacity = 6_144
    /// What a signature-time-stamp token may add to a CMS: the token with the TSA's certificate.
    static let timeStampAllowance = 4_096

    /// `/Contents` reserved for `signer`'s CMS with its signature-time-stamp: its certificates, 1 KiB for the
    /// signature, the signed attributes and the structure, and the token's allowance, with a quarter more, in whole
    /// KiB, at most ``signatureCapacity``. The reservation is hex (two characters a byte) and a real part of every
    /// file: a P-256 officer's CMS of about 4 KB gets 8 KiB instead of a fixed 16,000 bytes.
    package static func signatureCapacity(for signer: CMSSigner) -> Int {
        let certificates = ([signer.certificate] + signer.chain.filter { $0 != signer.certificate }).map(\.der.count)
        let need = certificates.reduce(0, +) + 1_024 + timeStampAllowance
        let rounded = (need + need / 4 + 1_023) / 1_024 * 1_024
        return min(rounded, signatureCapacity)
    }

    package static func run(
        officerSigned placeholder: PDFFile, officer: CMSSigner, seal: CMSSigner, sealField: PDFSignatureField,
        profile: IssuanceProfile, trust: (any IssuanceTrustServices)?, at time: Date
    ) throws(CaseworkError) -> Output {
        guard !profile.timestampsSignatures || trust != nil else {
            throw CaseworkError(.issuanceFailed, "profile \(profile.rawValue) needs a timestamp authority")
        }
        let authorities = Mutex<[Certificate]>([])
        var stamper: SignatureTimeStamper?
        if profile.timestampsSignatures, let timeStamping = trust?.timeStamping {
            stamper = { (signatureValue: [UInt8]) throws -> [UInt8] in
                let token = try timeStamping.timestamp(TimeStampRequest(hashing: signatureValue))
                if let certificate = token.signerCertificate {
                    authorities.withLock { found in
                        if !found.contains(where: { $0.der == certificate.der }) { found.append(certificate) }
                    }
                }
                return token.der
            }
        }
        let officerSigned: [UInt8]
        let sealed: [UInt8]
        do {
            officerSigned = try PAdESSealer.seal(placeholder, signer: officer, timestamp: stamper)
            var update = try PDFIncrementalUpdate(appendingTo: officerSigned)
            try update.addSignatureField(sealField, lock: PDFFieldLock.all(permission: 1))
            sealed = try PAdESSealer.seal(try update.serializedForSigning(), signer: seal, timestamp: stamper)
        } catch {
            throw CaseworkError.keyUnavailable(error, "cannot sign: \(error)")
                ?? CaseworkError(.issuanceFailed, "cannot sign: \(error)")
        }
        guard profile == .blta, let trust else { return Output(pdf: sealed, timestampExpiresAt: nil) }
        let evidence = try trust.revocationEvidence(
            for: [officer.certificate, seal.certificate], tsa: authorities.withLock { $0 }, at: time)
        return try archiveTimeStamp(sealed, evidence: evidence, version: 1, timeStamping: trust.timeStamping)
    }

    /// Appends a DSS update with `evidence` and a document timestamp field named for `version`, then fills it with a
    /// token from `timeStamping` over the byte range (issuance, and each archive renewal).
    package static func archiveTimeStamp(
        _ file: [UInt8], evidence: RevocationEvidence, version: Int, timeStamping: any TimeStamping
    ) throws(CaseworkError) -> Output {
        let expiry = Mutex<Date?>(nil)
        do {
            var update = try PDFIncrementalUpdate(appendingTo: file)
            try update.addDSS(
                certificates: evidence.certificates.map(\.der), ocspResponses: evidence.ocspResponses,
                crls: evidence.crls)
            try update.addDocumentTimeStampField(
                name: documentTimeStampFieldName(version: version), contentsCapacity: documentTimeStampCapacity)
            let stamped = try PAdESSealer.documentTimeStamp(try update.serializedForSigning()) { digest in
                let token = try timeStamping.timestamp(
                    TimeStampRequest(digestAlgorithm: .sha256, messageImprint: digest))
                expiry.withLock { $0 = token.signerCertificate?.notAfter }
                return token.der
            }
            return Output(pdf: stamped, timestampExpiresAt: expiry.withLock { $0 })
        } catch {
            throw CaseworkError.keyUnavailable(error, "cannot add the DSS and document timestamp: \(error)")
                ?? CaseworkError(.issuanceFailed, "cannot add the DSS and document timestamp: \(error)")
        }
    }

    /// One signature of a file as its dictionary places it: the `/ByteRange` and the DER in `/Contents`.
    package struct SignatureContents: Sendable {
        package let byteRange: [Int]
        /// The CMS (or, for a document timestamp, the RFC 3161 token), without the zero padding.
        package let contents: [UInt8]

        /// The bytes the signature covers.
        package func signedBytes(of file: [UInt8]) -> [UInt8] {
            Array(file[byteRange[0]..<(byteRange[0] + byteRange[1])])
                + Array(file[byteRange[2]..<(byteRange[2] + byteRange[3])])
        }
    }

    /// Every signature of `file` in file order (each `/ByteRange`, read with the `/Contents` it delimits; an
    /// incremental update appends, so the last is the latest revision's). At most 64; malformed ones are skipped.
    package static func signatureContents(in file: [UInt8]) -> [SignatureContents] {
        let marker = Array("/ByteRange".utf8)
        var found: [SignatureContents] = []
        var index = 0
        while index + marker.count <= file.count, found.count < 64 {
            guard file[index] == marker[0], file[index..<(index + marker.count)].elementsEqual(marker) else {
                index += 1
                continue
            }
            if let signature = signature(in: file, byteRangeAt: index + marker.count) { found.append(signature) }
            index += marker.count
        }
        return found
    }

    /// The CMS in the `/Contents` of the file's LAST signature; nil when there is none.
    package static func lastSignatureContents(in file: [UInt8]) -> [UInt8]? {
        signatureContents(in: file).last?.contents
    }

    private static func signature(in file: [UInt8], byteRangeAt start: Int) -> SignatureContents? {
        var numbers: [Int] = []
        var cursor = start
        var current: Int?
        while cursor < file.count, cursor < start + 200, numbers.count < 4 {
            let byte = file[cursor]
            if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                current = (current ?? 0) * 10 + Int(byte - UInt8(ascii: "0"))
                if current! > file.count { return nil }
            } else if let value = current {
                numbers.append(value)
                current = nil
            } else if byte == UInt8(ascii: "]") {
                break
            }
            cursor += 1
        }
        guard numbers.count == 4, numbers[0] == 0, numbers[1] + 1 < numbers[2], numbers[2] <= file.count,
            numbers[2] + numbers[3] <= file.count,
            file[numbers[1]] == UInt8(ascii: "<"), file[numbers[2] - 1] == UInt8(ascii: ">")
        else { return nil }
        let hex = file[(numbers[1] + 1)..<(numbers[2] - 1)]
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.count / 2)
        var high: UInt8?
        for character in hex {
            let nibble: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = character - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let value = high {
                bytes.append(value << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        // One DER SEQUENCE, then zero padding: cut at its encoded length.
        guard bytes.count >= 2, bytes[0] == 0x30 else { return nil }
        var length = Int(bytes[1])
        var header = 2
        if length & 0x80 != 0 {
            let count = length & 0x7F
            guard (1...4).contains(count), bytes.count >= 2 + count else { return nil }
            length = bytes[2..<(2 + count)].reduce(0) { $0 << 8 | Int($1) }
            header = 2 + count
        }
        guard header + length <= bytes.count else { return nil }
        return SignatureContents(byteRange: numbers, contents: Array(bytes[0..<(header + length)]))
    }
}
