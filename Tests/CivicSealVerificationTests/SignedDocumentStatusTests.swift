import CivicSealApp
import CivicSealCrypto
import CivicSealTestSupport
import CivicSealVerification
import Foundation
import Testing

/// The signed registry status (`Accept: application/jose`): our parser, an independent JOSE library, `openssl
/// verify` for the x5c chain, and the command's freshness policy.
@Suite struct SignedDocumentStatusTests {
    static let now = Date(timeIntervalSince1970: 1_796_000_000)
    static let documentID = "01J9Z8Y7X6W5V4T3S2R1Q0P9NM"

    struct Authority {
        let rootKey: PrivateKey
        let root: Certificate
        let signer: CMSSigner

        init(policyBuilder: Bool = true) throws {
            rootKey = try PrivateKey.generate(.ecP256)
            root = try CertificateBuilder.rootAuthority(
                subject: DistinguishedName(commonName: "Status Test Root", organization: "CivicSeal", country: "VN"),
                publicKey: rootKey.publicKey, notBefore: now.addingTimeInterval(-86400 * 30),
                notAfter: now.addingTimeInterval(86400 * 3650)
            ).selfSigned(with: rootKey)
            let key = try PrivateKey.generate(.ecP256)
            let subject = DistinguishedName(commonName: "CivicSeal Status", organization: "CivicSeal", country: "VN")
            let builder =
                policyBuilder
                ? CertificateBuilder.statusSigner(
                    subject: subject, publicKey: key.publicKey, notBefore: now.addingTimeInterval(-86400),
                    notAfter: now.addingTimeInterval(86400 * 365))
                : CertificateBuilder.documentSigner(
                    subject: subject, publicKey: key.publicKey, notBefore: now.addingTimeInterval(-86400),
                    notAfter: now.addingTimeInterval(86400 * 365))
            signer = try CMSSigner(key: key, certificate: try builder.issued(by: root, key: rootKey), chain: [root])
        }

        var validator: ChainValidator { get throws { try ChainValidator(trustAnchors: [root]) } }
    }

    @Test("A valid and a revoked status verify, with their fields")
    func validAndRevoked() throws {
        let authority = try Authority()
        let valid = try SignedDocumentStatus.sign(
            documentID: Self.documentID, status: "valid", reason: nil, revokedAt: nil, asOf: Self.now,
            signer: authority.signer)
        let parsed = try SignedDocumentStatus(compact: valid, validator: authority.validator)
        #expect(parsed.documentID == Self.documentID)
        #expect(parsed.status == "valid" && !parsed.isRevoked && parsed.reason == nil && parsed.revokedAt == nil)
        #expect(parsed.asOf == Self.now)
        #expect(parsed.nextUpdate == Self.now.addingTimeInterval(3600))
        #expect(parsed.signer == authority.signer.certificate)
        #expect(parsed.chain == [authority.signer.certificate, authority.root])

        let revokedAt = Self.now.addingTimeInterval(-7200)
        let revoked = try SignedDocumentStatus(
            compact: try SignedDocumentStatus.sign(
                documentID: Self.documentID, status: "revoked", reason: "superseded", revokedAt: revokedAt,
                asOf: Self.now, signer: authority.signer), validator: authority.validator)
        #expect(revoked.isRevoked && revoked.reason == "superseded" && revoked.revokedAt == revokedAt)
    }

    @Test("Freshness: 23 h old is fresh, 25 h is stale, a day in the future is refused")
    func freshness() throws {
        let authority = try Authority()
        let status = try SignedDocumentStatus(
            compact: try SignedDocumentStatus.sign(
                documentID: Self.documentID, status: "valid", reason: nil, revokedAt: nil, asOf: Self.now,
                signer: authority.signer), validator: authority.validator)
        let policy = StatusFreshnessPolicy()
        #expect(policy.maximumAge == .seconds(86400))
        #expect(policy.isFresh(status, at: Self.now.addingTimeInterval(23 * 3600)))
        #expect(!policy.isFresh(status, at: Self.now.addingTimeInterval(25 * 3600)))
        #expect(!policy.isFresh(status, at: Self.now.addingTimeInterval(-86400)))
        #expect(StatusFreshnessPolicy(maximumAge: .seconds(3600)).isFresh(status, at: Self.now) == true)
        #expect(SignedDocumentStatus.describeAge(3 * 3600 + 100) == "3 h")
    }

