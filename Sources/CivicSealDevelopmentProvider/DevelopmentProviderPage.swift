import CivicSealHTTP

/// The language of the provider's pages: Vietnamese unless the client asked for English (`ui_locales=en`).
enum PageLanguage: String, Sendable, Equatable {
    case vietnamese = "vi"
    case english = "en"
}

/// The provider's pages: plain HTML forms, no JavaScript, the site's stylesheet, in Vietnamese or English.
enum DevelopmentProviderPage {
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
        + "base-uri 'none'"

    /// Pick a synthetic person (one button each) or type the claims of an ID token.
    static func chooser(for request: AuthorizationRequest, problem: DevelopmentProviderError?) -> HTTPResponse {
        let vi = request.language == .vietnamese
        let hidden =
            request.parameters.map {
                "<input type=\"hidden\" name=\"\(escape($0.0))\" value=\"\(escape($0.1))\">"
            }.joined(separator: "\n")
            + "\n<input type=\"hidden\" name=\"ui_locales\" value=\"\(request.language.rawValue)\">"
        var body =
            "<p>"
            + (vi
                ? "Nhà cung cấp định danh <strong>dành cho phát triển</strong>: chọn một người giả lập để đăng nhập. "
                    + "Không bao giờ dùng cho người thật."
                : "The <strong>development</strong> identity provider: pick a synthetic person to sign in as. "
                    + "Never for real people.") + "</p>\n"
        if !request.acrValues.isEmpty {
            body +=
                "<p id=\"acr-values\">" + (vi ? "Mức định danh yêu cầu: " : "Assurance level asked for: ")
                + escape(request.acrValues.joined(separator: " ")) + "</p>\n"
        }
        if let problem {
            body +=
                "<div class=\"error-summary\" role=\"alert\" id=\"problem\"><p>" + message(problem, vi: vi)
                + "</p></div>\n"
        }
        // One form: a button per person (`preset`), or the typed claims with the last button; the request's
        // parameters once, as hidden fields.
        body += "<form method=\"post\" action=\"\(DevelopmentProvider.authorizePath)\">\n\(hidden)\n<ul>\n"
        for person in SyntheticPerson.all {
            body +=
                "<li><button type=\"submit\" name=\"preset\" value=\"\(escape(person.id))\" id=\"preset-"
                + "\(escape(person.id))\">\(escape(person.name))</button> "
                + escape(vi ? person.summary.vi : person.summary.en) + "</li>\n"
        }
        body +=
            "</ul>\n<h2>" + (vi ? "Hoặc nhập các claim" : "Or type the claims") + "</h2>\n"
            + "<label for=\"claims\">"
            + (vi
                ? "Một đối tượng JSON như trong mã `civicseal token` (không có iss, aud, iat, exp)"
                : "One JSON object as in a `civicseal token` token (without iss, aud, iat, exp)") + "</label>\n"
            + "<textarea id=\"claims\" name=\"claims\" rows=\"8\" cols=\"70\" spellcheck=\"false\">"
            + "{\"personal_id\": \"001190012345\", \"name\": \"Nguyễn Thị Ánh Tuyết\", \"birthdate\": \"1990-05-14\", "
            + "\"gender\": \"female\", \"acr\": \"level2\", \"nationality\": \"VN\"}</textarea>\n"
            + "<p><button type=\"submit\" id=\"sign-in-claims\">"
            + (vi ? "Đăng nhập với các claim này" : "Sign in with these claims")
            + "</button></p>\n</form>\n"
        let other: PageLanguage = vi ? .english : .vietnamese
        let switchQuery = FormParameters.encode(request.parameters + [("ui_locales", other.rawValue)])
        body +=
            "<p><a href=\"\(DevelopmentProvider.authorizePath)?\(escape(switchQuery))\" lang=\"\(other.rawValue)\">"
            + (vi ? "English" : "Tiếng Việt") + "</a></p>\n"
        let title = vi ? "Đăng nhập (nhà cung cấp định danh phát triển)" : "Sign in (development identity provider)"
        return page(title: title, body: body, language: request.language, status: problem == nil ? .ok : .badRequest)
    }

