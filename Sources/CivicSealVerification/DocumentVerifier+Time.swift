import CivicSealCrypto
import CivicSealWorkflow
import Foundation

/// Proof of time and long-term validation (PAdES B-T, B-LT, B-LTA; ETSI EN 319 142-1 §5.3–5.5).
///
/// - `timestamp`: each approval signature carries a signature-time-stamp (RFC 3161 Appendix A, the unsigned attribute
///   id-aa-signatureTimeStampToken) whose imprint covers the signature's value and whose TSA certificate — with the
///   critical timeStamping extended key usage ``TimeStampToken`` checks — chains to a trust anchor at the token's
///   `genTime`; a document timestamp's token covers its byte range. The proven time then replaces the claimed one
///   everywhere (chain and validity are judged at it).
/// - `revocation-at-signing-time`: for each signer's and each signature-TSA's certificate, an embedded OCSP response
///   (DSS `/OCSPs`, checked against the issuer) or CRL (DSS `/CRLs`, signed by the issuer) shows it was not revoked at
///   the signing time: good in a response produced at or after it, or revoked with a revocation time after it.
///   Revoked before → "signed after the revocation"; nothing embedded → "status cannot be checked offline".
/// - `long-term`: there is a document timestamp; every one is valid; the last one's TSA certificate is valid at `now`
///   and each earlier one at the `genTime` of the next; the revocation data relied on lies in revisions a document
///   timestamp covers.
extension DocumentVerifier {
    // MARK: - Signature timestamps

    /// The `timestamp` check of an approval signature; on success sets the proven time and the TSA certificate.
    func checkSignatureTimeStamp(_ evaluation: inout SignatureEvaluation) {
        guard let cms = evaluation.cms, evaluation.checks.passed(.signature) else {
            evaluation.checks.notChecked(.timestamp)
            return
        }
        let tokens: [TimeStampToken]
        do { tokens = try CMSSignedData.signatureTimeStamps(in: cms) } catch {
            evaluation.checks.fail(
                .timestamp, "Dấu thời gian của chữ ký không hợp lệ (\(error.message)).",
                "The signature's timestamp is not valid (\(error.message)).")
            return
        }
        guard !tokens.isEmpty else {
            evaluation.checks.fail(
                .timestamp, "Chữ ký không có dấu thời gian: thời điểm ký chỉ là thời điểm người ký tự khai.",
                "The signature carries no timestamp: its signing time is only what the signer claims.")
            return
        }
        let value = try? CMSSignedData.signatureValue(of: cms)
        var problem = ("", "")
        for token in tokens {
            guard let value, token.covers(value) else {
                problem = (
                    "dấu thời gian không bao trùm giá trị chữ ký", "the timestamp does not cover the signature value"
                )
                continue
            }
            if let failure = timeStampAuthorityFailure(token) {
                problem = failure
                continue
            }
            let authority = token.signerCertificate?.subject.commonName ?? "?"
            evaluation.timestampTime = token.generationTime
            evaluation.timestampAuthorities += token.signerCertificate.map { [$0] } ?? []
            let time = HanoiTime.dateTimeWithSeconds(token.generationTime)
            evaluation.checks.pass(
                .timestamp,
                "Dấu thời gian của \(authority) chứng minh chữ ký đã có lúc \(time) \(HanoiTime.zoneVietnamese).",
                "A timestamp by \(authority) proves the signature existed at \(time) \(HanoiTime.zoneEnglish).")
            return
        }
        evaluation.checks.fail(
            .timestamp, "Dấu thời gian của chữ ký không hợp lệ: \(problem.0).",
            "The signature's timestamp is not valid: \(problem.1).")
    }

