import CivicSealCrypto
import CivicSealTestSupport
import Foundation
import Testing

/// Requests made by `openssl ocsp -reqout` answered in-process, and malformed DER thrown at every parser.
@Suite struct OCSPRequestInteropTests {
    /// Root, responder, and `count` leaves written as PEM files in `directory`.
    struct Files {
        let root: String
        let responderKey: PrivateKey
        let responder: Certificate
        let pki: TestPKI
        let leaves: [(certificate: Certificate, path: String)]

        init(_ directory: TemporaryDirectory, count: Int) throws {
            pki = try TestPKI()
            root = try directory.write("root.pem", text: pki.root.pem)
            responderKey = try PrivateKey.generate(.ecP256)
            responder = try CertificateBuilder.ocspResponder(
                subject: DistinguishedName(commonName: "Responder"), publicKey: responderKey.publicKey,
                notBefore: Date() - 86400, notAfter: Date() + 86400
            ).issued(by: pki.root, key: pki.rootKey)
            var leaves: [(Certificate, String)] = []
            for index in 0..<count {
                let (_, leaf) = try pki.leaf()
                leaves.append((leaf, try directory.write("leaf\(index).pem", text: leaf.pem)))
            }
            self.leaves = leaves
        }

        func responder(revoking revoked: Certificate? = nil) throws -> OCSPResponder {
            let issued = Set(leaves.map { $0.certificate.serialNumberBytes })
            let revokedSerial = revoked?.serialNumberBytes
            return try OCSPResponder(
                signer: try CMSSigner(key: responderKey, certificate: responder), issuer: pki.root
            ) { serial in
                if serial == revokedSerial { return .revoked(at: Date() - 60, reason: .cessationOfOperation) }
                return issued.contains(serial) ? .good : .unknown
            }
        }
    }

    @Test(
        "Three CertIDs with a nonce, SHA-1 or SHA-256 hashed, get three answers and the nonce back",
        .enabled(if: ExternalTool.isUsable("openssl")), arguments: ["-sha1", "-sha256"])
    func severalCertificateIDs(hash: String) throws {
        let directory = TemporaryDirectory()
        let files = try Files(directory, count: 3)
        let request = directory.path + "/request.der"
        var arguments = ["ocsp", hash, "-issuer", files.root, "-reqout", request]
        for leaf in files.leaves { arguments += ["-cert", leaf.path] }
        let made = try ExternalTool.run("openssl", arguments)
        #expect(made.status == 0, "\(made.errorText)")
        let answer = try files.responder(revoking: files.leaves[1].certificate)
            .respond(to: Array(try Data(contentsOf: URL(fileURLWithPath: request))))
        let response = try directory.write("response.der", answer)
        // `-cert` makes openssl build a request of its own, so statuses are checked without its nonce…
        var check = [
            "ocsp", hash, "-no_nonce", "-issuer", files.root, "-respin", response, "-CAfile", files.root, "-resp_text",
        ]
        for leaf in files.leaves { check += ["-cert", leaf.path] }
        let checked = try ExternalTool.run("openssl", check)
        let text = checked.text + checked.errorText
        #expect(text.contains("Response verify OK"), "\(text)")
        #expect(text.contains("leaf0.pem: good") && text.contains("leaf2.pem: good"), "\(text)")
        #expect(text.contains("leaf1.pem: revoked") && text.contains("Reason: cessationOfOperation"), "\(text)")
        // …and the request's nonce is compared with the one the response echoes.
        let requestText = try ExternalTool.run("openssl", ["ocsp", "-reqin", request, "-req_text", "-noverify"]).text
        let nonce = Self.nonce(in: requestText)
        #expect(nonce != nil && nonce == Self.nonce(in: text), "\(requestText)\n\(text)")

        let parsed = try OCSPResponse(der: answer)
        #expect(parsed.responses.count == 3)
        #expect(parsed.status(of: files.leaves[2].certificate, issuer: files.pki.root, at: Date())?.status == .good)
    }

