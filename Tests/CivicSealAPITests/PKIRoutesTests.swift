import CivicSealApp
import CivicSealCrypto
import CivicSealProcess
import CivicSealServiceTestSupport
import CivicSealTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The CA's public PKI routes on a live server, driven by `openssl` and `curl`-like raw requests, with a revocation
/// made by the `civicseal keys revoke` command in another process.
@Suite("Live PKI: OCSP, CRL and CA certificate", .serialized)
struct PKIRoutesTests {
    /// A keyring whose certificates point at `http://127.0.0.1:<port>`, the service listening on that port for
    /// `body`, always stopped after.
    static func withPKIService(_ body: (LiveService) async throws -> Void) async throws {
        let port = try LoopbackPort.free()
        let folder = TemporaryDirectory("civicseal-pki")
        _ = try DevelopmentPKI.initialize(directory: folder.path + "/keys", publicURL: "http://127.0.0.1:\(port)")
        let live = try LiveService.start(in: folder, transport: .socket) { $0.port = port }
        do { try await body(live) } catch {
            await live.stop()
            throw error
        }
        await live.stop()
    }

    static func openssl(_ arguments: [String]) async throws -> String {
        let output = try await ExternalTool.runOnOwnThread("openssl", arguments)
        return output.text + output.errorText
    }

    @Test(
        "openssl ocsp says good, then revoked with keyCompromise after keys revoke; unknown for a foreign serial",
        .enabled(
            if: ExternalTool.isUsable("openssl", "curl") && (BuiltProduct.path("civicseal") != nil || ExternalTool.isCI)
        ))
    func ocspAnswersGoodThenRevoked() async throws {
        try await Self.withPKIService { live in try await Self.checkOCSP(live) }
    }

    static func checkOCSP(_ live: LiveService) async throws {
        let keyring = live.service.keyring
        let seal = try #require(keyring.departments.first?.active.certificate)
        let root = try live.folder.write("root.pem", text: keyring.certificateAuthority.certificate.pem)
        let sealPath = try live.folder.write("seal.pem", text: seal.pem)
        let url = "http://127.0.0.1:\(live.service.port)/pki/ocsp"
        #expect(seal.ocspURLs == [url])

        let good = try await Self.openssl([
            "ocsp", "-issuer", root, "-cert", sealPath, "-url", url, "-CAfile", root, "-resp_text",
        ])
        #expect(good.contains("Response verify OK") && good.contains("seal.pem: good"), "\(good)")
        #expect(good.contains("Next Update:") && good.contains("OCSP Responder"), "\(good)")

        let revoked = try await HTTPClient.offPool {
            try BuiltProduct.run(
                "civicseal",
                [
                    "keys", "revoke", "--dir", live.keysDirectory, "--data", live.dataDirectory, "--certificate",
                    seal.fingerprintHex, "--reason", "keyCompromise", "--by", "test-operator",
                ])
        }
        #expect(revoked.status == 0, "\(revoked.text)\(revoked.errorText)")
        #expect(revoked.text.contains("revoked") && revoked.text.contains(seal.serialNumber), "\(revoked.text)")
        let after = try await Self.openssl([
            "ocsp", "-issuer", root, "-cert", sealPath, "-url", url, "-CAfile", root, "-resp_text",
        ])
        #expect(after.contains("Response verify OK") && after.contains("seal.pem: revoked"), "\(after)")
        #expect(after.contains("Reason: keyCompromise") && after.contains("Next Update:"), "\(after)")
        let audit = try await live.service.store.auditEntries()
        #expect(audit.contains { $0.action == "revoke-certificate" && $0.actorID == "test-operator" })

        let unknown = try await Self.openssl([
            "ocsp", "-issuer", root, "-serial", "0x0123456789", "-url", url, "-CAfile", root,
        ])
        #expect(unknown.contains("Response verify OK") && unknown.contains("0x0123456789: unknown"), "\(unknown)")

        // The same request as GET, base64 with %2F, cacheable until nextUpdate.
        let requestPath = live.folder.path + "/request.der"
        _ = try await Self.openssl(["ocsp", "-issuer", root, "-cert", sealPath, "-no_nonce", "-reqout", requestPath])
        let encoded = try Data(contentsOf: URL(fileURLWithPath: requestPath)).base64EncodedString()
            .replacingOccurrences(of: "/", with: "%2F").replacingOccurrences(of: "+", with: "%2B")
            .replacingOccurrences(of: "=", with: "%3D")
        let get = try await live.client.get("/pki/ocsp/\(encoded)")
        #expect(get.status == 200 && get.header("Content-Type") == "application/ocsp-response")
        #expect(get.header("Cache-Control")?.hasPrefix("max-age=604800") == true)
        let curl = try await ExternalTool.runOnOwnThread(
            "curl", ["-s", "-o", live.folder.path + "/curl.der", "-w", "%{http_code}", "\(url)/\(encoded)"])
        #expect(curl.text == "200")
        let curled = try await Self.openssl([
            "ocsp", "-respin", live.folder.path + "/curl.der", "-issuer", root, "-cert", sealPath, "-CAfile", root,
            "-no_nonce",
        ])
        #expect(curled.contains("Response verify OK") && curled.contains("seal.pem: revoked"), "\(curled)")
        let response = try OCSPResponse(der: get.body)
        #expect(
            response.status(of: seal, issuer: keyring.certificateAuthority.certificate, at: Date())?.status.isRevoked
                == true)

