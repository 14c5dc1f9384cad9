import CivicSealCrypto
import CivicSealTestSupport
import Foundation
import Testing

/// Our authority against `openssl ts`, and `openssl ts`'s own authority against our token parser.
@Suite struct TimeStampOpenSSLTests {
    static let data = Array("Sổ sức khỏe điện tử — Trần Thị Bình, 1990".utf8)

    static func openssl(_ arguments: [String], in directory: TemporaryDirectory) throws -> ExternalTool.Output {
        try ExternalTool.run("openssl", arguments, directory: directory.path)
    }

    @Test(
        "openssl ts reads and verifies our authority's reply, and refuses altered data",
        .enabled(if: ExternalTool.isUsable("openssl")),
        arguments: [KeyKind.ecP256, .ecP384, .rsa(bits: 2048)])
    func opensslVerifiesOurReply(kind: KeyKind) throws {
        let tsa = try TestTSA(kind: kind, clock: { Date() })
        let directory = TemporaryDirectory("tsp-openssl")
        try directory.write("data.bin", Self.data)
        try directory.write("root.pem", text: tsa.pki.root.pem)
        try directory.write("tsa.pem", text: tsa.signer.certificate.pem)
        let query = try Self.openssl(
            ["ts", "-query", "-data", "data.bin", "-sha256", "-cert", "-out", "q.tsq"], in: directory)
        #expect(query.status == 0, "\(query.errorText)")
        let reply = tsa.authority.respond(to: Array(try directory.read("q.tsq")))
        try directory.write("r.tsr", reply)

        let text = try Self.openssl(["ts", "-reply", "-in", "r.tsr", "-text"], in: directory)
        #expect(text.status == 0, "\(text.errorText)")
        #expect(text.text.contains("Status: Granted."))
        #expect(text.text.contains("Policy OID: \(TestTSA.policy)"))
        #expect(text.text.contains("Accuracy: 0x01 seconds"))
        #expect(text.text.contains("Nonce: 0x"))

        let verify = try Self.openssl(
            ["ts", "-verify", "-data", "data.bin", "-in", "r.tsr", "-CAfile", "root.pem", "-untrusted", "tsa.pem"],
            in: directory)
        #expect(verify.status == 0, "\(verify.text) \(verify.errorText)")
        #expect(verify.text.contains("Verification: OK"))

        try directory.write("altered.bin", Self.data + [0x2E])
        let altered = try Self.openssl(
            ["ts", "-verify", "-data", "altered.bin", "-in", "r.tsr", "-CAfile", "root.pem", "-untrusted", "tsa.pem"],
            in: directory)
        #expect(altered.status != 0)
        #expect(!altered.text.contains("Verification: OK"))

        // The token alone (as embedded in a signature) verifies too.
        let token = try TimeStampToken(response: reply)
        try directory.write("token.der", token.der)
        let tokenVerify = try Self.openssl(
            [
                "ts", "-verify", "-data", "data.bin", "-in", "token.der", "-token_in", "-CAfile", "root.pem",
                "-untrusted", "tsa.pem",
            ], in: directory)
        #expect(tokenVerify.text.contains("Verification: OK"), "\(tokenVerify.errorText)")
    }

    @Test(
        "A token from openssl's own authority parses, covers its data, and refuses tampering",
        .enabled(if: ExternalTool.isUsable("openssl")))
    func opensslTokenParses() throws {
        let tsa = try TestTSA()
        let directory = TemporaryDirectory("tsp-openssl-tsa")
        try directory.write("data.bin", Self.data)
        try directory.write("tsa.pem", text: tsa.signer.certificate.pem)
        try directory.write("tsa.key", text: try tsa.signer.key.pkcs8PEM())
        try directory.write("chain.pem", text: tsa.pki.root.pem)
        try directory.write("serial", text: "01\n")
        try directory.write(
            "ts.cnf",
            text: """
                [ tsa ]
                default_tsa = tsa_config
                [ tsa_config ]
                dir = .
                serial = ./serial
                signer_cert = ./tsa.pem
                certs = ./chain.pem
                signer_key = ./tsa.key
                signer_digest = sha256
                default_policy = 1.2.3.4.1
                digests = sha256, sha384, sha512
                accuracy = secs:1, millisecs:500
                ordering = no
                tsa_name = yes
                ess_cert_id_chain = no
                ess_cert_id_alg = sha256

                """)
        for essAlgorithm in ["sha256", "sha1"] {
            let config = try String(decoding: directory.read("ts.cnf"), as: UTF8.self)
                .replacingOccurrences(of: "ess_cert_id_alg = sha256", with: "ess_cert_id_alg = \(essAlgorithm)")
            try directory.write("ts-\(essAlgorithm).cnf", text: config)
            let query = try Self.openssl(
                ["ts", "-query", "-data", "data.bin", "-sha256", "-cert", "-out", "q.tsq"], in: directory)
            #expect(query.status == 0, "\(query.errorText)")
            let reply = try Self.openssl(
                ["ts", "-reply", "-config", "ts-\(essAlgorithm).cnf", "-queryfile", "q.tsq", "-out", "r.tsr"],
                in: directory)
            #expect(reply.status == 0, "\(reply.errorText)")
            let response = Array(try directory.read("r.tsr"))
            let token = try TimeStampToken(response: response)
            #expect(token.covers(Self.data))
            #expect(!token.covers(Self.data + [0x20]))
            #expect(token.policy == "1.2.3.4.1")
            #expect(token.accuracy == .milliseconds(1500))
            #expect(token.signerCertificate == tsa.signer.certificate)
            #expect(try TimeStampRequest(der: Array(try directory.read("q.tsq"))).nonce == token.nonce)

            var tampered = token.der
            let imprint = try #require(tampered.firstRange(of: Digest.sha256(Self.data))).lowerBound
            tampered[imprint + 3] ^= 0x10
            #expect(throws: CryptoError(.timeStampInvalid, "")) { try TimeStampToken(der: tampered) }
        }
    }

    @Test(
        "openssl ts -query with SHA-1 is refused with badAlg, read back by openssl",
        .enabled(if: ExternalTool.isUsable("openssl")))
    func sha1QueryIsRefused() throws {
        let tsa = try TestTSA()
        let directory = TemporaryDirectory("tsp-openssl-sha1")
        try directory.write("data.bin", Self.data)
        _ = try Self.openssl(["ts", "-query", "-data", "data.bin", "-sha1", "-out", "q.tsq"], in: directory)
        try directory.write("r.tsr", tsa.authority.respond(to: Array(try directory.read("q.tsq"))))
        let text = try Self.openssl(["ts", "-reply", "-in", "r.tsr", "-text"], in: directory)
        #expect(text.text.contains("Status: Rejected"), "\(text.text)")
        #expect(text.text.contains("unrecognized or unsupported algorithm identifier"), "\(text.text)")
    }
}
