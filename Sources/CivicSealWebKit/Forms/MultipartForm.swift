import Foundation

/// A parsed `multipart/form-data` body (RFC 7578), as a browser or `curl -F` sends a form with file inputs.
///
/// Parts keep their bytes exactly: a file may contain CR, LF, NUL and `--` runs; only the delimiter
/// `CRLF--boundary` ends it (RFC 2046 §5.1.1: "The boundary delimiter MUST occur at the beginning of a line").
/// Names and filenames are kept as sent (browsers percent-encode `"`, CR and LF in them; that is not undone).
package struct MultipartForm: Sendable {
    /// One part: a text field (no filename) or a file.
    package struct Part: Sendable, Equatable {
        /// The `name` parameter of the part's `Content-Disposition`.
        package let name: String
        /// The `filename` parameter, present for file inputs (empty when a browser sends an empty file input).
        package let filename: String?
        /// The part's `Content-Type` field value as sent, if any.
        package let contentType: String?
        /// The part's content, byte for byte.
        package let body: [UInt8]

        /// A part as it would arrive (for tests and for building forms to send).
        package init(name: String, filename: String? = nil, contentType: String? = nil, body: [UInt8]) {
            self.name = name
            self.filename = filename
            self.contentType = contentType
            self.body = body
        }
    }

    /// Every part, in order.
    package let parts: [Part]

    /// A form made of `parts`, in order.
    package init(parts: [Part]) { self.parts = parts }

    /// The first text part (one without a filename) named `name`, as UTF-8; nil if absent or not valid UTF-8.
    package func field(_ name: String) -> String? {
        guard let part = parts.first(where: { $0.name == name && $0.filename == nil }) else { return nil }
        return String(validating: part.body, as: UTF8.self)
    }

    /// The first file part named `name`; nil if absent, and nil for a file input left empty (browsers then send
    /// `filename=""` and no content).
    package func file(_ name: String) -> Part? { files(name).first }

    /// Every non-empty file part named `name`, in order (an `<input type="file" multiple>`).
    package func files(_ name: String) -> [Part] {
        parts.filter { part in
            guard part.name == name, let filename = part.filename else { return false }
            return !(filename.isEmpty && part.body.isEmpty)
        }
    }
}

// MARK: - Parsing

extension MultipartForm {
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let dash = UInt8(ascii: "-")

    /// Parses `body` sent with `contentType` (`multipart/form-data; boundary=…`).
    ///
    /// RFC 7578 on RFC 2046 §5.1.1 framing: the boundary parameter (token or quoted string) must be 1–70 `bchars`
    /// not ending in a space; the preamble before the first delimiter and the epilogue after the close delimiter
    /// are ignored; lines end in CRLF; each part needs `Content-Disposition: form-data; name="…"` (header names are
    /// case-insensitive, each field at most once, quoted strings may use backslash escapes) and may give a
    /// `filename` and a `Content-Type`. A body without the close delimiter `--boundary--` is malformed (it was cut
    /// short). `limits` caps the part count, part headers, name length, text part size and file size; the body as
    /// a whole is the caller's to cap (the HTTP server already does).
    package static func parse(_ body: [UInt8], contentType: String, limits: FormLimits = .init()) throws(FormError)
        -> MultipartForm
    {
        let boundary = try boundary(from: contentType)
        // "CRLF--boundary": every delimiter except one at the very start of the body begins with CRLF.
        let delimiter = [carriageReturn, lineFeed, dash, dash] + boundary

        var next: Next
        if body.starts(with: delimiter[2...]), let atStart = classify(body, after: delimiter.count - 2) {
            next = atStart
        } else if let found = findDelimiter(delimiter, in: body, from: 0) {
            next = found.next
        } else {
            throw FormError(.malformed, "the multipart body contains no boundary delimiter")
        }

        var parts: [Part] = []
        while case .part(let partStart) = next {
            guard let found = findDelimiter(delimiter, in: body, from: partStart) else {
                throw FormError(.malformed, "the multipart body ends without its close delimiter")
            }
            guard parts.count < limits.maximumParts else {
                throw FormError(.tooManyFields, "the form has more than \(limits.maximumParts) parts")
            }
            parts.append(try parsePart(body, partStart..<found.start, limits: limits))
            next = found.next
        }
        return MultipartForm(parts: parts)
    }