    /// The hex line after `OCSP Nonce:` in openssl's text output.
    static func nonce(in text: String) -> String? {
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let index = lines.firstIndex(where: { $0.hasPrefix("OCSP Nonce:") }), index + 1 < lines.count else {
            return nil
        }
        return lines[index + 1]
    }

    @Test(
        "Seventeen CertIDs are malformed, a CertID of another CA unauthorized, a status source that fails tryLater",
        .enabled(if: ExternalTool.isUsable("openssl")))
    func tooManyOrForeign() throws {
        let directory = TemporaryDirectory()
        let files = try Files(directory, count: 1)
        let request = directory.path + "/request.der"
        var arguments = ["ocsp", "-issuer", files.root, "-no_nonce", "-reqout", request]
        for serial in 1...17 { arguments += ["-serial", "\(serial)"] }
        #expect(try ExternalTool.run("openssl", arguments).status == 0)
        let responder = try files.responder()
        #expect(responder.respond(to: Array(try Data(contentsOf: URL(fileURLWithPath: request)))) == [48, 3, 10, 1, 1])

        let stranger = try TestPKI(commonName: "Stranger")
        let strangerRoot = try directory.write("stranger.pem", text: stranger.root.pem)
        let foreign = directory.path + "/foreign.der"
        let made = try ExternalTool.run(
            "openssl", ["ocsp", "-issuer", strangerRoot, "-serial", "5", "-no_nonce", "-reqout", foreign])
        #expect(made.status == 0)
        #expect(responder.respond(to: Array(try Data(contentsOf: URL(fileURLWithPath: foreign)))) == [48, 3, 10, 1, 6])

        // A status source that cannot answer: tryLater (3), never good.
        struct StoreDown: Error {}
        let down = try OCSPResponder(
            signer: try CMSSigner(key: files.responderKey, certificate: files.responder), issuer: files.pki.root
        ) { _ in throw StoreDown() }
        let single = directory.path + "/single.der"
        #expect(
            try ExternalTool.run("openssl", ["ocsp", "-issuer", files.root, "-serial", "7", "-reqout", single]).status
                == 0)
        #expect(down.respond(to: Array(try Data(contentsOf: URL(fileURLWithPath: single)))) == [48, 3, 10, 1, 3])
    }

    @Test("Every truncation and many byte flips of a request, a response and a CRL are refused without a crash")
    func mutationsNeverCrash() throws {
        let directory = TemporaryDirectory()
        let files = try Files(directory, count: 1)
        let responder = try files.responder()
        let response = try responder.response(for: files.leaves[0].certificate)
        let crl = try CertificateRevocationList.issue(
            by: files.pki.root, key: files.pki.rootKey,
            entries: [.init(serialNumber: [1, 2, 3], revocationDate: Date(), reason: .keyCompromise)], number: 1,
            thisUpdate: Date(), nextUpdate: Date() + 3600)
        var generator = SystemRandomNumberGenerator()
        for input in [response, crl.der] {
            for length in 0..<input.count {
                let prefix = Array(input.prefix(length))
                _ = responder.respond(to: prefix)
                _ = try? OCSPResponse(der: prefix).status(
                    of: files.leaves[0].certificate, issuer: files.pki.root, at: Date())
                _ = try? CertificateRevocationList(der: prefix).isSigned(by: files.pki.root)
            }
            for _ in 0..<2000 {
                var mutated = input
                let index = Int.random(in: 0..<mutated.count, using: &generator)
                mutated[index] ^= UInt8.random(in: 1...255, using: &generator)
                _ = responder.respond(to: mutated)
                if let parsed = try? OCSPResponse(der: mutated),
                    let single = parsed.status(of: files.leaves[0].certificate, issuer: files.pki.root, at: Date())
                {
                    // A flip the signature still covers cannot turn into another answer.
                    #expect(single.status == .good)
                }
                _ = try? CertificateRevocationList(der: mutated).isSigned(by: files.pki.root)
            }
        }
    }
}
