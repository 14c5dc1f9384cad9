import CivicSealHTTP

/// The text fields of a submitted form, in the order they were sent; a name may occur more than once
/// (checkboxes, multi-selects).
package struct FormFields: Sendable, Equatable {
    /// One name/value pair.
    package struct Field: Sendable, Equatable {
        /// The field name, decoded.
        package let name: String
        /// The field value, decoded.
        package let value: String

        /// A field with `name` and `value`.
        package init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Every field, in submission order.
    package let fields: [Field]

    /// Fields in the given order.
    package init(_ fields: [Field]) { self.fields = fields }

    /// Fields from literal pairs, duplicates and order kept: `FormFields(["tag": "a", "tag": "b"])`.
    package init(_ pairs: KeyValuePairs<String, String>) {
        fields = pairs.map { Field(name: $0.key, value: $0.value) }
    }

    /// The first value sent under `name`, or nil.
    package subscript(_ name: String) -> String? { fields.first { $0.name == name }?.value }

    /// Every value sent under `name`, in order.
    package func all(_ name: String) -> [String] { fields.filter { $0.name == name }.map(\.value) }

    /// The distinct field names, in order of first appearance.
    package var names: [String] {
        var seen: Set<String> = []
        return fields.compactMap { seen.insert($0.name).inserted ? $0.name : nil }
    }

    /// Whether no field was sent.
    package var isEmpty: Bool { fields.isEmpty }
}

// MARK: - Parsing

extension FormFields {
    /// Parses an `application/x-www-form-urlencoded` body as the WHATWG URL standard does
    /// (<https://url.spec.whatwg.org/#urlencoded-parsing>), but strictly.
    ///
    /// The body is split on `&`; empty pieces are skipped; each piece splits at its first `=` (no `=` means an
    /// empty value); `+` becomes a space; `%XX` is percent-decoded. Where the standard would pass an invalid
    /// escape (`%zz`, a truncated `%4`) through unchanged and replace invalid UTF-8 with U+FFFD, this parser
    /// refuses the body (``FormError/Code/malformed``, ``FormError/Code/encoding``): a form we cannot read
    /// exactly is not guessed at. Sizes are checked against `limits` (body, field count, decoded name and value).
    package static func parseURLEncoded(_ body: [UInt8], limits: FormLimits = .init()) throws(FormError) -> FormFields {
        guard body.count <= limits.maximumBodyBytes else {
            throw FormError(.tooLarge, "the form body is larger than \(limits.maximumBodyBytes) bytes")
        }
        var fields: [Field] = []
        var start = 0
        while start < body.count {
            var end = start
            while end < body.count, body[end] != UInt8(ascii: "&") { end += 1 }
            defer { start = end + 1 }
            guard end > start else { continue }
            guard fields.count < limits.maximumFields else {
                throw FormError(.tooManyFields, "the form has more than \(limits.maximumFields) fields")
            }
            var equals = start
            while equals < end, body[equals] != UInt8(ascii: "=") { equals += 1 }
            let name = try decodeComponent(body, start..<equals, limit: limits.maximumNameBytes, what: "field name")
            let valueRange = equals < end ? equals + 1..<end : end..<end
            let value = try decodeComponent(body, valueRange, limit: limits.maximumValueBytes, what: "field value")
            fields.append(Field(name: name, value: value))
        }
        return FormFields(fields)
    }

    /// `+` to space and percent-decoding of one name or value, then strict UTF-8 decoding.
    private static func decodeComponent(_ body: [UInt8], _ range: Range<Int>, limit: Int, what: String)
        throws(FormError)
        -> String
    {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(range.count)
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = body[index]
            if byte == UInt8(ascii: "+") {
                decoded.append(0x20)
                index += 1
            } else if byte == UInt8(ascii: "%") {
                guard index + 2 < range.upperBound, let high = hexValue(body[index + 1]),
                    let low = hexValue(body[index + 2])
                else {
                    throw FormError(.malformed, "a \(what) contains a '%' not followed by two hexadecimal digits")
                }
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(byte)
                index += 1
            }
        }
        guard decoded.count <= limit else { throw FormError(.tooLarge, "a \(what) is longer than \(limit) bytes") }
        guard let text = String(validating: decoded, as: UTF8.self) else {
            throw FormError(.encoding, "a \(what) is not valid UTF-8 once percent-decoded")
        }
        return text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The text fields of `request`'s body, chosen by its `Content-Type`:
    /// `application/x-www-form-urlencoded` → ``parseURLEncoded(_:limits:)``; `multipart/form-data` →
    /// ``MultipartForm/parse(_:contentType:limits:)``, keeping the parts without a filename (a text part that is
    /// not UTF-8 is ``FormError/Code/encoding``); any other type, or none → ``FormError/Code/unsupportedMediaType``.
    /// A request with more than one `Content-Type` field is ``FormError/Code/malformed``.
    package static func parse(request: HTTPRequest, limits: FormLimits = .init()) throws(FormError) -> FormFields {
        let contentTypes = request.headers.values(for: "Content-Type")
        guard contentTypes.count <= 1 else { throw FormError(.malformed, "the request has more than one Content-Type") }
        guard let contentType = contentTypes.first, let mediaType = HeaderParameters(contentType) else {
            throw FormError(.unsupportedMediaType, "a form must be sent as urlencoded or multipart/form-data")
        }
        switch mediaType.leading {
        case "application/x-www-form-urlencoded":
            return try parseURLEncoded(request.body, limits: limits)
        case "multipart/form-data":
            let form = try MultipartForm.parse(request.body, contentType: contentType, limits: limits)
            var fields: [Field] = []
            for part in form.parts where part.filename == nil {
                guard let value = String(validating: part.body, as: UTF8.self) else {
                    throw FormError(.encoding, "a text part of the form is not valid UTF-8")
                }
                fields.append(Field(name: part.name, value: value))
            }
            return FormFields(fields)
        default:
            throw FormError(.unsupportedMediaType, "a form must be sent as urlencoded or multipart/form-data")
        }
    }
}