    /// The `boundary` parameter of a `multipart/form-data` media type, checked against RFC 2046 §5.1.1:
    /// `boundary := 0*69<bchars> bcharsnospace`.
    static func boundary(from contentType: String) throws(FormError) -> [UInt8] {
        guard let mediaType = HeaderParameters(contentType) else {
            throw FormError(.malformed, "the Content-Type field is malformed")
        }
        guard mediaType.leading == "multipart/form-data" else {
            throw FormError(.unsupportedMediaType, "the body is not multipart/form-data")
        }
        guard let boundary = mediaType.parameter("boundary") else {
            throw FormError(.malformed, "the Content-Type has no single boundary parameter")
        }
        let bytes = Array(boundary.utf8)
        guard (1...70).contains(bytes.count), bytes.allSatisfy(isBoundaryByte), bytes.last != 0x20 else {
            throw FormError(.malformed, "the boundary must be 1 to 70 of RFC 2046's bchars, not ending in a space")
        }
        return bytes
    }

    /// RFC 2046 `bchars`: DIGIT / ALPHA / `'()+_,-./:=?` / SP.
    private static func isBoundaryByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "+"), UInt8(ascii: "_"),
            UInt8(ascii: ","),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: "="),
            UInt8(ascii: "?"),
            UInt8(ascii: " "):
            true
        default: false
        }
    }

    // MARK: Delimiters

    /// What follows a boundary delimiter: another part, starting at the given index, or the end of the form.
    private enum Next {
        case part(Int)
        case close
    }

    /// What the bytes after a `--boundary` at `index` make of it: `--` closes the form; transport padding
    /// (spaces and tabs) then CRLF opens a part; anything else means this was not a delimiter after all.
    private static func classify(_ body: [UInt8], after index: Int) -> Next? {
        if index + 1 < body.count, body[index] == dash, body[index + 1] == dash { return .close }
        var cursor = index
        while cursor < body.count, HeaderParameters.isWhitespace(body[cursor]) { cursor += 1 }
        guard cursor + 1 < body.count, body[cursor] == carriageReturn, body[cursor + 1] == lineFeed else { return nil }
        return .part(cursor + 2)
    }

    /// The next real delimiter (`CRLF--boundary` followed by `--` or padding and CRLF) at or after `start`.
    private static func findDelimiter(_ delimiter: [UInt8], in body: [UInt8], from start: Int) -> (
        start: Int, next: Next
    )? {
        var position = start
        while let candidate = firstIndex(of: delimiter, in: body, from: position) {
            if let next = classify(body, after: candidate + delimiter.count) { return (candidate, next) }
            position = candidate + 1
        }
        return nil
    }

    /// The first index at or after `start` where `pattern` occurs in `body`: `memchr` for the pattern's first
    /// byte, `memcmp` for the rest, so a 10 MiB file costs a few fast scans and no allocation.
    static func firstIndex(of pattern: [UInt8], in body: [UInt8], from start: Int) -> Int? {
        guard !pattern.isEmpty, start >= 0, body.count - start >= pattern.count else { return nil }
        return body.withUnsafeBufferPointer { haystack -> Int? in
            pattern.withUnsafeBufferPointer { needle -> Int? in
                guard let base = haystack.baseAddress, let needleBase = needle.baseAddress else { return nil }
                let lastStart = haystack.count - needle.count
                let first = Int32(needle[0])
                var position = start
                while position <= lastStart {
                    guard let hit = memchr(base + position, first, lastStart - position + 1) else { return nil }
                    let index = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + index, needleBase, needle.count) == 0 { return index }
                    position = index + 1
                }
                return nil
            }
        }
    }

    // MARK: Parts

    /// One part: header lines up to an empty line, then the content up to (not including) the next delimiter.
    private static func parsePart(_ body: [UInt8], _ range: Range<Int>, limits: FormLimits) throws(FormError) -> Part {
        var index = range.lowerBound
        var headerCount = 0
        var disposition: HeaderParameters?
        var contentType: String?
        while true {
            var lineEnd = index
            while lineEnd < range.upperBound, body[lineEnd] != carriageReturn, body[lineEnd] != lineFeed {
                let byte = body[lineEnd]
                guard byte >= 0x20 || byte == 0x09, byte != 0x7F else {
                    throw FormError(.malformed, "a part header contains a control character")
                }
                lineEnd += 1
                guard lineEnd - index <= limits.maximumPartHeaderLineBytes else {
                    throw FormError(
                        .tooLarge, "a part header line is longer than \(limits.maximumPartHeaderLineBytes) bytes")
                }
            }
            guard lineEnd < range.upperBound else {
                throw FormError(.malformed, "a part's headers are not ended by an empty line")
            }
            guard body[lineEnd] == carriageReturn, lineEnd + 1 < range.upperBound, body[lineEnd + 1] == lineFeed else {
                throw FormError(.malformed, "a part header line does not end in CRLF")
            }
            let line = index..<lineEnd
            index = lineEnd + 2
            if line.isEmpty { break }

            headerCount += 1
            guard headerCount <= limits.maximumPartHeaders else {
                throw FormError(.tooLarge, "a part has more than \(limits.maximumPartHeaders) header lines")
            }
            guard let colon = body[line].firstIndex(of: UInt8(ascii: ":")), colon > line.lowerBound,
                body[line.lowerBound..<colon].allSatisfy(HeaderParameters.isTokenByte)
            else {
                throw FormError(.malformed, "a part header line is not 'name: value'")
            }
            guard let text = String(validating: body[colon + 1..<lineEnd], as: UTF8.self) else {
                throw FormError(.encoding, "a part header is not valid UTF-8")
            }
            let value = text.trimmingCharacters(in: [" ", "\t"])
            let name = String(decoding: body[line.lowerBound..<colon], as: UTF8.self).lowercased()
            switch name {
            case "content-disposition":
                guard disposition == nil else {
                    throw FormError(.malformed, "a part has two Content-Disposition fields")
                }
                guard let parsed = HeaderParameters(value), parsed.leading == "form-data" else {
                    throw FormError(.malformed, "a part's Content-Disposition is not a valid form-data disposition")
                }
                disposition = parsed
            case "content-type":
                guard contentType == nil else { throw FormError(.malformed, "a part has two Content-Type fields") }
                contentType = value
            default:
                continue  // RFC 7578 §4.8: other header fields are ignored (Content-Transfer-Encoding is deprecated).
            }
        }

        guard let disposition else { throw FormError(.malformed, "a part has no Content-Disposition field") }
        guard let name = disposition.parameter("name") else {
            throw FormError(.malformed, "a part's Content-Disposition has no single name parameter")
        }
        guard !disposition.isRepeated("filename") else {
            throw FormError(.malformed, "a part's Content-Disposition repeats the filename parameter")
        }
        guard name.utf8.count <= limits.maximumNameBytes else {
            throw FormError(.tooLarge, "a part name is longer than \(limits.maximumNameBytes) bytes")
        }
        let filename = disposition.parameter("filename")
        let size = range.upperBound - index
        if filename != nil {
            guard size <= limits.maximumFileBytes else {
                throw FormError(.tooLarge, "a file is larger than \(limits.maximumFileBytes) bytes")
            }
        } else {
            guard size <= limits.maximumValueBytes else {
                throw FormError(.tooLarge, "a text part is larger than \(limits.maximumValueBytes) bytes")
            }
        }
        return Part(
            name: name, filename: filename, contentType: contentType, body: Array(body[index..<range.upperBound]))
    }
}
