import CivicSealWebKit
import Testing

@Suite("Cookies")
struct CookieTests {
    @Test func pairsAreReadFromEveryCookieField() {
        let cookies = Cookies.parse(["cs_session=abc-DEF_123; theme=dark", "lang=vi"])
        #expect(cookies == ["cs_session": "abc-DEF_123", "theme": "dark", "lang": "vi"])
    }

    @Test func firstOccurrenceOfANameWins() {
        #expect(Cookies.parse(["a=1; a=2", "a=3"]) == ["a": "1"])
    }

    @Test func quotedValueIsUnwrapped() {
        #expect(Cookies.parse([#"token="xyz"; empty="""#]) == ["token": "xyz", "empty": ""])
    }

    @Test func malformedPairsAreSkippedAndTheRestKept() {
        let cookies = Cookies.parse([
            "novalue; =anonymous; bad name=1; ok=1;;  spaced = 2 ;comma=a,b; semi\"=x; tail=3;"
        ])
        #expect(cookies == ["ok": "1", "spaced": "2", "tail": "3"])
    }

    @Test func emptyInputGivesNoCookies() {
        #expect(Cookies.parse([]).isEmpty)
        #expect(Cookies.parse(["", ";", " ; "]).isEmpty)
    }

    @Test func valueMayContainEquals() {
        #expect(Cookies.parse(["b64=YWJj=="]) == ["b64": "YWJj=="])
    }

    @Test func setCookieDefaultsAreStrict() throws {
        let cookie = try #require(SetCookie(name: "cs_session", value: "abc", maxAgeSeconds: 3600))
        #expect(cookie.headerValue == "cs_session=abc; Path=/; Max-Age=3600; HttpOnly; Secure; SameSite=Strict")
    }

    @Test func setCookieAttributesCanBeRelaxed() throws {
        var cookie = try #require(
            SetCookie(name: "lang", value: "vi", path: "/officer", httpOnly: false, sameSite: .lax))
        #expect(cookie.headerValue == "lang=vi; Path=/officer; Secure; SameSite=Lax")
        cookie.secure = false
        #expect(cookie.headerValue == "lang=vi; Path=/officer; SameSite=Lax")
    }

    @Test func expiredCookieClearsTheValueAtOnce() {
        #expect(
            SetCookie.expired(name: "cs_session", secure: true).headerValue
                == "cs_session=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict")
        #expect(
            SetCookie.expired(name: "cs_session", secure: false).headerValue
                == "cs_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict")
    }

    @Test func negativeMaxAgeIsSentAsZero() throws {
        #expect(try #require(SetCookie(name: "a", value: "b", maxAgeSeconds: -5)).headerValue.contains("; Max-Age=0;"))
    }

    @Test(arguments: [
        ("", "v", "/"), ("a b", "v", "/"), ("a;b", "v", "/"), ("a=b", "v", "/"), ("café", "v", "/"),
        ("a", "v;HttpOnly", "/"), ("a", "v w", "/"), ("a", "\"v\"", "/"), ("a", "v,w", "/"), ("a", "v\\", "/"),
        ("a", "v\r\nX: y", "/"),
        ("a", "é", "/"), ("a", "v", "relative"), ("a", "v", "/x; Domain=evil.example"), ("a", "v", "/x\n"),
    ])
    func invalidNameValueOrPathIsRefused(_ name: String, _ value: String, _ path: String) {
        #expect(SetCookie(name: name, value: value, path: path) == nil)
    }

    @Test func base64URLValueRoundTripsThroughTheCookieHeader() throws {
        let value = "Zm9vYmFyLWJhei1xdXV4_0123456789-abcdefghij"
        let cookie = try #require(SetCookie(name: "cs_session", value: value))
        let sent = String(cookie.headerValue.split(separator: ";")[0])
        #expect(Cookies.parse([sent]) == ["cs_session": value])
    }
}
