import CivicSealCrypto

/// Named checks being recorded, in order: for one signature, or for the whole document.
struct CheckList {
    var checks: [DocumentVerdict.Check] = []

    static let notCheckedVietnamese = "Chưa kiểm tra được do một bước kiểm tra trước không đạt."
    static let notCheckedEnglish = "Not checked: an earlier check failed."

    mutating func pass(_ name: DocumentVerdict.CheckName, _ vietnamese: String, _ english: String) {
        checks.append(.init(name: name, passed: true, vietnamese: vietnamese, english: english))
    }

    mutating func fail(_ name: DocumentVerdict.CheckName, _ vietnamese: String, _ english: String) {
        checks.append(.init(name: name, passed: false, vietnamese: vietnamese, english: english))
    }

    mutating func notChecked(_ name: DocumentVerdict.CheckName) {
        checks.append(
            .init(
                name: name, passed: false, vietnamese: Self.notCheckedVietnamese, english: Self.notCheckedEnglish,
                wasRun: false))
    }

    func check(_ name: DocumentVerdict.CheckName) -> DocumentVerdict.Check? { checks.first { $0.name == name } }

    func passed(_ name: DocumentVerdict.CheckName) -> Bool { check(name)?.passed == true }

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
}
