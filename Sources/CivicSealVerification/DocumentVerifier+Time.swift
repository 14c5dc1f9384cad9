import CivicSealCrypto
import Foundation

/// Proof of time and long-term validation (PAdES B-T, B-LT, B-LTA).
extension DocumentVerifier {
    // MARK: - Timestamps

    /// A document timestamp (`/Type /DocTimeStamp`, `ETSI.RFC3161`): byte range, then the token.
    func evaluateDocumentTimeStamp(_ signature: SignedPDF.Signature, in pdf: [UInt8], now: Date)
        -> SignatureEvaluation
    {
        var evaluation = SignatureEvaluation(signature: signature, role: .documentTimestamp)
        _ = checkByteRange(signature, in: pdf, &evaluation.checks)
        evaluation.checks.fail(
            .timestamp, "Chưa kiểm tra được dấu thời gian tài liệu.", "The document timestamp could not be checked.")
        return evaluation
    }

    /// The `timestamp` check of an approval signature: its signature-time-stamp.
    func checkSignatureTimeStamp(_ evaluation: inout SignatureEvaluation) {
        evaluation.checks.fail(
            .timestamp, "Chữ ký không có dấu thời gian: thời điểm ký chỉ là thời điểm người ký tự khai.",
            "The signature carries no timestamp: its signing time is only what the signer claims.")
    }

    // MARK: - Revocation

    func checkRevocation(_ evaluation: inout SignatureEvaluation, _ validation: ValidationData) {
        evaluation.checks.fail(
            .revocationAtSigningTime,
            "Không kiểm tra được trạng thái thu hồi khi ngoại tuyến: tài liệu không kèm phản hồi OCSP hay CRL.",
            "The status cannot be checked offline: the document embeds no OCSP response or CRL.")
    }

    // MARK: - Long term

    func checkLongTerm(
        _ evaluations: [SignatureEvaluation], _ validation: ValidationData, parsed: SignedPDF, now: Date,
        _ list: inout CheckList
    ) {
        list.fail(
            .longTerm, "Tài liệu không có dấu thời gian tài liệu: không kiểm tra được lâu dài.",
            "The document has no document timestamp: it cannot be validated in the long term.")
    }
}
