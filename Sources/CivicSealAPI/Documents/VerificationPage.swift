import CivicSealHTTP
import CivicSealRecords
import CivicSealWorkflow
import Foundation

/// `GET /v/{id}`, the QR code's target: a plain HTML page (no JavaScript, no inline style) with the document's
/// status, kind, issuing department and issue date in Vietnamese with English, and the five-field confirmation
/// form, which posts to `POST /v/{id}` and gets the answer as a page. Every interpolated value is HTML-escaped.
/// The Content-Security-Policy allows only the same-origin stylesheet `/static/verify.css` and same-origin form posts.
enum VerificationPage {
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    static let stylesheet = """
        body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.5}
        h1{font-size:1.4rem}.en{color:#555;font-size:.9em}dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}
        dt{font-weight:600}.valid{color:#0a6b2d;font-weight:700}.revoked,.refused{color:#a40000;font-weight:700}
        form{display:grid;gap:.6rem;margin-top:1.5rem;border-top:1px solid #ccc;padding-top:1rem}
        label{display:grid;gap:.2rem}input,select,button{font:inherit;padding:.3rem}
        """

    static func stylesheetResponse() -> HTTPResponse {
        var response = HTTPResponse(status: .ok, body: Array(stylesheet.utf8))
        response.headers.replaceOrAdd(name: "Content-Type", value: "text/css; charset=utf-8")
        response.headers.replaceOrAdd(name: "Cache-Control", value: "public, max-age=3600")
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return response
    }

    static func escape(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.unicodeScalars.append(character)
            }
        }
        return output
    }

    static func kindNames(_ kind: RequestKind) -> (String, String) {
        switch kind {
        case .criminalRecord: ("Phiếu lý lịch tư pháp", "Criminal record certificate")
        case .healthCertificate: ("Giấy khám sức khỏe lái xe", "Driver's health certificate")
        case .healthBookExtract: ("Trích lục sổ sức khỏe điện tử", "Electronic health book extract")
        }
    }

    static func statusNames(_ status: DocumentEntry.Status) -> (String, String, String) {
        switch status {
        case .valid: ("Còn hiệu lực", "Valid", "valid")
        case .revoked: ("Đã thu hồi", "Revoked", "revoked")
        }
    }

    static func page(title: String, body: String, status: HTTPStatus = .ok) -> HTTPResponse {
        let html = """
            <!DOCTYPE html>
            <html lang="vi">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title><link rel="stylesheet" href="/static/verify.css"></head>
            <body>
            \(body)
            </body>
            </html>

            """
        var response = HTTPResponse(status: status, body: Array(html.utf8))
        response.headers.replaceOrAdd(name: "Content-Type", value: "text/html; charset=utf-8")
        response.headers.replaceOrAdd(name: "Content-Security-Policy", value: contentSecurityPolicy)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        response.headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
        return response
    }

    static func notFound() -> HTTPResponse {
        page(
            title: "Không tìm thấy văn bản — Document not found",
            body: """
                <h1>Không tìm thấy văn bản <span class="en">/ Document not found</span></h1>
                <p>Mã văn bản không đúng hoặc văn bản không do hệ thống này cấp. <span class="en">The document code is wrong, or the document was not issued by this service.</span></p>
                """, status: .notFound)
    }

    /// The status block shared by the page and the confirmation answer.
    static func summary(_ entry: DocumentEntry, department: Department?) -> String {
        let (statusVI, statusEN, statusClass) = statusNames(entry.status)
        let (kindVI, kindEN) = kindNames(entry.kind)
        var rows = """
            <dl>
            <dt>Mã văn bản <span class="en">/ Document code</span></dt><dd>\(escape(entry.documentID))</dd>
            <dt>Trạng thái <span class="en">/ Status</span></dt><dd class="\(statusClass)">\(escape(statusVI)) <span class="en">/ \(escape(statusEN))</span></dd>
            <dt>Loại văn bản <span class="en">/ Kind</span></dt><dd>\(escape(kindVI)) <span class="en">/ \(escape(kindEN))</span></dd>
            <dt>Cơ quan cấp <span class="en">/ Issued by</span></dt><dd>\(escape(department?.nameVietnamese ?? entry.departmentID)) <span class="en">/ \(escape(department?.nameEnglish ?? entry.departmentID))</span></dd>
            <dt>Ngày cấp <span class="en">/ Issue date</span></dt><dd>\(escape(vietnameseDate(CalendarDate(entry.issuedAt))))</dd>
            """
        if case .revoked(_, let at) = entry.status {
            rows += "\n<dt>Ngày thu hồi <span class=\"en\">/ Revoked on</span></dt><dd>\(escape(vietnameseDate(CalendarDate(at))))</dd>"
        }
        return rows + "\n</dl>"
    }

    static func vietnameseDate(_ date: CalendarDate) -> String {
        String(format: "%02d/%02d/%04d", date.day, date.month, date.year)
    }

    static func form(documentID: String) -> String {
        let id = escape(documentID)
        return """
            <form method="post" action="/v/\(id)">
            <p>Xác minh thông tin người được cấp: nhập đủ năm trường. <span class="en">Confirm the holder: fill in all five fields.</span></p>
            <label>Mã văn bản <span class="en">/ Document code</span><input name="documentId" value="\(id)" required maxlength="40"></label>
            <label>Họ và tên <span class="en">/ Full name</span><input name="fullName" required maxlength="200"></label>
            <label>Ngày sinh <span class="en">/ Date of birth</span><input name="birthDate" type="date" required></label>
            <label>Giới tính <span class="en">/ Sex</span><select name="sex" required><option value="male">Nam / Male</option><option value="female">Nữ / Female</option></select></label>
            <label>Số định danh cá nhân <span class="en">/ Personal ID number</span><input name="personalId" required inputmode="numeric" pattern="[0-9]{12}" maxlength="12"></label>
            <button type="submit">Xác minh <span class="en">/ Confirm</span></button>
            </form>
            """
    }

    /// `application/x-www-form-urlencoded` fields; the first occurrence of each name wins.
    static func formFields(_ body: [UInt8]) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = String(parts[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding,
                let value = String(parts.count > 1 ? parts[1] : "").replacingOccurrences(of: "+", with: " ").removingPercentEncoding,
                fields[name] == nil
            else { continue }
            fields[name] = value
        }
        return fields
    }
}

