import CivicSealCrypto
import CivicSealTestSupport
import Foundation

/// A test CA and a TLS server certificate made with the `openssl` CLI (an implementation nobody here wrote), for the
/// test identity provider.
package enum TestCertificates {
    /// Writes `ca.cert.pem`, `server.key.pem` and `server.cert.pem` into `directory` and returns base64 of the
    /// SHA-256 of the server certificate's SubjectPublicKeyInfo (Chromium's `--ignore-certificate-errors-spki-list`).
    static func make(in directory: String, for kind: IndependentProvider.ServerCertificate) throws -> String {
        let subjectAltName: String
        switch kind {
        case .valid, .expired: subjectAltName = "subjectAltName=IP:127.0.0.1,DNS:localhost"
        case .otherHost: subjectAltName = "subjectAltName=DNS:other-host.civicseal.invalid"
        }
        let days = kind == .expired ? "-1" : "2"
        try run(
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                "ca.key.pem",
                "-out", "ca.cert.pem", "-days", "2", "-subj", "/CN=CivicSeal Test Provider CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ], in: directory)
        try run(
            [
                "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "server.key.pem",
                "-out", "server.csr.pem", "-subj", "/CN=CivicSeal Test Provider",
            ], in: directory)
        let extensions =
            subjectAltName + "\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
            + "extendedKeyUsage=serverAuth\n"
        try Data(extensions.utf8).write(to: URL(fileURLWithPath: directory + "/server.ext"))
        try run(
            [
                "x509", "-req", "-in", "server.csr.pem", "-CA", "ca.cert.pem", "-CAkey", "ca.key.pem",
                "-CAcreateserial",
                "-days", days, "-extfile", "server.ext", "-out", "server.cert.pem",
            ], in: directory)
        let certificate = try Certificate(
            pem: try String(contentsOfFile: directory + "/server.cert.pem", encoding: .utf8))
        return Data(Digest.sha256(try certificate.publicKey.spkiDER())).base64EncodedString()
    }

    private static func run(_ arguments: [String], in directory: String) throws {
        let output = try ExternalTool.run("openssl", arguments, directory: directory)
        guard output.status == 0 else {
            throw ClientError(description: "openssl \(arguments[0]) failed: \(output.errorText)")
        }
    }
}