        // The CRL lists it, signed by the root; openssl verifies it.
        let crl = try await live.client.get("/pki/crl/root.crl")
        #expect(crl.status == 200 && crl.header("Content-Type") == "application/pkix-crl")
        let crlPath = try live.folder.write("root.crl", crl.body)
        let listed = try await Self.openssl([
            "crl", "-in", crlPath, "-inform", "DER", "-CAfile", root, "-noout", "-text",
        ])
        #expect(listed.contains("verify OK") && listed.contains(seal.serialNumber), "\(listed)")
        #expect(listed.contains("Key Compromise") && listed.contains("Next Update"), "\(listed)")
        let parsed = try CertificateRevocationList(der: crl.body)
        #expect(parsed.isSigned(by: keyring.certificateAuthority.certificate))
        #expect(parsed.entry(for: seal)?.reason == .keyCompromise)
    }

    @Test(
        "Certificates carry AIA, CRL DP and policies; the TSA's EKU is critical; the responder has OCSP No Check",
        .enabled(if: ExternalTool.isUsable("openssl")))
    func certificatesShowTheirExtensions() async throws {
        try await Self.withPKIService { live in try await Self.checkExtensions(live) }
    }

    static func checkExtensions(_ live: LiveService) async throws {
        let keyring = live.service.keyring
        let base = "http://127.0.0.1:\(live.service.port)"
        func text(_ certificate: Certificate) async throws -> String {
            try await Self.openssl([
                "x509", "-noout", "-text", "-in", try live.folder.write("c.pem", text: certificate.pem),
            ])
        }
        let seal = try await text(try #require(keyring.departments.first?.active.certificate))
        #expect(
            seal.contains("OCSP - URI:\(base)/pki/ocsp") && seal.contains("CA Issuers - URI:\(base)/pki/ca/root.cer"))
        #expect(seal.contains("URI:\(base)/pki/crl/root.crl"), "\(seal)")
        #expect(seal.contains("Policy: \(CivicSealPolicy.seal)"), "\(seal)")
        let tsa = try await text(try #require(keyring.timeStampingSigner?.certificate))
        #expect(tsa.contains("X509v3 Extended Key Usage: critical") && tsa.contains("Time Stamping"), "\(tsa)")
        let responder = try await text(try #require(keyring.ocspResponderSigner?.certificate))
        #expect(responder.contains("OCSP Signing") && responder.contains("OCSP No Check"), "\(responder)")
        let status = try #require(keyring.statusSigner?.certificate)
        #expect(status.certificatePolicies == [CivicSealPolicy.statusSigner] && status.keyUsage == [.digitalSignature])

        let authority = try await live.client.get("/pki/ca/root.cer")
        #expect(authority.status == 200 && authority.header("Content-Type") == "application/pkix-cert")
        #expect(authority.body == keyring.certificateAuthority.certificate.der)
    }

    @Test("Garbage, oversized and mistyped OCSP requests are refused without harm")
    func badRequestsAreRefused() async throws {
        try await withLiveService { live in
            let malformed: [UInt8] = [0x30, 0x03, 0x0A, 0x01, 0x01]
            let ocsp = [("Content-Type", "application/ocsp-request")]
            let garbage = try await live.client.send("POST", "/pki/ocsp", headers: ocsp, body: Array("garbage".utf8))
            #expect(garbage.status == 200 && garbage.body == malformed)
            #expect(garbage.header("Cache-Control") == "no-store")
            let empty = try await live.client.send("POST", "/pki/ocsp", headers: ocsp)
            #expect(empty.status == 200 && empty.body == malformed)
            let big = try await live.client.send(
                "POST", "/pki/ocsp", headers: ocsp, body: [UInt8](repeating: 0x30, count: 9000))
            #expect(big.status == 413)
            let typed = try await live.client.send(
                "POST", "/pki/ocsp", headers: [("Content-Type", "text/plain")], body: [0x30, 0x00])
            #expect(typed.status == 415)
            for path in ["/pki/ocsp/AAAA", "/pki/ocsp/%2F%2F%2F", "/pki/ocsp/not-base64"] {
                let answer = try await live.client.get(path)
                #expect(answer.status == 200 && answer.body == malformed, "\(path): \(answer)")
            }
            for path in ["/pki/ocsp/" + String(repeating: "A", count: 641), "/pki/ocsp/%C3%9D", "/pki/ocsp/a%20b"] {
                let refused = try await live.client.get(path)
                #expect(refused.status == 400, "\(path.prefix(40)): \(refused.status)")
            }
            let wrongMethod = try await live.client.send("POST", "/pki/ca/root.cer", body: [1])
            #expect(wrongMethod.status == 405 && wrongMethod.header("Allow")?.contains("GET") == true, "\(wrongMethod)")
        }
    }
}

extension CertificateStatus {
    fileprivate var isRevoked: Bool { if case .revoked = self { true } else { false } }
}
