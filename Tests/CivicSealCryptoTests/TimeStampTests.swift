import CivicSealCrypto
import CivicSealTestSupport
import Foundation
import Testing

/// A time-stamp authority over a ``TestPKI``: the TSA certificate carries the single critical timeStamping EKU.
struct TestTSA {
    static let policy = "2.25.213434514593947064134081311862153508573.1"
    let pki: TestPKI
    let signer: CMSSigner
    let authority: TimeStampAuthority

    init(
        pki: TestPKI? = nil, kind: KeyKind = .ecP256, accuracy: Duration = .seconds(1),
        serials: any TimeStampSerialSource = RandomTimeStampSerialSource(),
        clock: @escaping @Sendable () -> Date = { TestPKI.now }
    ) throws {
        let pki = try pki ?? TestPKI()
        let (key, certificate) = try pki.leaf(
            "CivicSeal TSA", kind: kind, keyUsage: [.digitalSignature], extendedKeyUsage: ["critical", "timeStamping"])
        self.pki = pki
        signer = try CMSSigner(key: key, certificate: certificate, chain: [pki.root])
        authority = try TimeStampAuthority(
            signer: signer, policy: Self.policy, accuracy: accuracy, serials: serials, clock: clock)
    }
}

@Suite struct TimeStampTests {
    static let data = Array("Phiếu lý lịch tư pháp số 1 — Nguyễn Văn An".utf8)

    @Test("A token from our authority parses, covers its data and echoes the request")
    func tokenRoundTrip() throws {
        let tsa = try TestTSA()
        let request = TimeStampRequest(hashing: Self.data)
        let token = try tsa.authority.timestamp(request)
        let parsed = try TimeStampToken(der: token.der)
        #expect(parsed == token)
        #expect(parsed.covers(Self.data))
        #expect(!parsed.covers(Self.data + [0x20]))
        #expect(parsed.generationTime == TestPKI.now)
        #expect(parsed.policy == TestTSA.policy)
        #expect(parsed.nonce == request.nonce)
        #expect(parsed.accuracy == .seconds(1))
        #expect(parsed.digestAlgorithm == .sha256)
        #expect(parsed.serialNumber == token.serialNumber)
        #expect(parsed.signerCertificate == tsa.signer.certificate)
        #expect(parsed.certificates.contains(tsa.pki.root))
        let verdict = parsed.validateSigner(with: try ChainValidator(trustAnchors: [tsa.pki.root]))
        #expect(verdict?.isTrusted == true)
    }

    @Test("A sub-second accuracy puts a fraction in genTime and reads back as millis")
    func subSecondAccuracy() throws {
        let tsa = try TestTSA(accuracy: .milliseconds(250), clock: { TestPKI.now.addingTimeInterval(0.5) })
        let token = try TimeStampToken(der: try tsa.authority.timestamp(TimeStampRequest(hashing: Self.data)).der)
        #expect(token.accuracy == .milliseconds(250))
        #expect(abs(token.generationTime.timeIntervalSince(TestPKI.now) - 0.5) < 0.000_1)
    }

    @Test("The request survives a DER round trip, and a token without certificates needs a candidate")
    func requestRoundTripAndCertificateless() throws {
        let tsa = try TestTSA()
        let request = TimeStampRequest(
            digestAlgorithm: .sha512, messageImprint: Digest.sha512(Self.data), certificateRequested: false,
            policy: TestTSA.policy)
        #expect(try TimeStampRequest(der: request.der) == request)
        let response = tsa.authority.respond(to: request.der)
        #expect(throws: CryptoError(.timeStampInvalid, "")) { try TimeStampToken(response: response) }
        let status = try TimeStampResponseStatus(response: response)
        let token = try TimeStampToken(der: status.tokenDER ?? [], candidates: [tsa.signer.certificate])
        #expect(token.certificates.isEmpty)
        #expect(token.covers(digest: Digest.sha512(Self.data), algorithm: .sha512))
    }

