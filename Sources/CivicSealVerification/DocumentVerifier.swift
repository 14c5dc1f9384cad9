import CivicSealCrypto
import CivicSealWorkflow
import Foundation

/// Verifies a sealed PDF — ours or any PAdES/PKCS#7-detached signer's — offline from trust anchors alone, and
/// online against the document registry. One verifier serves the API, the verification page and the command line.
///
/// The checks (``DocumentVerdict/CheckName``), each reported with a Vietnamese and an English message:
/// - `structure`: the file (≤ ``maximumSize``) parses and holds a signature dictionary (``PDFObjectScanner`` is
///   strict and bounded; it never trusts offsets in the file).
/// - `byte-range`: `/ByteRange` is `[0 a b c]` where `a` is the offset of the `<` opening `/Contents` and `b` the
///   offset just after its `>` — "the entire file … excluding the signature value itself" (ISO 32000-1 §12.8.1) —
///   and `b + c` ends the signed revision at its `%%EOF` (end-of-line allowed).
/// - `modifications`: the rule is deliberately simple and strict: **after the signed revision only whitespace
///   may follow**. Any appended incremental update — even one a viewer would call harmless (a DSS, a second
///   signature) — fails the check, because proving that an update changes nothing shown needs a full
///   renderer-level diff, and CivicSeal never updates issued documents.
/// - `digest`, `signature`, `signing-certificate`: the CMS from `/Contents` (`/SubFilter` `ETSI.CAdES.detached`, which
///   also requires ESS signing-certificate-v2, or `adbe.pkcs7.detached`) verified over the two ranges.
/// - `chain`, `validity-at-signing-time`, `key-usage`: the signer certificate chains to a configured trust anchor as of
///   the signing time (the CMS signing-time when present, else `/M`), every certificate of the chain was valid
///   then, and its key usage has digitalSignature or nonRepudiation.
/// - online only: `registered`, `hash-matches` (SHA-256 of the whole file), `not-revoked` (a revoked document's
///   verdict gives the date and the public ``RevocationReason`` code, never the officer's grounds).
///
/// Work is linear in the file: ``PDFObjectScanner`` reads each byte a small constant number of times and keeps only
/// what verification reads; a CMS carries at most ``CMSSignedData/maximumCertificates`` certificates, and those of an
/// upload are never cached.
///
/// A check that cannot run because an earlier one failed is reported as failed with a "not checked" message, so
/// the list of checks is always the same for the same mode.
package final class DocumentVerifier: Sendable {
    /// The largest file accepted (the `POST /v1/verify` body limit).
    package static let maximumSize = 10 * 1024 * 1024

    package let trustAnchors: [Certificate]
    private let validator: ChainValidator

    /// - Throws: `CryptoError` when `trustAnchors` is empty or OpenSSL refuses a certificate.
    package init(trustAnchors: [Certificate]) throws(CryptoError) {
        validator = try ChainValidator(trustAnchors: trustAnchors)
        self.trustAnchors = trustAnchors
    }

    /// Verifies `pdf` as of `now` (used only when the file claims no signing time); with a `registry`, also online.
    package func verify(_ pdf: [UInt8], at now: Date = Date(), registry: (any DocumentRegistryLookup)? = nil)
        -> DocumentVerdict
    {
        var report = Report(online: registry != nil)
        let parsed: SignedPDF
        do throws(PDFStructureError) {
            guard pdf.count <= Self.maximumSize else {
                throw PDFStructureError("the file is larger than \(Self.maximumSize / (1024 * 1024)) MiB")
            }
            parsed = try SignedPDF(pdf)
        } catch {
            report.fail(
                .structure, "Không đọc được tệp PDF hoặc tệp không có chữ ký số (\(error.message)).",
                "The file is not a readable signed PDF (\(error.message)).")
            return report.verdict()
        }
        report.pass(
            .structure, "Tệp PDF đọc được và có chữ ký số.", "The PDF is readable and carries a digital signature.")
        report.documentID = parsed.documentID
        report.documentKind = parsed.documentKind
        let signature = parsed.signature

        // Byte range (ISO 32000-1 §12.8.1).
        let ranges = Self.hashableRanges(signature.byteRange, fileSize: pdf.count)
        if let problem = Self.byteRangeProblem(signature, in: pdf) {
            report.fail(
                .byteRange, "Phạm vi ký không bao trùm toàn bộ tệp: một phần tài liệu không được ký (\(problem.vi)).",
                "The signed byte range does not cover the whole file: part of the document is unsigned (\(problem.en))."
            )
        } else {
            report.pass(
                .byteRange, "Phạm vi ký bao trùm toàn bộ tệp, trừ giá trị chữ ký.",
                "The signed byte range covers the whole file except the signature value.")
        }

        // Modifications: nothing but whitespace after the signed revision.
        if let ranges {
            let signedEnd = ranges.1.upperBound
            if pdf[signedEnd...].allSatisfy(PDFObjectScanner.isSpace) {
                report.pass(
                    .modifications, "Tài liệu không bị sửa đổi sau khi ký.",
                    "The document was not modified after signing.")
            } else {
                report.fail(
                    .modifications,
                    "Tài liệu đã bị sửa đổi sau khi ký: có \(pdf.count - signedEnd) byte được thêm vào sau phần đã ký.",
                    "The document was modified after signing: \(pdf.count - signedEnd) bytes were appended after the signed part."
                )
            }
        } else {
            report.notChecked(.modifications)
        }

        // The CMS: digest, signature, signing certificate.
        var signer: Certificate?
        var intermediates: [Certificate] = []
        var cmsSigningTime: Date?
        let subFilter = signature.subFilter ?? "(none)"
        if subFilter != "ETSI.CAdES.detached" && subFilter != "adbe.pkcs7.detached" {
            report.notChecked(.digest)
            report.fail(
                .signature,
                "Định dạng chữ ký \(subFilter) không được hỗ trợ (chỉ chấp nhận ETSI.CAdES.detached, adbe.pkcs7.detached).",
                "The signature format \(subFilter) is not supported (only ETSI.CAdES.detached and adbe.pkcs7.detached)."
            )
            report.notChecked(.signingCertificate)
        } else if let cms = Self.trimmedDER(signature.contents) {
            let verification = CMSSignedData.verifyDetached(
                cms,
                contentDigest: { algorithm in
                    guard let ranges else { return [] }
                    let hasher = Hasher(algorithm)
                    pdf.withUnsafeBytes { raw in
                        hasher.update(UnsafeRawBufferPointer(rebasing: raw[ranges.0]))
                        hasher.update(UnsafeRawBufferPointer(rebasing: raw[ranges.1]))
                    }
                    return hasher.finalize()
                }, validator: nil, at: now, requireSigningCertificateV2: subFilter == "ETSI.CAdES.detached")
            signer = verification.signerCertificate
            intermediates = verification.certificates.filter { $0 != verification.signerCertificate }
            cmsSigningTime = verification.signingTime
            report.record(verification.failure)
        } else {
            report.notChecked(.digest)
            report.fail(
                .signature, "Không đọc được chữ ký CMS trong /Contents.", "The CMS in /Contents is not readable DER.")
            report.notChecked(.signingCertificate)
        }

        // The signer certificate: chain, validity at signing time, key usage.
        let signingTime = cmsSigningTime ?? signature.claimedTime
        report.signingTime = signingTime
        if let signer {
            report.signer = signer.subject.commonName
            report.department =
                signer.subject.attributes.last { $0.type == "OU" }?.value
                ?? signer.subject.attributes.last { $0.type == "O" }?.value
            checkCertificate(signer, intermediates: intermediates, at: signingTime ?? now, &report)
        } else {
            for name in [DocumentVerdict.CheckName.chain, .validityAtSigningTime, .keyUsage] { report.notChecked(name) }
        }

        if let registry { checkRegistry(pdf, registry, &report) }
        return report.verdict()
    }

    // MARK: - Certificate checks

    private func checkCertificate(
        _ signer: Certificate, intermediates: [Certificate], at time: Date, _ report: inout Report
    ) {
        // Key usage is judged below, on its own: the chain validator is asked for none.
        let verdict = validator.validate(signer, intermediates: intermediates, at: time, requiredKeyUsage: [])
        var chainFailure = verdict.failure
        var timeFailure: ChainFailure?
        if let failure = chainFailure, failure.reason == .expired || failure.reason == .notYetValid {
            // Expiry is the validity check's finding; judge trust again inside the signer's validity period.
            timeFailure = failure
            let inside = signer.notBefore.addingTimeInterval(signer.notAfter.timeIntervalSince(signer.notBefore) / 2)
            chainFailure =
                validator.validate(signer, intermediates: intermediates, at: inside, requiredKeyUsage: []).failure
            if let again = chainFailure, again.reason == .expired || again.reason == .notYetValid { chainFailure = nil }
        }
        // An absent key-usage extension is reported by the validator after the chain verified: that is key-usage's
        // finding.
        if let failure = chainFailure, failure.reason == .wrongKeyUsage, failure.depth == 0, signer.keyUsage == nil {
            chainFailure = nil
        }

        if let failure = chainFailure {
            report.fail(
                .chain,
                "Chứng thư số của người ký không được cấp bởi tổ chức chứng thực tin cậy (\(failure.reason.rawValue)).",
                "The signer's certificate does not chain to a trust anchor (\(failure.reason.rawValue) at depth \(failure.depth))."
            )
        } else {
            report.pass(
                .chain, "Chứng thư số của người ký được cấp bởi tổ chức chứng thực tin cậy.",
                "The signer's certificate chains to a trust anchor.")
        }

        // People read the verdict: times in Hà Nội time with the zone named (the JSON members stay ISO 8601 UTC).
        let stamp = HanoiTime.dateTimeWithSeconds(time)
        let stampVietnamese = "\(stamp) \(HanoiTime.zoneVietnamese)"
        let stampEnglish = "\(stamp) \(HanoiTime.zoneEnglish)"
        if timeFailure == nil, signer.isValid(at: time) {
            report.pass(
                .validityAtSigningTime, "Chứng thư số còn hiệu lực tại thời điểm ký (\(stampVietnamese)).",
                "The certificate was valid at the signing time (\(stampEnglish)).")
        } else {
            let depth = timeFailure?.depth ?? 0
            let whose = depth == 0 ? "của người ký" : "trong chuỗi chứng thực (cấp \(depth))"
            let whoseEnglish = depth == 0 ? "the signer's certificate" : "a certificate of the chain (depth \(depth))"
            report.fail(
                .validityAtSigningTime,
                "Chứng thư số \(whose) đã hết hạn hoặc chưa có hiệu lực tại thời điểm ký (\(stampVietnamese)).",
                "At the signing time (\(stampEnglish)) \(whoseEnglish) was expired or not yet valid.")
        }

        if let usage = signer.keyUsage, !usage.isDisjoint(with: [.digitalSignature, .nonRepudiation]) {
            report.pass(
                .keyUsage, "Chứng thư số được phép dùng để ký tài liệu (\(usage)).",
                "The certificate's key usage allows signing documents (\(usage)).")
        } else {
            let usage = signer.keyUsage.map { $0.isEmpty ? "none" : $0.description } ?? "absent"
            report.fail(
                .keyUsage, "Chứng thư số không được phép dùng để ký tài liệu (key usage: \(usage)).",
                "The certificate's key usage (\(usage)) has neither digitalSignature nor nonRepudiation.")
        }
    }

    // MARK: - Registry checks

    private func checkRegistry(_ pdf: [UInt8], _ registry: any DocumentRegistryLookup, _ report: inout Report) {
        guard let identifier = report.documentID, let registered = registry.registeredDocument(id: identifier) else {
            let shown = report.documentID.map { " \($0)" } ?? ""
            report.fail(
                .registered, "Không tìm thấy tài liệu\(shown) trong sổ đăng ký.",
                "The document\(shown) is not in the registry.")
            report.notChecked(.hashMatches)
            report.notChecked(.notRevoked)
            return
        }
        report.pass(.registered, "Tài liệu \(identifier) đã được đăng ký.", "Document \(identifier) is registered.")
        if report.documentKind == nil { report.documentKind = registered.kind }
        if Digest.sha256(pdf) == registered.pdfSHA256 {
            report.pass(.hashMatches, "Tệp trùng khớp với bản đã cấp.", "The file is identical to the one issued.")
        } else {
            report.fail(
                .hashMatches, "Tệp không trùng khớp với bản đã cấp (mã băm SHA-256 khác).",
                "The file differs from the one issued (SHA-256 mismatch).")
        }
        switch registered.status {
        case .valid:
            report.pass(.notRevoked, "Tài liệu chưa bị thu hồi.", "The document has not been revoked.")
        case .revoked(let code, let at):
            // The public reason code and date only: the officer's grounds never reach a verdict.
            let stamp = HanoiTime.dateTimeWithSeconds(at)
            report.revocation = DocumentVerdict.Revocation(date: at, reason: code)
            report.fail(
                .notRevoked,
                "Tài liệu đã bị thu hồi lúc \(stamp) \(HanoiTime.zoneVietnamese). Lý do: \(code.vietnamese) (\(code.rawValue)).",
                "The document was revoked at \(stamp) \(HanoiTime.zoneEnglish). Reason: \(code.english) (\(code.rawValue))."
            )
        }
    }

    // MARK: - Byte range

    /// The two ranges when they lie inside the file, whatever else is wrong with them.
    static func hashableRanges(_ values: [Int], fileSize: Int) -> (Range<Int>, Range<Int>)? {
        guard values.count == 4, values.allSatisfy({ $0 >= 0 }), values[0] <= fileSize,
            values[1] <= fileSize - values[0],
            values[2] <= fileSize, values[3] <= fileSize - values[2]
        else { return nil }
        return (values[0]..<(values[0] + values[1]), values[2]..<(values[2] + values[3]))
    }

    private static func byteRangeProblem(_ signature: SignedPDF.Signature, in pdf: [UInt8]) -> (vi: String, en: String)?
    {
        let values = signature.byteRange
        guard values.count == 4, signature.byteRangeCount == 4 else {
            return ("cần đúng hai khoảng", "exactly two ranges are required, found \(signature.byteRangeCount) numbers")
        }
        guard let (first, second) = hashableRanges(values, fileSize: pdf.count) else {
            return ("khoảng byte nằm ngoài tệp", "a range lies outside the file")
        }
        guard first.lowerBound == 0 else {
            return ("khoảng đầu không bắt đầu từ đầu tệp", "the first range does not start at 0")
        }
        guard first.upperBound == signature.contentsRange.lowerBound,
            second.lowerBound == signature.contentsRange.upperBound
        else {
            return ("khoảng trống không đúng vị trí giá trị chữ ký", "the gap is not exactly the /Contents value")
        }
        // The signed revision must end with its end-of-file marker (§7.5.5), optionally followed by an end-of-line.
        var end = second.upperBound
        if end > 0, pdf[end - 1] == 0x0A { end -= 1 }
        if end > 0, pdf[end - 1] == 0x0D { end -= 1 }
        guard end >= 5, pdf[(end - 5)..<end].elementsEqual("%%EOF".utf8) else {
            return ("phần được ký không kết thúc tại %%EOF", "the signed part does not end at %%EOF")
        }
        return nil
    }

    /// The DER element at the start of `/Contents`, without the zero padding after it; nil when not DER or when
    /// anything but zeros follows.
    static func trimmedDER(_ bytes: [UInt8]) -> [UInt8]? {
        guard bytes.count >= 2, bytes[0] == 0x30 else { return nil }
        var length = 0
        var header = 2
        if bytes[1] < 0x80 {
            length = Int(bytes[1])
        } else {
            let count = Int(bytes[1] & 0x7F)
            guard count >= 1, count <= 4, bytes.count >= 2 + count else { return nil }
            for index in 0..<count { length = length << 8 | Int(bytes[2 + index]) }
            header += count
        }
        guard length <= bytes.count - header else { return nil }
        let end = header + length
        guard bytes[end...].allSatisfy({ $0 == 0 }) else { return nil }
        return Array(bytes[..<end])
    }
}

