import Foundation
import Testing

@testable import CivicSealHTTPClient

struct RequestTargetTests {
    private func target(_ text: String) throws(OutboundHTTPError) -> RequestTarget {
        try RequestTarget(URL(string: text)!)
    }

    @Test func anHTTPSURLSplitsIntoOriginAndTarget() throws {
        let split = try target("https://IdP.Example/realms/citizens/token?x=1#fragment")
        #expect(split.origin == Origin(scheme: "https", host: "idp.example", port: 443))
        #expect(split.target == "/realms/citizens/token?x=1")
        #expect(split.origin.hostField == "idp.example")
    }

    @Test func anIPv6LiteralKeepsItsBracketsOnlyInTheHostField() throws {
        let split = try target("https://[::1]:8443")
        #expect(split.origin.host == "::1" && split.origin.port == 8443)
        #expect(split.origin.hostField == "[::1]:8443")
        #expect(split.target == "/")
        #expect(split.origin.isLoopback && split.origin.isIPLiteral)
    }

    @Test(arguments: ["ftp://idp.example/", "https://user:pass@idp.example/", "https:///path", "mailto:a@b.example"])
    func whatIsNotAnAbsoluteHTTPURLIsRefused(text: String) {
        #expect(throws: OutboundHTTPError.self) { try target(text) }
    }

    @Test func reservedOrBrokenHeaderFieldsAreRefused() {
        let url = URL(string: "https://idp.example/")!
        for headers in [[("Host", "evil.example")], [("Content-Length", "5")], [("X-A", "a\r\nInjected: 1")]] {
            #expect(throws: OutboundHTTPError.self) {
                try RequestHead.validate(OutboundRequest(url: url, headers: headers))
            }
        }
    }

    @Test func theRequestHeadCarriesHostLengthAndKeepAlive() throws {
        let request = OutboundRequest(
            method: "POST", url: URL(string: "https://idp.example:8443/token")!, body: [1, 2])
        let head = String(decoding: RequestHead.bytes(request, try RequestTarget(request.url)), as: UTF8.self)
        #expect(head.hasPrefix("POST /token HTTP/1.1\r\nHost: idp.example:8443\r\n"))
        #expect(head.contains("\r\nContent-Length: 2\r\n"))
        #expect(head.hasSuffix("Connection: keep-alive\r\n\r\n"))
    }
}