    /// A refusal: what was wrong, by its code, and nothing the request carried.
    static func refusal(_ error: DevelopmentProviderError, language: PageLanguage, status: HTTPStatus = .badRequest)
        -> HTTPResponse
    {
        let vi = language == .vietnamese
        let body =
            "<div class=\"error-summary\" role=\"alert\" id=\"problem\"><p>" + message(error, vi: vi) + "</p>"
            + "<p><code id=\"problem-code\">\(error.code.rawValue)</code></p></div>\n"
            + "<p><a href=\"/\">" + (vi ? "Về trang chủ" : "Back to the home page") + "</a></p>\n"
        var response = page(
            title: vi ? "Không thể đăng nhập" : "Sign-in refused", body: body, language: language, status: status)
        if status == .serviceUnavailable { response.headers.replaceOrAdd(name: "Retry-After", value: "60") }
        return response
    }

    /// The page after RP-initiated logout when there is nowhere registered to return to.
    static func signedOut(language: PageLanguage) -> HTTPResponse {
        let vi = language == .vietnamese
        let body =
            "<p id=\"signed-out\">"
            + (vi
                ? "Bạn đã đăng xuất khỏi nhà cung cấp định danh phát triển."
                : "You are signed out of the development identity provider.") + "</p>\n"
            + "<p><a href=\"/\">" + (vi ? "Về trang chủ" : "Back to the home page") + "</a></p>\n"
        return page(title: vi ? "Đã đăng xuất" : "Signed out", body: body, language: language, status: .ok)
    }

    static func message(_ error: DevelopmentProviderError, vi: Bool) -> String {
        switch error.code {
        case .unknownClient:
            vi
                ? "Ứng dụng yêu cầu đăng nhập không được đăng ký."
                : "The application asking for sign-in is not registered."
        case .unregisteredRedirectURI:
            vi ? "Địa chỉ trả về không được đăng ký." : "The return address is not registered."
        case .malformedRequest, .invalidRequest, .unsupportedResponseType, .invalidScope:
            vi ? "Yêu cầu đăng nhập không hợp lệ." : "The sign-in request is not valid."
        case .pkceRequired:
            vi ? "Yêu cầu đăng nhập thiếu PKCE (S256)." : "The sign-in request lacks PKCE (S256)."
        case .invalidIdentity:
            vi
                ? "Hãy chọn một người, hoặc nhập một đối tượng JSON (tối đa 64 claim, 8 KiB)."
                : "Pick a person, or type one JSON object (at most 64 claims, 8 KiB)."
        case .tableFull:
            vi
                ? "Đang có quá nhiều lượt đăng nhập dở dang. Hãy thử lại sau một phút."
                : "Too many sign-ins are in progress. Please try again in a minute."
        case .unregisteredLogoutURI:
            vi
                ? "Địa chỉ trả về sau khi đăng xuất không được đăng ký."
                : "The address to return to after sign-out is not registered."
        }
    }

    static func page(title: String, body: String, language: PageLanguage, status: HTTPStatus) -> HTTPResponse {
        let html =
            "<!doctype html>\n<html lang=\"\(language.rawValue)\">\n<head>\n<meta charset=\"utf-8\">\n"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            + "<title>\(escape(title))</title>\n<link rel=\"stylesheet\" href=\"/static/app.css\">\n</head>\n"
            + "<body>\n<main id=\"main\">\n<h1>\(escape(title))</h1>\n\(body)</main>\n</body>\n</html>\n"
        return HTTPResponse(
            status: status,
            headers: [
                "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store",
                "Content-Security-Policy": contentSecurityPolicy, "Referrer-Policy": "no-referrer",
                "X-Content-Type-Options": "nosniff",
            ], body: Array(html.utf8))
    }

    /// Text for HTML content and attribute values.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