/// The verdict being built: checks in report order, and what was learnt about the document.
private struct Report {
    let online: Bool
    var checks: [DocumentVerdict.Check] = []
    var signer: String?
    var department: String?
    var signingTime: Date?
    var documentID: String?
    var documentKind: String?
    var revocation: DocumentVerdict.Revocation?

    init(online: Bool) { self.online = online }

    mutating func pass(_ name: DocumentVerdict.CheckName, _ vietnamese: String, _ english: String) {
        checks.append(.init(name: name, passed: true, vietnamese: vietnamese, english: english))
    }

    mutating func fail(_ name: DocumentVerdict.CheckName, _ vietnamese: String, _ english: String) {
        checks.append(.init(name: name, passed: false, vietnamese: vietnamese, english: english))
    }

    mutating func notChecked(_ name: DocumentVerdict.CheckName) {
        checks.append(
            .init(
                name: name, passed: false, vietnamese: "Chưa kiểm tra được do một bước kiểm tra trước không đạt.",
                english: "Not checked: an earlier check failed.", wasRun: false))
    }

    /// Maps the CMS verification's first failure onto digest, signature and signing-certificate.
    mutating func record(_ failure: CMSFailure?) {
        let digestPassed = (
            "Mã băm của nội dung khớp với giá trị đã ký.", "The digest of the signed bytes matches the signed value."
        )
        let signaturePassed = ("Chữ ký số hợp lệ về mặt mật mã.", "The digital signature is cryptographically valid.")
        let certificatePassed = (
            "Chữ ký gắn đúng với chứng thư số của người ký.", "The signature is bound to the signer's certificate."
        )
        switch failure {
        case nil, .untrustedCertificate?:  // no validator is passed, so the chain is judged separately
            pass(.digest, digestPassed.0, digestPassed.1)
            pass(.signature, signaturePassed.0, signaturePassed.1)
            pass(.signingCertificate, certificatePassed.0, certificatePassed.1)
        case .malformed(let detail)?, .unsupportedAlgorithm(let detail)?:
            notChecked(.digest)
            fail(
                .signature, "Chữ ký CMS không hợp lệ hoặc dùng thuật toán không được chấp nhận (\(detail)).",
                "The CMS signature is malformed or uses an algorithm that is not accepted (\(detail)).")
            notChecked(.signingCertificate)
        case .signerCertificateMissing?:
            notChecked(.digest)
            notChecked(.signature)
            fail(
                .signingCertificate, "Chữ ký không kèm chứng thư số của người ký.",
                "The signer's certificate is not in the signature.")
        case .digestMismatch?:
            fail(
                .digest, "Nội dung tài liệu đã bị thay đổi: mã băm không khớp với giá trị đã ký.",
                "The document content was altered: its digest does not match the signed value.")
            notChecked(.signature)
            notChecked(.signingCertificate)
        case .badSignature?:
            pass(.digest, digestPassed.0, digestPassed.1)
            fail(
                .signature, "Chữ ký số không hợp lệ: không khớp với khóa công khai của người ký.",
                "The digital signature does not verify with the signer's public key.")
            notChecked(.signingCertificate)
        case .signingCertificateMismatch?, .signingCertificateMissing?:
            pass(.digest, digestPassed.0, digestPassed.1)
            pass(.signature, signaturePassed.0, signaturePassed.1)
            fail(
                .signingCertificate,
                "Thuộc tính signing-certificate-v2 thiếu hoặc không khớp với chứng thư số của người ký.",
                "The ESS signing-certificate-v2 attribute is missing or names another certificate (\(failure!.code)).")
        }
    }

    func verdict() -> DocumentVerdict {
        // Every check of the mode is reported; one not reached (structure failed) reads "not checked".
        var all = checks
        let expected = DocumentVerdict.CheckName.offline + (online ? DocumentVerdict.CheckName.online : [])
        for name in expected where !all.contains(where: { $0.name == name }) {
            all.append(
                .init(
                    name: name, passed: false, vietnamese: "Chưa kiểm tra được do một bước kiểm tra trước không đạt.",
                    english: "Not checked: an earlier check failed.", wasRun: false))
        }
        all.sort { expected.firstIndex(of: $0.name)! < expected.firstIndex(of: $1.name)! }
        let failed = all.filter { !$0.passed }.map(\.name)
        let outcome: DocumentVerdict.Outcome =
            failed.isEmpty ? .valid : failed == [.notRevoked] ? .revoked : .invalid
        return DocumentVerdict(
            outcome: outcome, checks: all, signer: signer, department: department, signingTime: signingTime,
            documentID: documentID,
            documentKind: documentKind, revocation: revocation)
    }
}