    /// Why a token's TSA certificate is not acceptable at the token's time, or nil.
    private func timeStampAuthorityFailure(_ token: TimeStampToken) -> (String, String)? {
        guard let authority = token.signerCertificate else {
            return ("không có chứng thư số của tổ chức cấp dấu thời gian", "the TSA certificate is missing")
        }
        let verdict = validator.validate(
            authority, intermediates: token.certificates.filter { $0 != authority }, at: token.generationTime,
            requiredKeyUsage: [])
        if let failure = verdict.failure {
            return (
                "chứng thư số của tổ chức cấp dấu thời gian không được tin cậy tại thời điểm đóng dấu "
                    + "(\(failure.reason.rawValue))",
                "the TSA certificate does not chain to a trust anchor at the timestamp's time "
                    + "(\(failure.reason.rawValue) at depth \(failure.depth))"
            )
        }
        return nil
    }

    // MARK: - Document timestamps

    /// A document timestamp (`/Type /DocTimeStamp`, `ETSI.RFC3161`): byte range, then the token over it.
    func evaluateDocumentTimeStamp(_ signature: SignedPDF.Signature, in pdf: [UInt8], now: Date)
        -> SignatureEvaluation
    {
        var evaluation = SignatureEvaluation(signature: signature, role: .documentTimestamp)
        let ranges = checkByteRange(signature, in: pdf, &evaluation.checks)
        let token: TimeStampToken
        do throws(CryptoError) {
            guard signature.subFilter == "ETSI.RFC3161" else {
                throw CryptoError(.malformedInput, "/SubFilter is \(signature.subFilter ?? "absent"), not ETSI.RFC3161")
            }
            guard let der = Self.trimmedDER(signature.contents) else {
                throw CryptoError(.malformedInput, "/Contents is not readable DER")
            }
            token = try TimeStampToken(der: der)
        } catch {
            evaluation.checks.notChecked(.digest)
            evaluation.checks.fail(
                .signature, "Dấu thời gian tài liệu không hợp lệ (\(error.message)).",
                "The document timestamp is not valid (\(error.message)).")
            evaluation.checks.notChecked(.chain)
            evaluation.checks.notChecked(.timestamp)
            return evaluation
        }
        evaluation.certificate = token.signerCertificate
        evaluation.certificates = token.certificates
        evaluation.timestampTime = token.generationTime
        if let ranges,
            token.covers(digest: Self.digest(pdf, ranges, token.digestAlgorithm), algorithm: token.digestAlgorithm)
        {
            evaluation.checks.pass(
                .digest, "Dấu thời gian tài liệu khớp với nội dung tệp đến phiên bản nó đóng dấu.",
                "The document timestamp matches the file up to the revision it stamps.")
        } else {
            evaluation.checks.fail(
                .digest, "Nội dung tài liệu đã bị thay đổi: không khớp với dấu thời gian tài liệu.",
                "The document content was altered: it does not match the document timestamp.")
        }
        evaluation.checks.pass(
            .signature, "Chữ ký của tổ chức cấp dấu thời gian hợp lệ.", "The timestamp authority's signature is valid.")
        if let failure = timeStampAuthorityFailure(token) {
            evaluation.checks.fail(.chain, "Dấu thời gian tài liệu: \(failure.0).", "Document timestamp: \(failure.1).")
        } else {
            evaluation.checks.pass(
                .chain, "Chứng thư số của tổ chức cấp dấu thời gian được tin cậy.",
                "The timestamp authority's certificate chains to a trust anchor.")
        }
        let time = HanoiTime.dateTimeWithSeconds(token.generationTime)
        let authority = token.signerCertificate?.subject.commonName ?? "?"
        if evaluation.checks.passed(.digest), evaluation.checks.passed(.chain) {
            evaluation.checks.pass(
                .timestamp, "Dấu thời gian tài liệu của \(authority) lúc \(time) \(HanoiTime.zoneVietnamese) hợp lệ.",
                "The document timestamp by \(authority) at \(time) \(HanoiTime.zoneEnglish) is valid.")
        } else {
            evaluation.checks.fail(
                .timestamp, "Dấu thời gian tài liệu lúc \(time) \(HanoiTime.zoneVietnamese) không hợp lệ.",
                "The document timestamp at \(time) \(HanoiTime.zoneEnglish) is not valid.")
        }
        return evaluation
    }

