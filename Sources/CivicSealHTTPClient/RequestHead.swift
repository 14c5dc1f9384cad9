/// The request line and header section of RFC 9112 for an ``OutboundRequest``.
enum RequestHead {
    /// Header fields the client writes itself: framing and connection management are not the caller's to set.
    static let reservedFields: Set<String> = [
        "host", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "te", "trailer",
        "expect",
    ]

    /// Refuses a method that is not a token and header fields that are malformed or reserved.
    static func validate(_ request: OutboundRequest) throws(OutboundHTTPError) {
        guard !request.method.isEmpty, request.method.utf8.allSatisfy(ResponseReader.isTokenByte) else {
            throw OutboundHTTPError(.invalidURL, "the request method is not a token")
        }
        for (name, value) in request.headers {
            guard !name.isEmpty, name.utf8.allSatisfy(ResponseReader.isTokenByte) else {
                throw OutboundHTTPError(.invalidURL, "a request header field name is not a token")
            }
            guard !reservedFields.contains(name.lowercased()) else {
                throw OutboundHTTPError(.invalidURL, "the request header field \(name) is the client's to write")
            }
            guard value.utf8.allSatisfy(ResponseReader.isFieldValueByte) else {
                throw OutboundHTTPError(.invalidURL, "the request header field \(name) has a control character")
            }
        }
    }

    /// The bytes of the request line and header section (the body follows).
    static func bytes(_ request: OutboundRequest, _ target: RequestTarget) -> [UInt8] {
        var text = "\(request.method) \(target.target) HTTP/1.1\r\nHost: \(target.origin.hostField)\r\n"
        for (name, value) in request.headers { text += "\(name): \(value)\r\n" }
        if !request.headers.contains(where: { $0.0.lowercased() == "user-agent" }) {
            text += "User-Agent: CivicSeal\r\n"
        }
        if !request.body.isEmpty || ["POST", "PUT", "PATCH"].contains(request.method) {
            text += "Content-Length: \(request.body.count)\r\n"
        }
        text += "Connection: keep-alive\r\n\r\n"
        return Array(text.utf8)
    }
}
