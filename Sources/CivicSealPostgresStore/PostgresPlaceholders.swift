import Synchronization

/// Rewrites SQLite's `?` and `?NNN` parameters to PostgreSQL's `$N`, outside string literals, quoted identifiers,
/// dollar-quoted bodies and comments, so the records layer writes one SQL text for both backends. A bare `?` takes
/// the number after the largest used so far (SQLite's rule). PostgreSQL's own `?`-named operators (jsonb `?`,
/// `?|`, `?&`) are not used by CivicSeal and would be rewritten: write `jsonb_exists` instead.
enum PostgresPlaceholders {
    private static let cache = Mutex<[String: String]>([:])
    private static let cacheLimit = 4096

    /// `sql` with numbered parameters, cached by text (the texts are our own constants).
    static func rewrite(_ sql: String) -> String {
        if let cached = cache.withLock({ $0[sql] }) { return cached }
        let rewritten = translate(sql)
        cache.withLock { cache in
            if cache.count >= cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[sql] = rewritten
        }
        return rewritten
    }

    static func translate(_ sql: String) -> String {
        let bytes = Array(sql.utf8)
        guard bytes.contains(UInt8(ascii: "?")) else { return sql }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 16)
        var highest = 0
        var index = 0
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        /// Copies up to and including the next `terminator` (doubled terminators stay inside).
        func copyQuoted(_ terminator: UInt8) {
            output.append(bytes[index])
            index += 1
            while index < bytes.count {
                output.append(bytes[index])
                if bytes[index] == terminator {
                    if index + 1 < bytes.count, bytes[index + 1] == terminator {
                        output.append(bytes[index + 1])
                        index += 2
                        continue
                    }
                    index += 1
                    return
                }
                index += 1
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "'"): copyQuoted(UInt8(ascii: "'"))
            case UInt8(ascii: "\""): copyQuoted(UInt8(ascii: "\""))
            case UInt8(ascii: "-") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "-"):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") {
                    output.append(bytes[index])
                    index += 1
                }
            case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
                output.append(contentsOf: [bytes[index], bytes[index + 1]])
                index += 2
                while index < bytes.count {
                    if bytes[index] == UInt8(ascii: "*"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "/")
                    {
                        output.append(contentsOf: [bytes[index], bytes[index + 1]])
                        index += 2
                        break
                    }
                    output.append(bytes[index])
                    index += 1
                }
            case UInt8(ascii: "$") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "$"):
                // A $$ … $$ body (functions in schema scripts): copied as is.
                output.append(contentsOf: [byte, byte])
                index += 2
                while index < bytes.count {
                    if bytes[index] == UInt8(ascii: "$"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "$")
                    {
                        output.append(contentsOf: [byte, byte])
                        index += 2
                        break
                    }
                    output.append(bytes[index])
                    index += 1
                }
            case UInt8(ascii: "?"):
                index += 1
                var number = 0
                var digits = 0
                while index < bytes.count, isDigit(bytes[index]), digits < 6 {
                    number = number * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                    index += 1
                    digits += 1
                }
                if digits == 0 { number = highest + 1 }
                highest = max(highest, number)
                output.append(UInt8(ascii: "$"))
                output.append(contentsOf: Array(String(number).utf8))
            default:
                output.append(byte)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