    @Test("A signature time-stamp is added to a CMS without breaking its signature")
    func signatureTimeStamp() throws {
        let tsa = try TestTSA()
        let (key, certificate) = try tsa.pki.leaf()
        let signer = try CMSSigner(key: key, certificate: certificate, chain: [tsa.pki.root])
        let cms = try CMSSignedData.signDetached(Self.data, signer: signer, signingTime: nil)
        let value = try CMSSignedData.signatureValue(of: cms)
        let token = try tsa.authority.timestamp(TimeStampRequest(hashing: value))
        let stamped = try CMSSignedData.addingSignatureTimeStamp(token, to: cms)
        #expect(CMSSignedData.verifyDetached(stamped, content: Self.data).isValid)
        #expect(try CMSSignedData.signatureValue(of: stamped) == value)
        let tokens = try CMSSignedData.signatureTimeStamps(in: stamped)
        #expect(tokens == [token])
        #expect(tokens.first?.covers(value) == true)
        // A second one (a later renewal) is kept beside the first.
        let again = try CMSSignedData.addingSignatureTimeStamp(
            try tsa.authority.timestamp(TimeStampRequest(hashing: value)), to: stamped)
        #expect(try CMSSignedData.signatureTimeStamps(in: again).count == 2)
        #expect(CMSSignedData.verifyDetached(again, content: Self.data).isValid)
        #expect(try CMSSignedData.signatureTimeStamps(in: cms).isEmpty)
        // A token over something else is refused.
        #expect(throws: CryptoError(.invalidArgument, "")) {
            try CMSSignedData.addingSignatureTimeStamp(
                try tsa.authority.timestamp(TimeStampRequest(hashing: Self.data)), to: cms)
        }
    }

    @Test("Bad requests get a rejection with the RFC 3161 failure bit, never a crash")
    func rejections() throws {
        let tsa = try TestTSA()
        func failure(_ request: [UInt8]) throws -> [Int] {
            let status = try TimeStampResponseStatus(response: tsa.authority.respond(to: request))
            #expect(status.status == 2)
            #expect(status.tokenDER == nil)
            return status.failureBits
        }
        let good = TimeStampRequest(hashing: Self.data).der
        #expect(try failure([]) == [5])
        #expect(try failure(Array("garbage".utf8)) == [5])
        #expect(try failure(Array(good.dropLast())) == [5])
        #expect(try failure(good + [0]) == [5])
        #expect(try failure([0x30, 0x84, 0x7F, 0xFF, 0xFF, 0xFF] + good) == [5])
        #expect(try failure([UInt8](repeating: 0x30, count: 5000)) == [5])
        // SHA-1 (1.3.14.3.2.26) is not accepted: badAlg.
        let sha1: [UInt8] = [0x30, 0x07, 0x06, 0x05, 0x2B, 0x0E, 0x03, 0x02, 0x1A]
        let imprint: [UInt8] = [0x30, 0x1F] + sha1 + [0x04, 0x14] + [UInt8](repeating: 7, count: 20)
        #expect(try failure([0x30, 0x24, 0x02, 0x01, 0x01] + imprint) == [0])
        let otherPolicy = TimeStampRequest(
            digestAlgorithm: .sha256, messageImprint: Digest.sha256(Self.data), policy: "1.2.3.4")
        #expect(try failure(otherPolicy.der) == [15])
        #expect(throws: CryptoError(.timeStampRejected, "")) { try tsa.authority.timestamp(otherPolicy) }
        #expect(throws: CryptoError(.timeStampRejected, "")) {
            try TimeStampToken(response: tsa.authority.respond(to: otherPolicy.der))
        }
        // Every prefix and every single-byte change of a good request answers without crashing.
        for length in 0..<good.count { _ = tsa.authority.respond(to: Array(good.prefix(length))) }
        for index in good.indices {
            var changed = good
            changed[index] ^= 0xFF
            _ = tsa.authority.respond(to: changed)
        }
    }

    @Test("A tampered or truncated token is refused with a typed error")
    func tamperedToken() throws {
        let tsa = try TestTSA()
        let token = try tsa.authority.timestamp(TimeStampRequest(hashing: Self.data)).der
        let tstInfoStart = try #require(token.firstRange(of: Digest.sha256(Self.data))).lowerBound
        var altered = token
        altered[tstInfoStart] ^= 0x01  // the message imprint, inside the signed TSTInfo
        #expect(throws: CryptoError(.timeStampInvalid, "")) { try TimeStampToken(der: altered) }
        for length in stride(from: 0, to: token.count, by: 7) {
            #expect(throws: CryptoError.self) { try TimeStampToken(der: Array(token.prefix(length))) }
        }
        for index in stride(from: 0, to: token.count, by: 3) {
            var changed = token
            changed[index] ^= 0x5A
            _ = try? TimeStampToken(der: changed)
        }
        #expect(throws: CryptoError(.malformedInput, "")) {
            try TimeStampToken(der: [UInt8](repeating: 0x30, count: TimeStampToken.maximumSize + 1))
        }
        // A signed CMS over id-data is not a token.
        let (key, certificate) = try tsa.pki.leaf()
        let cms = try CMSSignedData.signDetached(
            Self.data, signer: try CMSSigner(key: key, certificate: certificate), signingTime: nil)
        #expect(throws: CryptoError(.malformedInput, "")) { try TimeStampToken(der: cms) }
    }

    @Test("An authority refuses a certificate without the critical timeStamping usage")
    func authorityNeedsTimeStampingCertificate() throws {
        let pki = try TestPKI()
        for usage in [[], ["timeStamping"], ["critical", "timeStamping", "codeSigning"]] {
            let (key, certificate) = try pki.leaf(extendedKeyUsage: usage)
            let signer = try CMSSigner(key: key, certificate: certificate)
            #expect(throws: CryptoError(.invalidArgument, "")) {
                try TimeStampAuthority(signer: signer, policy: "1.2.3", serials: RandomTimeStampSerialSource())
            }
        }
    }
}

