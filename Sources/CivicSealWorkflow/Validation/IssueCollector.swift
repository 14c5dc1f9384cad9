/// Accumulates issues while a validator walks an input; internal plumbing.
struct IssueCollector {
    var issues: [ValidationIssue] = []

    mutating func add(_ field: String, _ code: ValidationCode, _ message: String) {
        issues.append(ValidationIssue(field: field, code: code, message: message))
    }

    mutating func append(_ issue: ValidationIssue) { issues.append(issue) }
    mutating func append(contentsOf other: [ValidationIssue]) { issues.append(contentsOf: other) }

    func isEmpty(under field: String) -> Bool { !issues.contains { $0.field == field } }

    var failure: ValidationFailure { ValidationFailure(issues: issues) }

    /// Free text: refuses control characters, trims, normalises to NFC, bounds the length.
    /// Returns the clean text, or `nil` when absent or refused.
    mutating func text(_ raw: String?, at field: String, limit: Int, required: Bool = true) -> String? {
        clean(raw, at: field, limit: limit, required: required, isName: false)
    }

    /// A person's name: as ``text(_:at:limit:required:)`` with runs of spaces collapsed and `fullName.*` codes.
    mutating func name(_ raw: String?, at field: String, limit: Int, required: Bool = true) -> String? {
        clean(raw, at: field, limit: limit, required: required, isName: true)
    }

    private mutating func clean(_ raw: String?, at field: String, limit: Int, required: Bool, isName: Bool) -> String? {
        guard let raw else {
            if required { add(field, .fieldRequired, "required") }
            return nil
        }
        // The limit counts characters after NFC and trimming; what was sent is also bounded, at
        // ``TextNormalization/codePointsPerCharacter`` code points per character, which is what the OpenAPI
        // document's `maxLength` states (JSON Schema counts code points).
        if raw.utf8.count > limit * TextNormalization.codePointsPerCharacter,
            raw.unicodeScalars.count > limit * TextNormalization.codePointsPerCharacter
        {
            add(
                field, isName ? .fullNameTooLong : .textTooLong,
                "at most \(limit) characters (\(limit * TextNormalization.codePointsPerCharacter) code points as sent)")
            return nil
        }
        if TextNormalization.containsControlCharacters(raw) {
            add(
                field, isName ? .fullNameControlCharacters : .textControlCharacters,
                "control characters (U+0000–U+001F, U+007F–U+009F) are not allowed")
            return nil
        }
        if TextNormalization.containsBidiControls(raw) {
            add(field, .textBidiControl, "bidirectional controls (U+202A–U+202E, U+2066–U+2069) are not allowed")
            return nil
        }
        let text = TextNormalization.normalise(raw, collapsingSpaces: isName)
        if text.isEmpty {
            if required { add(field, .fieldRequired, "required") }
            return nil
        }
        // Characters never outnumber UTF-8 bytes, so the grapheme count (slow) is needed only past the byte count.
        if text.utf8.count > limit, text.count > limit {
            add(field, isName ? .fullNameTooLong : .textTooLong, "at most \(limit) characters, got \(text.count)")
            return nil
        }
        return text
    }

    /// The day of an event that has happened: refused when after `today` (when `today` is known).
    mutating func past(_ date: CalendarDate, at field: String, today: CalendarDate?) {
        if let today, date > today { add(field, .dateInFuture, "the date is after today (\(today))") }
    }

    /// A strict `YYYY-MM-DD` date.
    mutating func date(_ raw: String?, at field: String, required: Bool = true) -> CalendarDate? {
        guard let raw else {
            if required { add(field, .fieldRequired, "required") }
            return nil
        }
        guard let date = CalendarDate(raw) else {
            add(field, .dateInvalid, "must be a real date as YYYY-MM-DD")
            return nil
        }
        return date
    }
}
