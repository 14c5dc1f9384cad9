import Foundation
import Testing

@testable import CivicSealHTTPClient

@Suite struct OutboundMessagesTests {
    @Test func headerLookupIgnoresCaseAndReturnsTheFirstValue() throws {
        let response = OutboundResponse(
            status: 200, headers: [("Cache-Control", "max-age=60"), ("cache-control", "no-store")], body: [])
        #expect(response.header("CACHE-CONTROL") == "max-age=60")
        #expect(response.header("ETag") == nil)
    }
}
