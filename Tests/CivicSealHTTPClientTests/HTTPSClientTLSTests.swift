import CivicSealTestSupport
import Foundation
import Testing

@testable import CivicSealHTTPClient

/// The client against real TLS servers nobody here wrote (Python's ssl, `openssl s_server`) under a test CA.
@Suite(.enabled(if: ExternalTool.isUsable("python3", "openssl")))
struct HTTPSClientTLSTests {
    let pki: TestPKI

    init() throws { pki = try TestPKI.shared.get() }

    private func client(_ trust: HTTPClientConfiguration.Trust? = nil) throws -> HTTPSClient {
        try HTTPSClient(configuration: HTTPClientConfiguration(trust: trust ?? .caBundle(pki.caBundle)))
    }

    /// The code `send` throws, or nil when it answered.
    private func failure(_ client: HTTPSClient, _ url: URL) async -> OutboundHTTPError? {
        do {
            _ = try await client.send(OutboundRequest(url: url))
            return nil
        } catch { return error }
    }

    @Test func fetchesJSONFromAServerUnderTheConfiguredCA() async throws {
        let server = try await FixtureServer.python(pki.server)
        defer { server.stop() }
        let response = try await client().send(OutboundRequest(url: server.url("/json")))
        #expect(response.status == 200)
        #expect(response.header("cache-control") == "max-age=300")
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"issuer": "https://127.0.0.1", "ok": true}"#)
    }

    @Test func localhostAndIPv4NamesAreVerifiedAgainstTheCertificate() async throws {
        let server = try await FixtureServer.python(pki.server)
        defer { server.stop() }
        let response = try await client().send(OutboundRequest(url: server.url("/json", host: "localhost")))
        #expect(response.status == 200)
    }

    @Test func aCertificateFromAnotherCAIsUntrusted() async throws {
        let server = try await FixtureServer.python(pki.server)
        defer { server.stop() }
        let error = await failure(try client(.caBundle(pki.otherCABundle)), server.url("/json"))
        #expect(error?.code == .certificateUntrusted)
    }

    @Test func thePrivateCAIsNotInTheSystemStore() async throws {
        let server = try await FixtureServer.python(pki.server)
        defer { server.stop() }
        let error = await failure(try client(.system), server.url("/json"))
        #expect(error?.code == .certificateUntrusted)
    }

    /// By address (the certificate must name the IP) and by DNS name (SNI and the name checked).
    @Test(arguments: ["127.0.0.1", "localhost"])
    func aCertificateForAnotherHostIsRefused(host: String) async throws {
        let server = try await FixtureServer.python(pki.otherHost)
        defer { server.stop() }
        let error = await failure(try client(), server.url("/json", host: host))
        #expect(error?.code == .hostnameMismatch)
    }

    @Test func anExpiredCertificateIsRefused() async throws {
        let server = try await FixtureServer.python(pki.expired)
        defer { server.stop() }
        let error = await failure(try client(), server.url("/json"))
        #expect(error?.code == .certificateExpired)
    }

    @Test func anUnreadableCABundleFailsAtConstruction() throws {
        #expect(throws: OutboundHTTPError.self) {
            try HTTPSClient(configuration: HTTPClientConfiguration(trust: .caBundle("\(pki.directory.path)/none.pem")))
        }
    }

    @Test(arguments: ["-tls1_2", "-tls1_3"])
    func tlsVersionsOneTwoAndOneThreeBothWork(version: String) async throws {
        let server = try await FixtureServer.openSSL(pki.server, version: version)
        defer { server.stop() }
        let response = try await client().send(OutboundRequest(url: server.url("/")))
        #expect(response.status == 200)
        let page = String(decoding: response.body, as: UTF8.self)
        let name = version == "-tls1_2" ? "TLSv1.2" : "TLSv1.3"
        #expect(page.contains("New, \(name), Cipher is"))
    }

    @Test func tlsOneOneIsRefused() async throws {
        let server = try await FixtureServer.openSSL(pki.server, version: "-tls1_1")
        defer { server.stop() }
        let error = await failure(try client(), server.url("/"))
        #expect(error?.code == .tlsHandshake)
    }
}