extension APIService {
    /// `GET /v/{id}`.
    func verificationPage(_ request: HTTPRequest, _ context: RequestContext) -> HTTPResponse {
        guard let id = context.parameter("id"), DocumentID.isValid(id), let entry = try? store.documentEntry(id: id) else {
            return VerificationPage.notFound()
        }
        let department = store.configuration.authority.department(id: entry.departmentID)
        return VerificationPage.page(
            title: "Xác minh văn bản — Document verification",
            body: """
                <h1>Xác minh văn bản <span class="en">/ Document verification</span></h1>
                \(VerificationPage.summary(entry, department: department))
                \(VerificationPage.form(documentID: entry.documentID))
                """)
    }

    /// `POST /v/{id}` (form): the five-field answer as a page, with the same rate limit as `/v1/verify/details`.
    func verificationFormResult(_ request: HTTPRequest, _ context: RequestContext) -> HTTPResponse {
        guard let id = context.parameter("id"), DocumentID.isValid(id) else { return VerificationPage.notFound() }
        if let wait = confirmationLimiter.attempt(context.remoteAddress, now: clock()) {
            var response = VerificationPage.page(
                title: "Quá nhiều lần thử — Too many attempts",
                body: """
                    <h1>Quá nhiều lần thử <span class="en">/ Too many attempts</span></h1>
                    <p>Vui lòng thử lại sau \(wait) giây. <span class="en">Please try again in \(wait) seconds.</span></p>
                    """, status: HTTPStatus(code: 429))
            response.headers.replaceOrAdd(name: "Retry-After", value: String(wait))
            return response
        }
        let fields = VerificationPage.formFields(Array(request.body.prefix(4096)))
        let given = DetailsConfirmation(
            documentID: fields["documentId"] ?? id, fullName: fields["fullName"] ?? "", birthDate: fields["birthDate"] ?? "",
            sex: fields["sex"] ?? "", personalID: fields["personalId"] ?? "")
        let body: String
        if let entry = confirm(given) {
            body = """
                <h1>Thông tin khớp <span class="en">/ Details confirmed</span></h1>
                <p class="valid">Năm trường thông tin khớp với văn bản. <span class="en">All five fields match the document.</span></p>
                \(VerificationPage.summary(entry, department: store.configuration.authority.department(id: entry.departmentID)))
                """
        } else {
            body = """
                <h1>Không xác nhận được <span class="en">/ Not confirmed</span></h1>
                <p class="refused">Thông tin không khớp với văn bản nào. <span class="en">The details do not match a document.</span></p>
                \(VerificationPage.form(documentID: id))
                """
        }
        return VerificationPage.page(title: "Kết quả xác minh — Verification result", body: body)
    }
}