    // MARK: - Revocation at the signing time

    /// The `revocation-at-signing-time` check of an approval signature: its signer's and its TSAs' certificates.
    func checkRevocation(_ evaluation: inout SignatureEvaluation, _ validation: ValidationData) {
        guard let signer = evaluation.certificate, let time = evaluation.signingTime else {
            evaluation.checks.notChecked(.revocationAtSigningTime)
            return
        }
        let known = trustAnchors + evaluation.certificates + validation.parsedCertificates
        var passes: [(String, String)] = []
        for certificate in [signer] + evaluation.timestampAuthorities {
            let name = certificate.subject.commonName ?? certificate.serialNumber
            guard let issuer = known.first(where: { $0 != certificate && certificate.isIssued(by: $0) }) else {
                evaluation.checks.fail(
                    .revocationAtSigningTime, "Không tìm thấy tổ chức cấp chứng thư số của \(name).",
                    "The issuer of \(name)'s certificate is not known.")
                return
            }
            let stamp = HanoiTime.dateTimeWithSeconds(time)
            switch validation.status(of: certificate, issuer: issuer, at: time) {
            case .revokedBefore(let date, let reason, _):
                let when = HanoiTime.dateTimeWithSeconds(date)
                evaluation.checks.fail(
                    .revocationAtSigningTime,
                    "Chứng thư số của \(name) đã bị thu hồi lúc \(when) \(HanoiTime.zoneVietnamese)"
                        + "\(reason.map { " (\($0.name))" } ?? ""), trước thời điểm ký \(stamp): chữ ký được tạo sau "
                        + "khi chứng thư số bị thu hồi.",
                    "\(name)'s certificate was revoked at \(when) \(HanoiTime.zoneEnglish)"
                        + "\(reason.map { " (\($0.name))" } ?? ""), before the signing time \(stamp): signed after the "
                        + "revocation.")
                return
            case .revokedAfter(let date, _, let revision):
                evaluation.revocationEvidence.append(revision)
                let when = HanoiTime.dateTimeWithSeconds(date)
                passes.append(
                    (
                        "\(name): bị thu hồi lúc \(when), sau thời điểm ký",
                        "\(name): revoked at \(when), after signing"
                    ))
            case .good(let source, let revision):
                evaluation.revocationEvidence.append(revision)
                passes.append(("\(name): chưa bị thu hồi (\(source))", "\(name): not revoked (\(source))"))
            case .none:
                evaluation.checks.fail(
                    .revocationAtSigningTime,
                    "Không kiểm tra được trạng thái thu hồi của \(name) khi ngoại tuyến: tài liệu không kèm phản hồi "
                        + "OCSP hay CRL phù hợp.",
                    "The status of \(name)'s certificate cannot be checked offline: the document embeds no OCSP "
                        + "response or CRL for it.")
                return
            }
        }
        evaluation.checks.pass(
            .revocationAtSigningTime,
            "Các chứng thư số chưa bị thu hồi tại thời điểm ký (\(passes.map(\.0).joined(separator: "; "))).",
            "The certificates were not revoked at the signing time (\(passes.map(\.1).joined(separator: "; "))).")
    }

    // MARK: - Long term

