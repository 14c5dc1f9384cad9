import CivicSealCrypto
import CivicSealWorkflow
import Foundation

/// Verifies a sealed PDF — ours or any PAdES/PKCS#7-detached signer's — offline from trust anchors and what the
/// file embeds, and online against the document registry. One verifier serves the API, the verification page and the
/// command line.
///
/// A CivicSeal document (issue 16) carries two approval signatures — the officer's, then the department's seal,
/// which locks every field — each with a signature timestamp (B-T), then validation data in a DSS (B-LT) and a
/// document timestamp (B-LTA). The verifier finds every revision and every signature (``SignedPDF``; at most
/// ``SignedPDF/maximumSignatures`` signatures and ``PDFObjectScanner/maximumRevisions`` revisions) and reports, for
/// each signature, a ``SignatureReport``; a per-signature check below passes only if it passes for every signature,
/// and its message then names the one that failed.
///
/// The checks (``DocumentVerdict/CheckName``), each reported with a Vietnamese and an English message:
/// - `structure`: the file (≤ ``maximumSize``) parses and holds a signature dictionary (``PDFObjectScanner`` is
///   strict and bounded; it never trusts offsets in the file).
/// - `byte-range` (each signature): `/ByteRange` is `[0 a b c]` where `a` is the offset of the `<` opening
///   `/Contents` and `b` the offset just after its `>` — "the entire file … excluding the signature value itself"
///   (ISO 32000-1 §12.8.1) — and `b + c` ends a revision at its `%%EOF` (end-of-line allowed).
/// - `allowed-updates`: each revision after the first signed one changes only what the signatures before it allow
///   (``SignedPDF/disallowedUpdate()``): signature fields while no signature locks the document, then only DSS and
///   document timestamps.
/// - `digest`, `signature`, `signing-certificate` (each signature): the CMS from `/Contents` (`/SubFilter`
///   `ETSI.CAdES.detached`, which also requires ESS signing-certificate-v2, or `adbe.pkcs7.detached`) verified over
///   the two ranges; for a document timestamp (`ETSI.RFC3161`), the token's own signature and its imprint.
/// - `chain`, `validity-at-signing-time`, `key-usage` (each signature): the signer certificate chains to a configured
///   trust anchor as of the signing time — the signature timestamp's time when one proves it, else the CMS
///   signing-time, else `/M` — every certificate of the chain was valid then, and its key usage has digitalSignature
///   or nonRepudiation. A certificate that has expired since, or was revoked after that time, does not fail these.
/// - `timestamp`, `revocation-at-signing-time`, `long-term`: see `DocumentVerifier+Time.swift`.
/// - `officer-signature`, `seal-signature`: the first approval signature is the officer's (certificate policy
///   ``officerPolicy``), the last the seal's (``sealPolicy``) of the same department, and the seal locks every field.
/// - online only: `registered`, `hash-matches` (SHA-256 of the whole file is one the registry published for the
///   document), `not-revoked` (a revoked document's verdict gives the date and the public ``RevocationReason`` code,
///   never the officer's grounds).
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
    /// The certificate policy of officers' personal certificates.
    package static let officerPolicy = CivicSealPolicy.officer
    /// The certificate policy of department seal certificates.
    package static let sealPolicy = CivicSealPolicy.seal

    package let trustAnchors: [Certificate]
    let validator: ChainValidator

    /// - Throws: `CryptoError` when `trustAnchors` is empty or OpenSSL refuses a certificate.
    package init(trustAnchors: [Certificate]) throws(CryptoError) {
        validator = try ChainValidator(trustAnchors: trustAnchors)
        self.trustAnchors = trustAnchors
    }

    /// The checks each signature reports, in report order.
    static let perSignatureChecks: [DocumentVerdict.CheckName] = [
        .byteRange, .digest, .signature, .signingCertificate, .chain, .validityAtSigningTime, .keyUsage, .timestamp,
        .revocationAtSigningTime,
    ]

    /// Verifies `pdf` as of `now` (the time certificates of the last document timestamp must be valid at, and the
    /// signing time when the file proves and claims none); with a `registry`, also online.
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
            report.list.fail(
                .structure, "Không đọc được tệp PDF hoặc tệp không có chữ ký số (\(error.message)).",
                "The file is not a readable signed PDF (\(error.message)).")
            return report.verdict()
        }
        report.list.pass(
            .structure, "Tệp PDF đọc được và có chữ ký số.", "The PDF is readable and carries a digital signature.")
        report.documentID = parsed.documentID
        report.documentKind = parsed.documentKind

        // Each signature on its own, in the order they were made.
        var evaluations = parsed.signatures.map { signature in
            signature.isDocumentTimeStamp
                ? evaluateDocumentTimeStamp(signature, in: pdf, now: now)
                : evaluateApproval(signature, in: pdf, now: now)
        }
        assignRoles(&evaluations)
        let validation = ValidationData(parsed)
        for index in evaluations.indices where !evaluations[index].signature.isDocumentTimeStamp {
            checkRevocation(&evaluations[index], validation)
        }
        report.evaluations = evaluations
        report.level = Self.level(evaluations, validation)

        // Allowed updates: object by object, revision by revision.
        if let problem = parsed.disallowedUpdate() {
            report.list.fail(.allowedUpdates, problem.vietnamese, problem.english)
        } else if let first = parsed.signatures.compactMap(\.revision).min(), parsed.revisions.count > first + 1 {
            report.list.pass(
                .allowedUpdates, "Sau khi ký, tài liệu chỉ được bổ sung chữ ký, dấu thời gian và dữ liệu kiểm tra.",
                "After signing, the document only gained signatures, timestamps and validation data.")
        } else {
            report.list.pass(
                .allowedUpdates, "Tài liệu không bị sửa đổi sau khi ký.", "The document was not modified after signing."
            )
        }

        for name in Self.perSignatureChecks { Self.aggregate(name, evaluations, into: &report.list) }
        checkLongTerm(evaluations, validation, parsed: parsed, now: now, &report.list)
        checkRoles(evaluations, &report.list)

        if let seal = evaluations.last(where: { !$0.signature.isDocumentTimeStamp }) {
            report.signer = seal.certificate?.subject.commonName
            report.department = seal.department
            report.signingTime = seal.signingTime
        }
        if let officer = evaluations.first(where: { $0.role == .officer }) {
            report.officer = officer.certificate?.subject.commonName
        }
        if let registry { checkRegistry(pdf, registry, &report) }
        return report.verdict()
    }

    /// One check over every signature that reports it: passed when it passed for all; else the first failure, named
    /// by the signature's role when the document has several.
    static func aggregate(
        _ name: DocumentVerdict.CheckName, _ evaluations: [SignatureEvaluation], into list: inout CheckList
    ) {
        let found = evaluations.compactMap { evaluation in evaluation.checks.check(name).map { (evaluation, $0) } }
        guard let last = found.last else { return }
        let failing = found.first { !$0.1.passed && $0.1.wasRun } ?? found.first { !$0.1.passed }
        if let (evaluation, check) = failing {
            guard evaluations.count > 1 else {
                list.checks.append(check)
                return
            }
            let role = evaluation.roleName
            list.checks.append(
                .init(
                    name: name, passed: false, vietnamese: "\(role.vietnamese.capitalizedFirst): \(check.vietnamese)",
                    english: "\(role.english.capitalizedFirst): \(check.english)", wasRun: check.wasRun))
        } else if found.count == 1 {
            list.checks.append(last.1)
        } else {
            // The seal's message speaks for all (a document timestamp's speaks of the timestamp only).
            let shown = found.last { !$0.0.signature.isDocumentTimeStamp }?.1 ?? last.1
            list.pass(
                name, "\(shown.vietnamese) (cả \(found.count) chữ ký)",
                "\(shown.english) (all \(found.count) signatures)")
        }
    }

    /// The level the file shows: a document timestamp makes it B-LTA, a DSS B-LT, a signature timestamp B-T.
    static func level(_ evaluations: [SignatureEvaluation], _ validation: ValidationData) -> DocumentVerdict.Level? {
        guard !evaluations.isEmpty else { return nil }
        if evaluations.contains(where: \.signature.isDocumentTimeStamp) { return .longTermArchive }
        if !validation.isEmpty { return .longTerm }
        if evaluations.contains(where: { $0.timestampTime != nil }) { return .timestamp }
        return .basic
    }

    // MARK: - Certificate checks

    func checkCertificate(
        _ signer: Certificate, intermediates: [Certificate], at time: Date, _ report: inout CheckList
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
                "The signer's certificate does not chain to a trust anchor "
                    + "(\(failure.reason.rawValue) at depth \(failure.depth))."
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
        var list = report.list
        defer { report.list = list }
        guard let identifier = report.documentID, let registered = registry.registeredDocument(id: identifier) else {
            let shown = report.documentID.map { " \($0)" } ?? ""
            list.fail(
                .registered, "Không tìm thấy tài liệu\(shown) trong sổ đăng ký.",
                "The document\(shown) is not in the registry.")
            list.notChecked(.hashMatches)
            list.notChecked(.notRevoked)
            return
        }
        list.pass(.registered, "Tài liệu \(identifier) đã được đăng ký.", "Document \(identifier) is registered.")
        if report.documentKind == nil { report.documentKind = registered.kind }
        let digest = Digest.sha256(pdf)
        if let version = registered.versionSHA256s.firstIndex(of: digest) {
            if version == 0 {
                list.pass(.hashMatches, "Tệp trùng khớp với bản đã cấp.", "The file is identical to the one issued.")
            } else {
                list.pass(
                    .hashMatches, "Tệp trùng khớp với một bản đã công bố (bản gia hạn lưu trữ thứ \(version)).",
                    "The file is identical to a published version (archive renewal \(version)).")
            }
        } else {
            list.fail(
                .hashMatches, "Tệp không trùng khớp với bản đã cấp (mã băm SHA-256 khác).",
                "The file differs from the one issued (SHA-256 mismatch).")
        }
        switch registered.status {
        case .valid:
            list.pass(.notRevoked, "Tài liệu chưa bị thu hồi.", "The document has not been revoked.")
        case .revoked(let code, let at):
            // The public reason code and date only: the officer's grounds never reach a verdict.
            let stamp = HanoiTime.dateTimeWithSeconds(at)
            report.revocation = DocumentVerdict.Revocation(
                date: at, reason: code, supersededBy: registered.supersededBy)
            let replacement = registered.supersededBy.map {
                (vi: " Đã được thay thế bằng tài liệu \($0).", en: " Superseded by document \($0).")
            }
            list.fail(
                .notRevoked,
                "Tài liệu đã bị thu hồi lúc \(stamp) \(HanoiTime.zoneVietnamese). "
                    + "Lý do: \(code.vietnamese) (\(code.rawValue)).\(replacement?.vi ?? "")",
                "The document was revoked at \(stamp) \(HanoiTime.zoneEnglish). "
                    + "Reason: \(code.english) (\(code.rawValue)).\(replacement?.en ?? "")"
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

    static func byteRangeProblem(_ signature: SignedPDF.Signature, in pdf: [UInt8]) -> (vi: String, en: String)? {
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
        guard end >= 5, pdf[(end - 5)..<end].elementsEqual("%%EOF".utf8), signature.revision != nil else {
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

/// The verdict being built: document checks in report order, the signatures, and what was learnt.
struct Report {
    let online: Bool
    var list = CheckList()
    var evaluations: [SignatureEvaluation] = []
    var signer: String?
    var department: String?
    var officer: String?
    var signingTime: Date?
    var documentID: String?
    var documentKind: String?
    var revocation: DocumentVerdict.Revocation?
    var level: DocumentVerdict.Level?

    init(online: Bool) { self.online = online }

    func verdict() -> DocumentVerdict {
        // Every check of the mode is reported; one not reached (structure failed) reads "not checked".
        var all = list.checks
        let expected = DocumentVerdict.CheckName.offline + (online ? DocumentVerdict.CheckName.online : [])
        for name in expected where !all.contains(where: { $0.name == name }) {
            all.append(
                .init(
                    name: name, passed: false, vietnamese: CheckList.notCheckedVietnamese,
                    english: CheckList.notCheckedEnglish, wasRun: false))
        }
        all.sort { expected.firstIndex(of: $0.name)! < expected.firstIndex(of: $1.name)! }
        let failed = Set(all.filter { !$0.passed }.map(\.name))
        // A single approval signature without timestamps or validation data is a B-B document made before
        // long-term signatures: failing only the long-term checks, it is `basic` (see ``DocumentVerdict``).
        let legacy = level == .basic && evaluations.count == 1
        let outcome: DocumentVerdict.Outcome =
            if failed.isEmpty {
                .valid
            } else if failed == [.notRevoked] {
                .revoked
            } else if legacy, failed.subtracting([.notRevoked]).isSubset(of: DocumentVerdict.CheckName.longTermOnly) {
                failed.contains(.notRevoked) ? .revoked : .basic
            } else {
                .invalid
            }
        let reports = evaluations.map { evaluation in
            var checks = evaluation.checks.checks
            checks.sort {
                (DocumentVerifier.perSignatureChecks.firstIndex(of: $0.name) ?? 99)
                    < (DocumentVerifier.perSignatureChecks.firstIndex(of: $1.name) ?? 99)
            }
            return SignatureReport(
                role: evaluation.role, field: evaluation.signature.fieldName,
                signer: evaluation.certificate?.subject.commonName,
                title: evaluation.certificate?.subject.attributes.last { $0.type == "title" }?.value,
                department: evaluation.department, signingTime: evaluation.signingTime,
                timestampTime: evaluation.timestampTime, revision: evaluation.signature.revision.map { $0 + 1 },
                checks: checks)
        }
        return DocumentVerdict(
            outcome: outcome, checks: all, signer: signer, department: department, signingTime: signingTime,
            documentID: documentID, documentKind: documentKind, revocation: revocation, signatures: reports,
            officer: officer, level: level)
    }
}

extension String {
    /// The string with its first character in upper case ("the seal" → "The seal").
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
