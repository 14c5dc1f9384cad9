import CivicSealServiceTestSupport
import CivicSealTestSupport
import Foundation
import Testing

/// The external validators of the acceptance criteria, run on a PDF the API handed out.
enum PDFValidators {
    static var pdfsigUsable: Bool { ExternalTool.isUsable("pdfsig", "certutil") }
    static var pyHankoUsable: Bool { ExternalTool.isUsable("pyhanko") }

    /// `pdfsig` with `rootPath` imported into a fresh NSS database: the output, and whether it says valid and trusted.
    static func pdfsig(_ pdfPath: String, root rootPath: String, in folder: String) throws -> (
        accepted: Bool, output: String
    ) {
        let nss = "\(folder)/nss-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: nss, withIntermediateDirectories: true)
        _ = try ExternalTool.run("certutil", ["-N", "-d", "sql:\(nss)", "--empty-password"])
        _ = try ExternalTool.run(
            "certutil", ["-A", "-d", "sql:\(nss)", "-n", "civicseal-dev-root", "-t", "CT,C,C", "-i", rootPath])
        let result = try ExternalTool.run("pdfsig", ["-nssdir", "sql:\(nss)", pdfPath])
        let accepted =
            result.text.contains("Signature Validation: Signature is Valid.")
            && result.text.contains("Certificate Validation: Certificate is Trusted.")
            && result.text.contains("Total document signed")
        return (accepted, result.text + result.errorText)
    }

    /// pyHanko's validator against `rootPath` only.
    static func pyHanko(_ pdfPath: String, root rootPath: String) throws -> (accepted: Bool, output: String) {
        let result = try ExternalTool.run(
            "pyhanko",
            [
                "sign", "validate", "--pretty-print", "--no-revocation-check", "--trust-replace", "--trust", rootPath,
                pdfPath,
            ])
        let accepted =
            result.status == 0
            && [
                "The signer's certificate is trusted.", "The signature is cryptographically sound.",
                "The signature covers the entire file.", "The signature is judged VALID.",
            ].allSatisfy { result.text.contains($0) }
        return (accepted, result.text + result.errorText)
    }
}