    /// The `long-term` check (see the extension's documentation).
    func checkLongTerm(
        _ evaluations: [SignatureEvaluation], _ validation: ValidationData, parsed: SignedPDF, now: Date,
        _ list: inout CheckList
    ) {
        let stamps = evaluations.filter(\.signature.isDocumentTimeStamp)
        guard let last = stamps.last else {
            list.fail(
                .longTerm,
                "Tài liệu không có dấu thời gian tài liệu: không kiểm tra được sau khi chứng thư số hết hạn.",
                "The document has no document timestamp: it cannot be verified once its certificates expire.")
            return
        }
        if let broken = stamps.first(where: { !$0.checks.passed(.timestamp) }) {
            let time = broken.timestampTime.map { HanoiTime.dateTimeWithSeconds($0) } ?? "?"
            list.fail(
                .longTerm, "Dấu thời gian tài liệu (\(time)) không hợp lệ.",
                "A document timestamp (\(time)) is not valid."
            )
            return
        }
        // Each TSA certificate must still be valid when the next document timestamp renews the proof; the last one now.
        for (index, stamp) in stamps.enumerated() {
            guard let authority = stamp.certificate else { continue }
            let at = index + 1 < stamps.count ? stamps[index + 1].timestampTime ?? now : now
            guard !authority.isValid(at: at) else { continue }
            let expiry = HanoiTime.dateTimeWithSeconds(authority.notAfter)
            list.fail(
                .longTerm,
                "Chứng thư số của tổ chức cấp dấu thời gian tài liệu đã hết hạn lúc \(expiry) "
                    + "\(HanoiTime.zoneVietnamese) mà không được gia hạn bằng dấu thời gian mới.",
                "The document timestamp's TSA certificate expired at \(expiry) \(HanoiTime.zoneEnglish) and no newer "
                    + "document timestamp renewed it.")
            return
        }
        let covered = last.signature.revision ?? -1
        for evaluation in evaluations where !evaluation.signature.isDocumentTimeStamp {
            if evaluation.revocationEvidence.contains(where: { $0 > covered }) {
                list.fail(
                    .longTerm,
                    "Dữ liệu kiểm tra của \(evaluation.roleName.vietnamese) được thêm sau dấu thời gian tài liệu cuối "
                        + "cùng nên không được bảo vệ.",
                    "The validation data of \(evaluation.roleName.english) was added after the last document "
                        + "timestamp, so nothing protects it.")
                return
            }
        }
        let expiry = last.certificate.map { HanoiTime.dateTimeWithSeconds($0.notAfter) } ?? "?"
        list.pass(
            .longTerm,
            "Tài liệu kèm dữ liệu kiểm tra và \(stamps.count) dấu thời gian tài liệu; có thể kiểm tra lâu dài "
                + "(dấu thời gian cuối cùng có hiệu lực đến \(expiry)).",
            "The document embeds its validation data and \(stamps.count) document timestamp(s); it stays verifiable "
                + "(the last one's TSA certificate is valid until \(expiry)).")
    }
}

extension ValidationData {
    /// What the embedded revocation data says about a certificate at a time.
    enum Status {
        /// Good in a response produced at or after the time (or absent from a CRL issued at or after it).
        case good(source: String, revision: Int)
        case revokedAfter(Date, CRLReason?, revision: Int)
        case revokedBefore(Date, CRLReason?, revision: Int)
    }

    /// The strongest statement the embedded OCSP responses and CRLs make about `certificate` at `time`: a revocation
    /// before it wins; else good or revoked after it; nil when nothing covers the certificate.
    func status(of certificate: Certificate, issuer: Certificate, at time: Date) -> Status? {
        var found: Status?
        // OCSP and CRL times are whole seconds (RFC 5280 §4.1.2.5.2); a TSTInfo genTime may carry a fraction.
        let second = Date(timeIntervalSince1970: time.timeIntervalSince1970.rounded(.down))
        for (response, revision) in parsedResponses {
            guard let single = response.status(of: certificate, issuer: issuer, at: response.producedAt) else {
                continue
            }
            switch single.status {
            case .revoked(let date, let reason):
                if date <= time { return .revokedBefore(date, reason, revision: revision) }
                found = .revokedAfter(date, reason, revision: revision)
            case .good where response.producedAt >= second:
                if found == nil { found = .good(source: "OCSP", revision: revision) }
            default: continue
            }
        }
        for (list, revision) in parsedLists where list.isSigned(by: issuer) {
            if let entry = list.entry(for: certificate) {
                if entry.revocationDate <= time {
                    return .revokedBefore(entry.revocationDate, entry.reason, revision: revision)
                }
                found = .revokedAfter(entry.revocationDate, entry.reason, revision: revision)
            } else if list.thisUpdate >= second, found == nil {
                found = .good(source: "CRL", revision: revision)
            }
        }
        return found
    }
}
