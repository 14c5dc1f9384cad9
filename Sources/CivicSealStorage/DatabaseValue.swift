/// One SQLite value, as bound to a statement parameter or read from a column.
///
/// The five cases are SQLite's storage classes. Literals make argument lists short:
/// `try connection.execute("INSERT INTO t VALUES (?, ?, ?)", [42, "Nguyễn", nil])`.
package enum DatabaseValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    /// UTF-8 text, bound and read by byte length, so an embedded NUL survives.
    case text(String)
    /// Bytes; an empty array is a zero-length blob, never NULL.
    case blob([UInt8])

    package var isNull: Bool { if case .null = self { true } else { false } }

    /// The integer, or nil for any other storage class.
    package var int64: Int64? { if case .integer(let value) = self { value } else { nil } }

    /// The real, or the integer widened to a double; nil otherwise.
    package var double: Double? {
        switch self {
        case .real(let value): value
        case .integer(let value): Double(value)
        default: nil
        }
    }

    /// The text, or nil for any other storage class.
    package var string: String? { if case .text(let value) = self { value } else { nil } }

    /// The blob bytes, or nil for any other storage class.
    package var bytes: [UInt8]? { if case .blob(let value) = self { value } else { nil } }
}

extension DatabaseValue {
    package init(_ value: Int64) { self = .integer(value) }
    package init(_ value: Int) { self = .integer(Int64(value)) }
    package init(_ value: Double) { self = .real(value) }
    package init(_ value: String) { self = .text(value) }
    package init(_ value: [UInt8]) { self = .blob(value) }
    package init(_ value: Bool) { self = .integer(value ? 1 : 0) }
    /// `.null` for nil, otherwise the wrapped value.
    package init(_ value: DatabaseValue?) { self = value ?? .null }
}

extension DatabaseValue: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral
{
    package init(integerLiteral value: Int64) { self = .integer(value) }
    package init(floatLiteral value: Double) { self = .real(value) }
    package init(stringLiteral value: String) { self = .text(value) }
    package init(booleanLiteral value: Bool) { self = .integer(value ? 1 : 0) }
    package init(nilLiteral: ()) { self = .null }
}

extension DatabaseValue: CustomStringConvertible {
    /// A short description that names the storage class and size but never shows text or blob
    /// contents, so a value that slips into a log line leaks nothing.
    package var description: String {
        switch self {
        case .null: "NULL"
        case .integer: "INTEGER"
        case .real: "REAL"
        case .text(let value): "TEXT(\(value.utf8.count) bytes)"
        case .blob(let value): "BLOB(\(value.count) bytes)"
        }
    }
}

/// One result row copied out of a statement: column names and values.
///
/// Rows are plain values (`Sendable`), so they can leave the connection's queue.
package struct Row: Sendable, Hashable {
    /// The result column names, in order.
    package let columnNames: [String]
    /// The values, in column order.
    package let values: [DatabaseValue]

    package init(columnNames: [String], values: [DatabaseValue]) {
        precondition(columnNames.count == values.count, "one name per value")
        self.columnNames = columnNames
        self.values = values
    }

    package var count: Int { values.count }

    /// The value at a 0-based column index.
    package subscript(index: Int) -> DatabaseValue { values[index] }

    /// The value of the first column named `name` (case-insensitive like SQLite), or nil if there is none.
    package subscript(name: String) -> DatabaseValue? {
        let lowered = name.lowercased()
        guard let index = columnNames.firstIndex(where: { $0.lowercased() == lowered }) else { return nil }
        return values[index]
    }
}
