import CivicSealCrypto
import Foundation

/// What the verifier learnt about one signature (approval signature or document timestamp).
struct SignatureEvaluation {
    let signature: SignedPDF.Signature
    var role: SignatureReport.Role
    var checks = CheckList()
    /// The signer's certificate (for a document timestamp, the TSA's).
    var certificate: Certificate?
    /// Every certificate the CMS (or token) carries.
    var certificates: [Certificate] = []
    /// The CMS, without the padding of `/Contents`.
    var cms: [UInt8]?
    /// The CMS signing-time, else `/M`: what the signer claims.
    var claimedTime: Date?
    /// The time a valid timestamp proves: the signature timestamp's (or the document timestamp's) `genTime`.
    var timestampTime: Date?
    /// The TSA certificates of the valid signature timestamps.
    var timestampAuthorities: [Certificate] = []
    /// The signer certificate's policy OIDs.
    var policies: [String] = []
    /// The revisions (indexes) of the embedded OCSP responses and CRLs the revocation check relied on.
    var revocationEvidence: [Int] = []

    init(signature: SignedPDF.Signature, role: SignatureReport.Role) {
        self.signature = signature
        self.role = role
    }

    /// The time the signature is judged at: proven when a timestamp proves it, else claimed.
    var signingTime: Date? { timestampTime ?? claimedTime }

    var department: String? {
        certificate.flatMap {
            $0.subject.attributes.last { $0.type == "OU" }?.value
                ?? $0.subject.attributes.last { $0.type == "O" }?.value
        }
    }

    var roleName: (vietnamese: String, english: String) {
        let base =
            switch role {
            case .officer: ("chữ ký của người có thẩm quyền", "the officer's signature")
            case .seal: ("chữ ký của cơ quan (con dấu)", "the department's seal")
            case .documentTimestamp: ("dấu thời gian tài liệu", "the document timestamp")
            }
        guard let field = signature.fieldName else { return base }
        return ("\(base.0) «\(field)»", "\(base.1) «\(field)»")
    }
}

extension DocumentVerifier {
    // MARK: - Approval signatures

    /// Byte range, CMS, signature timestamp, then the certificate as of the signing time.
    func evaluateApproval(_ signature: SignedPDF.Signature, in pdf: [UInt8], now: Date) -> SignatureEvaluation {
        var evaluation = SignatureEvaluation(signature: signature, role: .seal)
        let ranges = checkByteRange(signature, in: pdf, &evaluation.checks)

        let subFilter = signature.subFilter ?? "(none)"
        if subFilter != "ETSI.CAdES.detached" && subFilter != "adbe.pkcs7.detached" {
            evaluation.checks.notChecked(.digest)
            evaluation.checks.fail(
                .signature,
                "Định dạng chữ ký \(subFilter) không được hỗ trợ "
                    + "(chỉ chấp nhận ETSI.CAdES.detached, adbe.pkcs7.detached).",
                "The signature format \(subFilter) is not supported (only ETSI.CAdES.detached and adbe.pkcs7.detached)."
            )
            evaluation.checks.notChecked(.signingCertificate)
        } else if let cms = Self.trimmedDER(signature.contents) {
            let verification = CMSSignedData.verifyDetached(
                cms,
                contentDigest: { algorithm in
                    guard let ranges else { return [] }
                    return Self.digest(pdf, ranges, algorithm)
                }, validator: nil, at: now, requireSigningCertificateV2: subFilter == "ETSI.CAdES.detached")
            evaluation.cms = cms
            evaluation.certificate = verification.signerCertificate
            evaluation.certificates = verification.certificates
            evaluation.claimedTime = verification.signingTime
            evaluation.checks.record(verification.failure)
        } else {
            evaluation.checks.notChecked(.digest)
            evaluation.checks.fail(
                .signature, "Không đọc được chữ ký CMS trong /Contents.", "The CMS in /Contents is not readable DER.")
            evaluation.checks.notChecked(.signingCertificate)
        }
        evaluation.claimedTime = evaluation.claimedTime ?? signature.claimedTime
        checkSignatureTimeStamp(&evaluation)

        if let signer = evaluation.certificate {
            evaluation.policies = signer.certificatePolicies
            let intermediates = evaluation.certificates.filter { $0 != signer }
            checkCertificate(
                signer, intermediates: intermediates, at: evaluation.signingTime ?? now, &evaluation.checks)
        } else {
            for name in [DocumentVerdict.CheckName.chain, .validityAtSigningTime, .keyUsage] {
                evaluation.checks.notChecked(name)
            }
        }
        return evaluation
    }

