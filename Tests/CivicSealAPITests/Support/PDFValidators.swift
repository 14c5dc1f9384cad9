import CivicSealServiceTestSupport
import CivicSealTestSupport
import Foundation
import Testing

/// The external validators of the acceptance criteria, run on a PDF the API handed out.
enum PDFValidators {
    static var pdfsigUsable: Bool { ExternalTool.isUsable("pdfsig", "certutil") }
    static var pyHankoUsable: Bool { ExternalTool.isUsable("pyhanko") }

    /// `pdfsig` with `rootPath` imported into a fresh NSS database: the output, and whether it says both signatures
    /// (the officer's, the seal's) are valid and the last signature covers the whole document. Certificate
    /// validation is left out (`-nocert`): pdfsig reports "Certificate is Trusted" only when it reaches the OCSP
    /// responder named in the certificates' AIA (with `-no-ocsp` it reports an unknown issue), and these services do
    /// not listen there. ``LongTermAcceptanceTests`` runs pdfsig with the responder up and requires trust.
    static func pdfsig(_ pdfPath: String, root rootPath: String, in folder: String) throws -> (
        accepted: Bool, output: String
    ) {
        let nss = "\(folder)/nss-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: nss, withIntermediateDirectories: true)
        _ = try ExternalTool.run("certutil", ["-N", "-d", "sql:\(nss)", "--empty-password"])
        _ = try ExternalTool.run(
            "certutil", ["-A", "-d", "sql:\(nss)", "-n", "civicseal-dev-root", "-t", "CT,C,C", "-i", rootPath])
        let result = try ExternalTool.run("pdfsig", ["-nssdir", "sql:\(nss)", "-nocert", pdfPath])
        func count(_ phrase: String) -> Int { result.text.components(separatedBy: phrase).count - 1 }
        let accepted =
            count("Signature Validation: Signature is Valid.") >= 2 && result.text.contains("Total document signed")
        return (accepted, result.text + result.errorText)
    }

    /// pyHanko's validator against `rootPath` only: both signature fields (the officer's, then the seal's) VALID and
    /// trusted, and modification analysis finds only what each allows after it.
    static func pyHanko(_ pdfPath: String, root rootPath: String) throws -> (accepted: Bool, output: String) {
        let result = try ExternalTool.run(
            "pyhanko",
            [
                "sign", "validate", "--pretty-print", "--no-revocation-check", "--trust-replace", "--trust", rootPath,
                pdfPath,
            ])
        func count(_ phrase: String) -> Int { result.text.components(separatedBy: phrase).count - 1 }
        let accepted =
            result.status == 0 && !result.text.contains("INVALID")
            && count("The signer's certificate is trusted.") == 2
            && count("The signature is cryptographically sound.") == 2
            && count("appear to be compatible with the current document modification policy") == 2
            && count("The signature is judged VALID.") == 2
        return (accepted, result.text + result.errorText)
    }
}