@Suite struct TimeStampSerialTests {
    @Test("Two sources on one file and a restart never hand out the same serial")
    func serialsNeverRepeat() async throws {
        let directory = TemporaryDirectory("tsa-serials")
        let path = "\(directory.path)/tsa-serials"
        let first = try FileTimeStampSerialSource(path: path, blockSize: 7)
        let second = try FileTimeStampSerialSource(path: path, blockSize: 5)
        let drawn = try await withThrowingTaskGroup(of: [[UInt8]].self) { group in
            for source in [first, second, first, second] {
                group.addTask { try (0..<500).map { _ in try source.next() } }
            }
            var all: [[UInt8]] = []
            for try await serials in group { all += serials }
            return all
        }
        // A restart (a new source on the same file) continues after every reserved block.
        let restarted = try FileTimeStampSerialSource(path: path, blockSize: 3)
        let later = try (0..<100).map { _ in try restarted.next() }
        let all = drawn + later
        #expect(Set(all).count == all.count)
        #expect(all.allSatisfy { !$0.isEmpty && $0[0] & 0x80 == 0 })
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        // Tokens carry the serial.
        let tsa = try TestTSA(serials: restarted)
        let token = try tsa.authority.timestamp(TimeStampRequest(hashing: [1, 2, 3]))
        #expect(!all.contains(token.serialNumber))
    }

    @Test("A corrupt serial file is refused rather than restarted from 1")
    func corruptFileIsRefused() throws {
        let directory = TemporaryDirectory("tsa-serials-corrupt")
        let path = try directory.write("tsa-serials", text: "not a number\n")
        #expect(throws: CryptoError(.malformedInput, "")) { try FileTimeStampSerialSource(path: path) }
    }
}