    /// The `byte-range` check of one signature; returns the two ranges when they lie inside the file.
    func checkByteRange(_ signature: SignedPDF.Signature, in pdf: [UInt8], _ checks: inout CheckList)
        -> (Range<Int>, Range<Int>)?
    {
        if let problem = Self.byteRangeProblem(signature, in: pdf) {
            checks.fail(
                .byteRange, "Phạm vi ký không bao trùm toàn bộ tệp: một phần tài liệu không được ký (\(problem.vi)).",
                "The signed byte range does not cover the whole file: part of the document is unsigned (\(problem.en))."
            )
        } else if let revision = signature.revision, signature.coveredEnd < pdf.count,
            !pdf[signature.coveredEnd...].allSatisfy(PDFObjectScanner.isSpace)
        {
            checks.pass(
                .byteRange, "Phạm vi ký bao trùm toàn bộ phiên bản \(revision + 1) của tệp, trừ giá trị chữ ký.",
                "The signed byte range covers the whole of revision \(revision + 1) except the signature value.")
        } else {
            checks.pass(
                .byteRange, "Phạm vi ký bao trùm toàn bộ tệp, trừ giá trị chữ ký.",
                "The signed byte range covers the whole file except the signature value.")
        }
        return Self.hashableRanges(signature.byteRange, fileSize: pdf.count)
    }

    /// The digest of the two ranges.
    static func digest(_ pdf: [UInt8], _ ranges: (Range<Int>, Range<Int>), _ algorithm: DigestAlgorithm) -> [UInt8] {
        let hasher = Hasher(algorithm)
        pdf.withUnsafeBytes { raw in
            hasher.update(UnsafeRawBufferPointer(rebasing: raw[ranges.0]))
            hasher.update(UnsafeRawBufferPointer(rebasing: raw[ranges.1]))
        }
        return hasher.finalize()
    }

    // MARK: - Roles

    /// An approval signature's role: by its certificate's policy, else by its place (the last is the seal).
    func assignRoles(_ evaluations: inout [SignatureEvaluation]) {
        let approvals = evaluations.indices.filter { !evaluations[$0].signature.isDocumentTimeStamp }
        for index in evaluations.indices {
            if evaluations[index].signature.isDocumentTimeStamp {
                evaluations[index].role = .documentTimestamp
            } else if evaluations[index].policies.contains(Self.officerPolicy) {
                evaluations[index].role = .officer
            } else if evaluations[index].policies.contains(Self.sealPolicy) {
                evaluations[index].role = .seal
            } else {
                evaluations[index].role = index == approvals.last ? .seal : .officer
            }
        }
    }

    /// `officer-signature` and `seal-signature`.
    func checkRoles(_ evaluations: [SignatureEvaluation], _ list: inout CheckList) {
        let approvals = evaluations.filter { !$0.signature.isDocumentTimeStamp }
        guard let seal = approvals.last, let sealCertificate = seal.certificate else {
            list.notChecked(.officerSignature)
            list.notChecked(.sealSignature)
            return
        }
        let officer = approvals.count > 1 ? approvals.first : nil
        if let officer, let certificate = officer.certificate {
            let name = certificate.subject.commonName ?? "?"
            let title = certificate.subject.attributes.last { $0.type == "title" }.map { " (\($0.value))" } ?? ""
            if officer.policies.contains(Self.officerPolicy) {
                list.pass(
                    .officerSignature,
                    "Người có thẩm quyền \(name)\(title) đã ký trước tiên bằng chứng thư số cá nhân.",
                    "The officer \(name)\(title) signed first, with a personal certificate.")
            } else {
                list.fail(
                    .officerSignature,
                    "Chữ ký đầu tiên (\(name)) không dùng chứng thư số của người có thẩm quyền (thiếu chính sách "
                        + "\(Self.officerPolicy)).",
                    "The first signature (\(name)) is not made with an officer's certificate (policy "
                        + "\(Self.officerPolicy) is missing).")
            }
        } else if officer != nil {
            list.notChecked(.officerSignature)
        } else {
            list.fail(
                .officerSignature,
                "Tài liệu chỉ có một chữ ký (của cơ quan), không có chữ ký của người có thẩm quyền; tài liệu cấp trước "
                    + "khi áp dụng hai chữ ký có dạng này.",
                "The document carries a single signature (the department's), and no officer's signature; documents "
                    + "issued before two signatures were introduced look like this.")
        }

        let sealName = sealCertificate.subject.commonName ?? "?"
        let sealDepartment = seal.department
        if !seal.policies.contains(Self.sealPolicy) {
            list.fail(
                .sealSignature,
                "Chữ ký cuối cùng (\(sealName)) không dùng chứng thư số con dấu của cơ quan (thiếu chính sách "
                    + "\(Self.sealPolicy)).",
                "The last signature (\(sealName)) is not made with a department seal certificate (policy "
                    + "\(Self.sealPolicy) is missing).")
        } else if let officer, let officerDepartment = officer.department, officerDepartment != sealDepartment {
            list.fail(
                .sealSignature,
                "Con dấu của \(sealDepartment ?? "?") không cùng cơ quan với người ký (\(officerDepartment)).",
                "The seal of \(sealDepartment ?? "?") is not of the officer's department (\(officerDepartment)).")
        } else if !seal.signature.locksDocument {
            list.fail(
                .sealSignature, "Chữ ký con dấu (\(sealName)) không khóa các trường của tài liệu.",
                "The seal's signature (\(sealName)) does not lock the document's fields.")
        } else {
            list.pass(
                .sealSignature, "Con dấu của \(sealName) ký sau cùng và khóa toàn bộ tài liệu.",
                "The seal of \(sealName) signed last and locks the whole document.")
        }
    }
}
