import CivicSealCrypto
import CivicSealVerification
import CivicSealWorkflow
import Foundation

/// `civicseal verify FILE.pdf [--trust DIR]`: verifies a sealed PDF offline from the trust anchors in `DIR`
/// (every PEM certificate found there) and prints the verdict, Vietnamese first, then English.
///
/// Exit status: 0 valid, 1 not valid (a check failed), 2 `basic` (a single-signature B-B document: intact and
/// trusted, but nothing proves its signing time), 65 unreadable or malformed input (sysexits EX_DATAERR),
/// 64 usage, 78 no usable trust anchors (configuration).
package enum VerifyCommand {
    package static let defaultTrustDirectory = "Keys/trust"

    /// What to print and the exit status.
    package struct Result: Sendable {
        package let text: String
        package let status: Int32
        package let verdict: DocumentVerdict
    }

    package static func run(file: String, trustDirectory: String? = nil, now: Date = Date()) throws(AppError) -> Result
    {
        let anchors = try loadTrustAnchors(trustDirectory ?? defaultTrustDirectory)
        guard let data = FileManager.default.contents(atPath: file) else {
            throw AppError(.unreadableInput, "cannot read \(file)")
        }
        guard data.count <= DocumentVerifier.maximumSize else {
            throw AppError(
                .unreadableInput, "\(file) is larger than \(DocumentVerifier.maximumSize / (1024 * 1024)) MiB")
        }
        let verifier: DocumentVerifier
        do { verifier = try DocumentVerifier(trustAnchors: anchors) } catch {
            throw AppError(.configuration, "the trust anchors are unusable: \(error.message)")
        }
        let verdict = verifier.verify(Array(data), at: now)
        let structureFailed = verdict.check(.structure)?.passed == false
        return Result(
            text: render(verdict, file: file),
            status: verdict.isValid ? 0 : verdict.outcome == .basic ? 2 : structureFailed ? 65 : 1,
            verdict: verdict)
    }

    /// Every certificate of every PEM file directly in `directory`.
    package static func loadTrustAnchors(_ directory: String) throws(AppError) -> [Certificate] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw AppError(.configuration, "cannot read the trust directory \(directory)")
        }
        var anchors: [Certificate] = []
        for name in names.sorted() {
            let path = "\(directory)/\(name)"
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let text = String(decoding: data, as: UTF8.self)
            guard text.contains("-----BEGIN CERTIFICATE-----") else { continue }
            do { anchors += try Certificate.chain(pem: text) } catch {
                throw AppError(.configuration, "\(path): \(error.message)")
            }
        }
        guard !anchors.isEmpty else {
            throw AppError(.configuration, "no PEM certificate in the trust directory \(directory)")
        }
        return anchors
    }

    /// The verdict as the terminal shows it: the outcome, the document, each signature (role, signer, times, revision
    /// covered), then each check with ✓ or ✗, Vietnamese then English.
    package static func render(_ verdict: DocumentVerdict, file: String) -> String {
        let outcome =
            switch verdict.outcome {
            case .valid: "HỢP LỆ / VALID"
            case .invalid: "KHÔNG HỢP LỆ / INVALID"
            case .revoked: "ĐÃ BỊ THU HỒI / REVOKED"
            case .basic:
                "CHỮ KÝ HỢP LỆ, KHÔNG CÓ BẰNG CHỨNG THỜI GIAN / "
                    + "SIGNATURE VALID, NO PROOF OF TIME (B-B)"
            }
        var lines = [
            "Tệp / File: \(file)",
            "Kết quả / Result: \(outcome)",
            "Mức PAdES / PAdES level: \(verdict.level?.rawValue ?? "—")",
            "Người ký / Signer: \(verdict.signer ?? "—")",
            "Đơn vị / Department: \(verdict.department ?? "—")",
            "Người có thẩm quyền / Officer: \(verdict.officer ?? "—")",
            "Thời điểm ký / Signing time: \(verdict.signingTime.map(Self.signingTime) ?? "—")",
            "Mã tài liệu / Document ID: \(verdict.documentID ?? "—")",
            "Loại tài liệu / Document kind: \(verdict.documentKind ?? "—")",
        ]
        if !verdict.signatures.isEmpty { lines.append("Các chữ ký / Signatures:") }
        for (index, signature) in verdict.signatures.enumerated() {
            let role =
                switch signature.role {
                case .officer: "người có thẩm quyền / officer"
                case .seal: "con dấu cơ quan / department seal"
                case .documentTimestamp: "dấu thời gian tài liệu / document timestamp"
                }
            let mark = signature.passed ? "✓" : "✗"
            lines.append("  \(mark) \(index + 1). \(role): \(signature.signer ?? "—")")
            if let title = signature.title { lines.append("      Chức vụ / Title: \(title)") }
            if let department = signature.department, signature.role != .documentTimestamp {
                lines.append("      Đơn vị / Department: \(department)")
            }
            lines.append("      Thời điểm ký / Signing time: \(signature.signingTime.map(Self.signingTime) ?? "—")")
            lines.append(
                "      Dấu thời gian / Timestamp: "
                    + (signature.timestampTime.map(Self.signingTime) ?? "không có / none"))
            lines.append("      Phiên bản được ký / Revision covered: \(signature.revision.map(String.init) ?? "—")")
            for check in signature.checks where !check.passed {
                lines.append("      ✗ \(check.name.rawValue): \(check.vietnamese)")
                lines.append("          \(check.english)")
            }
        }
        lines.append("Các bước kiểm tra / Checks:")
        for check in verdict.checks {
            lines.append("  \(check.passed ? "✓" : "✗") \(check.name.rawValue): \(check.vietnamese)")
            lines.append("      \(check.english)")
        }
        return lines.joined(separator: "\n")
    }

    /// A signing time as the command prints it: Hà Nội time with seconds, the zone named in both languages.
    static func signingTime(_ instant: Date) -> String {
        "\(HanoiTime.dateTimeWithSeconds(instant)) \(HanoiTime.zoneVietnamese) / \(HanoiTime.zoneEnglish)"
    }
}

extension AppError.Code {
    /// The input file cannot be read or is not acceptable input (exit 65, like any data error).
    package static let unreadableInput = AppError.Code(rawValue: "unreadable-input")
}