    @Test("A tampered, foreign or non-status-signer statement is refused with its code")
    func refusals() throws {
        let authority = try Authority()
        let compact = try SignedDocumentStatus.sign(
            documentID: Self.documentID, status: "revoked", reason: "superseded", revokedAt: Self.now,
            asOf: Self.now, signer: authority.signer)
        let parts = compact.split(separator: ".").map(String.init)
        var payload = try Base64URL.decode(parts[1])
        let text = String(decoding: payload, as: UTF8.self).replacingOccurrences(of: "revoked", with: "valid")
        payload = Array(text.utf8)
        let tampered = [parts[0], Base64URL.encode(payload), parts[2]].joined(separator: ".")
        #expect(throws: SignedStatusError(.badSignature, "")) {
            try SignedDocumentStatus(compact: tampered, validator: authority.validator)
        }
        #expect(throws: SignedStatusError(.malformed, "")) {
            try SignedDocumentStatus(compact: "a.b", validator: authority.validator)
        }
        #expect(throws: SignedStatusError(.malformed, "")) {
            try SignedDocumentStatus(compact: String(repeating: "x", count: 40_000), validator: authority.validator)
        }
        // Signed by a status signer of another CA: untrusted here.
        let other = try Authority()
        #expect(throws: SignedStatusError(.untrusted, "")) {
            try SignedDocumentStatus(compact: compact, validator: other.validator)
        }
        // A certificate of our CA without the status-signer policy.
        let plain = try Authority(policyBuilder: false)
        let unpolicied = try SignedDocumentStatus.sign(
            documentID: Self.documentID, status: "valid", reason: nil, revokedAt: nil, asOf: Self.now,
            signer: plain.signer)
        #expect(throws: SignedStatusError(.untrusted, "")) {
            try SignedDocumentStatus(compact: unpolicied, validator: plain.validator)
        }
    }

    @Test(
        "joserfc verifies the JWS with the x5c leaf key and openssl verify accepts the x5c chain",
        .enabled(if: ExternalTool.isUsable("python3", "openssl")))
    func independentTools() throws {
        let authority = try Authority()
        let directory = TemporaryDirectory("signed-status")
        for (name, status, reason) in [("valid", "valid", nil), ("revoked", "revoked", "superseded" as String?)] {
            let compact = try SignedDocumentStatus.sign(
                documentID: Self.documentID, status: status, reason: reason,
                revokedAt: reason == nil ? nil : Self.now, asOf: Self.now, signer: authority.signer)
            let path = try directory.write("\(name).jws", text: compact)
            let script = """
                import base64, json, sys
                from cryptography import x509
                from cryptography.hazmat.primitives import serialization
                from joserfc import jws
                from joserfc.jwk import ECKey
                token = open(sys.argv[1]).read().strip()
                header = json.loads(base64.urlsafe_b64decode(token.split('.')[0] + '=='))
                chain = [x509.load_der_x509_certificate(base64.b64decode(c)) for c in header['x5c']]
                key = ECKey.import_key(chain[0].public_key().public_bytes(
                    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
                # joserfc refuses headers over 512 bytes by default; an x5c of two certificates is about 1.3 KB.
                registry = jws.JWSRegistry()
                registry.max_header_length = 8192
                result = jws.deserialize_compact(token, key, algorithms=['ES256'], registry=registry)
                payload = json.loads(result.payload)
                for index, certificate in enumerate(chain):
                    open(sys.argv[2] + '/x5c-%d.pem' % index, 'wb').write(
                        certificate.public_bytes(serialization.Encoding.PEM))
                print(result.headers()['alg'], payload['status'], payload['reason'], payload['documentID'],
                      'nextUpdate' in payload and 'asOf' in payload and 'revokedAt' in payload)
                """
            let scriptPath = try directory.write("check.py", text: script)
            let output = try ExternalTool.run("python3", [scriptPath, path, directory.path])
            #expect(output.status == 0, "\(output.errorText)")
            #expect(
                output.text.trimmingCharacters(in: .whitespacesAndNewlines)
                    == "ES256 \(status) \(reason ?? "None") \(Self.documentID) True", "\(output.text)")
            let verify = try ExternalTool.run(
                "openssl",
                [
                    "verify", "-attime", String(Int(Self.now.timeIntervalSince1970)), "-CAfile", "x5c-1.pem",
                    "x5c-0.pem",
                ], directory: directory.path)
            #expect(verify.text.contains("x5c-0.pem: OK"), "\(verify.text) \(verify.errorText)")

            // Tampered: joserfc refuses it too.
            let parts = compact.split(separator: ".").map(String.init)
            var signature = try Base64URL.decode(parts[2])
            signature[5] ^= 0x01
            let broken = try directory.write(
                "broken-\(name).jws", text: [parts[0], parts[1], Base64URL.encode(signature)].joined(separator: "."))
            #expect(try ExternalTool.run("python3", [scriptPath, broken, directory.path]).status != 0)
        }
    }

    @Test("civicseal verify --status prints the age and refuses a stale or revoked status")
    func commandFreshness() throws {
        let authority = try Authority()
        let directory = TemporaryDirectory("status-command")
        let file = try directory.write(
            "status.jws",
            text: try SignedDocumentStatus.sign(
                documentID: Self.documentID, status: "valid", reason: nil, revokedAt: nil, asOf: Self.now,
                signer: authority.signer))
        let fresh = try VerifyCommand.checkStatus(
            file: file, anchors: [authority.root], documentID: Self.documentID,
            now: Self.now.addingTimeInterval(3 * 3600))
        #expect(!fresh.refused)
        #expect(fresh.lines.contains { $0.contains("(cách đây 3 h / 3 h ago)") }, "\(fresh.lines)")
        let stale = try VerifyCommand.checkStatus(
            file: file, anchors: [authority.root], documentID: Self.documentID,
            now: Self.now.addingTimeInterval(25 * 3600))
        #expect(stale.refused)
        #expect(stale.lines.contains { $0.contains("Trạng thái đã cũ") && $0.contains("The status is stale") })
        let otherDocument = try VerifyCommand.checkStatus(
            file: file, anchors: [authority.root], documentID: "01J9Z8Y7X6W5V4T3S2R1Q0P9NX", now: Self.now)
        #expect(otherDocument.refused)
        let revoked = try directory.write(
            "revoked.jws",
            text: try SignedDocumentStatus.sign(
                documentID: Self.documentID, status: "revoked", reason: "superseded", revokedAt: Self.now,
                asOf: Self.now, signer: authority.signer))
        #expect(
            try VerifyCommand.checkStatus(
                file: revoked, anchors: [authority.root], documentID: Self.documentID, now: Self.now
            ).refused)
    }
}
