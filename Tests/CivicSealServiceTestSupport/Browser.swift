import CivicSealCrypto
import CivicSealJSON
import Foundation
import Synchronization

/// One visitor of the pages, as a browser without JavaScript behaves: it keeps the cookies the server sets (one jar
/// per visitor, `Max-Age=0` deletes), sends them back, and posts forms urlencoded or multipart. Redirects are not
/// followed, so tests see every `Location`. Every response is kept, so a test can scan all it was shown.
package final class Browser: Sendable {
    package let client: HTTPClient
    private let state = Mutex<(cookies: [String: String], seen: [(path: String, response: ClientResponse)])>(([:], []))

    /// Headers every request carries (e.g. which instance a load balancer should pick).
    private let fixedHeaders = Mutex<[(String, String)]>([])

    package init(_ live: LiveService) { client = live.client }

    /// A visitor of whatever `client` reaches (a load balancer in front of several services).
    package init(client: HTTPClient) { self.client = client }

    /// Sends `headers` with every later request, instead of those given before.
    package func sendAlways(_ headers: [(String, String)]) { fixedHeaders.withLock { $0 = headers } }

    /// Signs in at the development identity provider as the person `token` names, as a visitor would: opens `path`
    /// (a sign-in page), follows its button to the provider's authorize page, posts the token's identity claims
    /// there (its `claims` field: the payload minus `iss`, `aud`, `iat`, `exp` and `nonce`) and follows the
    /// provider back to the callback. Returns the first response that is not a step of that walk: the callback's
    /// answer (303 and the session cookie when signed in, else its failure page), or the page where it stopped.
    package func signIn(_ path: String, token: String) async throws -> ClientResponse {
        let page = try await get(path)
        guard page.status == 200, let start = page.firstMatch(#"<a[^>]*href="([^"]*)"[^>]*id="sign-in""#) else {
            return page
        }
        let started = try await get(start)
        guard started.status == 303, let authorize = started.header("Location") else { return started }
        let form = try await get(try Self.localTarget(authorize))
        guard form.status == 200 else { return form }
        let posted = try await authorizeAtDevelopmentProvider(form, claims: try Self.identityClaims(of: token))
        guard posted.status == 303 || posted.status == 302, let callback = posted.header("Location") else {
            return posted
        }
        return try await get(try Self.localTarget(callback))
    }

    /// Posts the development provider's authorize form that types claims (`form`'s page; its hidden fields kept) with
    /// `claims`.
    package func authorizeAtDevelopmentProvider(_ form: ClientResponse, claims: String) async throws -> ClientResponse {
        let text = form.text
        let forms = try NSRegularExpression(pattern: #"<form\b[^>]*>.*?</form>"#, options: [.dotMatchesLineSeparators])
        guard
            let match = forms.matches(in: text, range: NSRange(text.startIndex..., in: text)).lazy.compactMap({
                Range($0.range, in: text).map { String(text[$0]) }
            }).first(where: { $0.contains(#"name="claims""#) }),
            let action = Self.attribute("action", of: String(match.prefix { $0 != ">" }))
        else {
            throw ClientError(description: "the provider's authorize page has no claims form: \(form)")
        }
        var fields: [(String, String)] = []
        let tags = try NSRegularExpression(pattern: #"<input\b[^>]*>"#)
        for tag in tags.matches(in: match, range: NSRange(match.startIndex..., in: match)) {
            guard let range = Range(tag.range, in: match) else { continue }
            let input = String(match[range])
            guard input.contains(#"type="hidden""#), let name = Self.attribute("name", of: input) else { continue }
            fields.append((name, Self.attribute("value", of: input) ?? ""))
        }
        return try await post(try Self.localTarget(action), fields + [("claims", claims)])
    }

    /// The value of `name="…"` in one HTML tag, entities undone.
    static func attribute(_ name: String, of tag: String) -> String? {
        guard let range = tag.range(of: #"\b\#(name)="([^"]*)""#, options: .regularExpression) else { return nil }
        return ClientResponse.unescapeHTML(String(tag[range].dropFirst(name.count + 2).dropLast()))
    }

    /// The identity claims of a minted token as the development provider's `claims` field takes them.
    package static func identityClaims(of token: String) throws -> String {
        let parts = token.split(separator: ".")
        guard parts.count == 3, let payload = try? Base64URL.decode(String(parts[1])),
            case .object(var claims) = try JSONValue(parsing: payload)
        else { throw ClientError(description: "not a compact JWS") }
        for name in ["iss", "aud", "iat", "exp", "nonce", "nbf", "jti"] { claims[name] = nil }
        return JSONValue.object(claims).serialized()
    }

    /// The path and query of `location` when it is on this service (absolute `http(s)://host[:port]/…` or already a
    /// path); the in-process client speaks to one origin only.
    package static func localTarget(_ location: String) throws -> String {
        if location.hasPrefix("/") && !location.hasPrefix("//") { return location }
        guard let components = URLComponents(string: location), components.host != nil else {
            throw ClientError(description: "not a URL: \(location)")
        }
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        return path + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
    }

    /// The cookies held now, by name.
    package var cookies: [String: String] { state.withLock { $0.cookies } }

    /// Every path visited with its response, oldest first.
    package var seen: [(path: String, response: ClientResponse)] { state.withLock { $0.seen } }

    /// Sets (or, with nil, drops) a cookie by hand: what an attacker or a stale tab would send.
    package func setCookie(_ name: String, _ value: String?) { state.withLock { $0.cookies[name] = value } }

    package func get(_ path: String) async throws -> ClientResponse {
        try await send("GET", path)
    }

    /// Posts `fields` as `application/x-www-form-urlencoded`, in order (duplicates allowed).
    package func post(_ path: String, _ fields: [(String, String)]) async throws -> ClientResponse {
        let body = fields.map { "\(Self.formEncoded($0.0))=\(Self.formEncoded($0.1))" }.joined(separator: "&")
        return try await send(
            "POST", path, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(body.utf8))
    }

    /// Posts `fields` and one file as `multipart/form-data` (RFC 7578).
    package func postMultipart(
        _ path: String, _ fields: [(String, String)],
        file: (field: String, filename: String, type: String, bytes: [UInt8])
    ) async throws -> ClientResponse {
        let boundary = "----civicseal-test-\(UUID().uuidString)"
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        body += Array(
            ("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; "
                + "filename=\"\(file.filename)\"\r\nContent-Type: \(file.type)\r\n\r\n").utf8)
        body += file.bytes
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        return try await send(
            "POST", path, headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)")], body: body)
    }

    package func send(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = [])
        async throws
        -> ClientResponse
    {
        let jar = cookies
        var headers = headers + fixedHeaders.withLock { $0 }
        if !jar.isEmpty {
            headers.append(
                ("Cookie", jar.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")))
        }
        let response = try await client.send(method, path, headers: headers, body: body)
        state.withLock { state in
            for header in response.headers where header.name.lowercased() == "set-cookie" {
                guard let cookie = SetCookieField(header.value) else { continue }
                state.cookies[cookie.name] = cookie.expires ? nil : cookie.value
            }
            state.seen.append((path, response))
        }
        return response
    }

    /// `application/x-www-form-urlencoded` escaping: everything but unreserved characters as `%XX` of UTF-8.
    package static func formEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(
            CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

/// One `Set-Cookie` field value, as a test reads it: `name=value` then `; `-separated attributes.
package struct SetCookieField: Sendable {
    package let name: String
    package let value: String
    /// Attribute names (lower-cased) with their values (empty for flags such as `HttpOnly`).
    package let attributes: [String: String]

    package init?(_ field: String) {
        let parts = field.components(separatedBy: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let pair = parts.first, let equals = pair.firstIndex(of: "=") else { return nil }
        name = String(pair[..<equals])
        value = String(pair[pair.index(after: equals)...])
        var attributes: [String: String] = [:]
        for attribute in parts.dropFirst() where !attribute.isEmpty {
            if let equals = attribute.firstIndex(of: "=") {
                attributes[attribute[..<equals].lowercased()] = String(attribute[attribute.index(after: equals)...])
            } else {
                attributes[attribute.lowercased()] = ""
            }
        }
        self.attributes = attributes
    }

    package func has(_ attribute: String) -> Bool { attributes[attribute.lowercased()] != nil }

    /// `Max-Age=0` (or negative): the browser deletes the cookie.
    package var expires: Bool { attributes["max-age"].flatMap(Int.init).map { $0 <= 0 } ?? false }
}

extension ClientResponse {
    /// Every `Set-Cookie` field, parsed.
    package var setCookies: [SetCookieField] {
        headers.filter { $0.name.lowercased() == "set-cookie" }.compactMap { SetCookieField($0.value) }
    }

    /// The CSRF token of the first form on the page (`<input type="hidden" name="csrf" value="…">`).
    package var csrf: String? { firstMatch(#"name="csrf" value="([^"]*)""#) }

    /// The first capture group of `pattern` in the body, HTML entities of attributes undone.
    package func firstMatch(_ pattern: String) -> String? {
        allMatches(pattern).first
    }

    /// The first capture group of every match of `pattern` in the body, HTML entities of attributes undone.
    package func allMatches(_ pattern: String) -> [String] {
        guard let expression = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]) else {
            return []
        }
        let text = self.text
        return expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            guard match.numberOfRanges > 1, let range = Range(match.range(at: 1), in: text) else { return nil }
            return Self.unescapeHTML(String(text[range]))
        }
    }

    /// Every URL the page points a browser at (`href`, `src`, `action`), entities undone, plus `Location`.
    package var linkedURLs: [String] {
        allMatches(#"\b(?:href|src|action)="([^"]*)""#) + (header("Location").map { [$0] } ?? [])
    }

    /// The text of the element with `id` (its inner markup, tags stripped, entities undone); nil if absent.
    package func element(id: String) -> String? {
        let escapedID = NSRegularExpression.escapedPattern(for: id)
        guard let inner = firstMatchRaw(#"<(\w+)[^>]*\bid="\#(escapedID)"[^>]*>(.*?)</\1>"#, group: 2) else {
            return nil
        }
        let stripped = inner.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
        return Self.unescapeHTML(stripped).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The `value` attribute of the input whose `id` is given; nil if there is no such input.
    package func inputValue(id: String) -> String? {
        let escapedID = NSRegularExpression.escapedPattern(for: id)
        guard let tag = firstMatchRaw(#"(<input[^>]*\bid="\#(escapedID)"[^>]*>)"#, group: 1) else { return nil }
        guard let value = tag.range(of: #"\bvalue="([^"]*)""#, options: .regularExpression) else { return nil }
        return Self.unescapeHTML(String(tag[value].dropFirst("value=\"".count).dropLast()))
    }

    private func firstMatchRaw(_ pattern: String, group: Int) -> String? {
        guard let expression = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]) else {
            return nil
        }
        let text = self.text
        guard let match = expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
            let range = Range(match.range(at: group), in: text)
        else { return nil }
        return String(text[range])
    }

    /// Undoes the escapes the template engine writes (`&amp; &lt; &gt; &quot; &#39;` and numeric forms).
    package static func unescapeHTML(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = text
        for (entity, character) in [
            ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&#x27;", "'"), ("&#34;", "\""),
        ] {
            result = result.replacingOccurrences(of: entity, with: character)
        }
        return result.replacingOccurrences(of: "&amp;", with: "&")
    }
}
