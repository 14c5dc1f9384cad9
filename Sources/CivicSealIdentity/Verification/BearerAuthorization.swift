/// Extracts the token from an `Authorization` header value (RFC 6750 §2.1).
///
/// `credentials = "Bearer" 1*SP b64token`: the scheme is case-insensitive (RFC 9110 §11.1), exactly one
/// token follows, and nothing else (a comma would mean a second credential). Leading and trailing
/// spaces and tabs are optional whitespace the HTTP parser may have left. The token must then look like a
/// JWS compact serialization: base64url characters and dots only.
package enum BearerAuthorization {
    /// The token in `value`, or the reason there is none.
    package static func token(from value: String?, maximumLength: Int = TokenPolicy.defaultMaximumTokenLength)
        throws(IdentityError) -> Substring
    {
        guard let value else { throw IdentityError(.missingToken, "no Authorization header") }
        var utf8 = Substring(value).utf8[...]
        while let first = utf8.first, first == 0x20 || first == 0x09 { utf8 = utf8.dropFirst() }
        while let last = utf8.last, last == 0x20 || last == 0x09 { utf8 = utf8.dropLast() }
        guard !utf8.isEmpty else { throw IdentityError(.missingToken, "the Authorization header is empty") }
        // 6 for "Bearer", then 1*SP and the token; the cap bounds all further work.
        guard utf8.count <= maximumLength + 64 else {
            throw IdentityError(.tokenTooLarge, "the Authorization header is longer than \(maximumLength + 64) bytes")
        }
        guard let space = utf8.firstIndex(where: { $0 == 0x20 || $0 == 0x09 }) else {
            if isBearer(utf8) { throw IdentityError(.malformedAuthorization, "Bearer without a token") }
            throw IdentityError(.unsupportedScheme, "the Authorization scheme is not Bearer")
        }
        let scheme = utf8[..<space]
        guard isBearer(scheme) else {
            throw IdentityError(.unsupportedScheme, "the Authorization scheme is not Bearer")
        }
        var rest = utf8[space...]
        guard !rest.contains(0x09) else {
            throw IdentityError(.malformedAuthorization, "only spaces may follow Bearer")
        }
        while rest.first == 0x20 { rest = rest.dropFirst() }
        guard !rest.contains(0x20) else {
            throw IdentityError(.malformedAuthorization, "exactly one token must follow Bearer")
        }
        guard rest.count <= maximumLength else {
            throw IdentityError(.tokenTooLarge, "the token is longer than \(maximumLength) bytes")
        }
        guard rest.allSatisfy(isCompactJWSByte) else {
            throw IdentityError(.malformedAuthorization, "the token has characters outside base64url and \".\"")
        }
        return Substring(rest)
    }

    /// One field's worth of `Authorization` values: more than one field is ambiguous and refused.
    package static func token(fromFields values: [String], maximumLength: Int = TokenPolicy.defaultMaximumTokenLength)
        throws(IdentityError) -> Substring
    {
        guard values.count <= 1 else {
            throw IdentityError(.malformedAuthorization, "more than one Authorization header")
        }
        return try token(from: values.first, maximumLength: maximumLength)
    }

    private static func isBearer(_ bytes: Substring.UTF8View.SubSequence) -> Bool {
        bytes.count == 6 && zip(bytes, "bearer".utf8).allSatisfy { ($0 | 0x20) == $1 }
    }

    static func isCompactJWSByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            true
        default: false
        }
    }
}
