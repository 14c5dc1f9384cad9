import Foundation

/// The outcome of one statement: its columns, its rows, and the command tag ("INSERT 0 1", "SELECT 3").
package struct PostgresRows: Sendable {
    package let columns: [PostgresColumn]
    package let rows: [PostgresRow]
    package let commandTag: String

    /// The count at the end of the command tag (rows inserted, updated, deleted, selected), when it has one.
    package var affectedRows: Int? {
        guard let last = commandTag.split(separator: " ").last else { return nil }
        return Int(last)
    }

    package var first: PostgresRow? { rows.first }
}

/// One row: values by column index or name, decoded to Swift types with typed errors.
package struct PostgresRow: Sendable {
    package let columns: [PostgresColumn]
    package let values: [PostgresValue]

    package subscript(_ index: Int) -> PostgresValue { values[index] }

    /// The value of the first column named `name`, or nil when there is none.
    package subscript(_ name: String) -> PostgresValue? {
        columns.firstIndex { $0.name == name }.map { values[$0] }
    }

    /// Column `name` decoded as `T`; a missing column or a mismatched type is an `unsupported` error that names the
    /// column and the types, never the value.
    package func decode<T: PostgresDecodable>(_ type: T.Type = T.self, _ name: String) throws(PostgresError) -> T {
        guard let value = self[name] else { throw PostgresError(.unsupported, "the result has no column \(name)") }
        return try T(postgres: value, column: name)
    }

    package func decode<T: PostgresDecodable>(_ type: T.Type = T.self, at index: Int) throws(PostgresError) -> T {
        guard values.indices.contains(index) else {
            throw PostgresError(.unsupported, "the result has no column \(index)")
        }
        return try T(postgres: values[index], column: columns[index].name)
    }
}

/// A Swift type a column value decodes to.
package protocol PostgresDecodable {
    init(postgres value: PostgresValue, column: String) throws(PostgresError)
}

extension PostgresDecodable {
    static func mismatch(_ value: PostgresValue, _ column: String) -> PostgresError {
        let kind = "\(value)".prefix { $0 != "(" }
        return PostgresError(.unsupported, "column \(column) holds \(kind), not \(Self.self)")
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    package init(postgres value: PostgresValue, column: String) throws(PostgresError) {
        if case .null = value { self = .none } else { self = try Wrapped(postgres: value, column: column) }
    }
}

extension String: PostgresDecodable {
    package init(postgres value: PostgresValue, column: String) throws(PostgresError) {
        switch value {
        case .text(let text), .json(let text), .jsonb(let text): self = text
        default: throw Self.mismatch(value, column)
        }
    }
}

extension Int64: PostgresDecodable {
    package init(postgres value: PostgresValue, column: String) throws(PostgresError) {
        switch value {
        case .int16(let number): self = Int64(number)
        case .int32(let number): self = Int64(number)
        case .int64(let number): self = number
        default: throw Self.mismatch(value, column)
        }
    }
}

extension Int: PostgresDecodable {
    package init(postgres value: PostgresValue, column: String) throws(PostgresError) {
        self = Int(try Int64(postgres: value, column: column))
    }
}

extension Int32: PostgresDecodable {
    package init(postgres value: PostgresValue, column: String) throws(PostgresError) {
        guard let number = Int32(exactly: try Int64(postgres: value, column: column)) else {
            throw Self.mismatch(value, column)
        }
        self = number
    }
}

extension Int16: PostgresDecodable {
    package init(postgres value: PostgresValue, column: String) throws(PostgresError) {
        guard let number = Int16(exactly: try Int64(postgres: value, column: column)) else {
            throw Self.mismatch(value, column)
        }
        self = number
    }
}

extension Bool: PostgresDecodable {
    package init(postgres value: PostgresValue, column: String) throws(PostgresError) {
        guard case .bool(let flag) = value else { throw Self.mismatch(value, column) }
        self = flag
    }
}

extension Double: PostgresDecodable {
    package init(postgres value: PostgresValue, column: String) throws(PostgresError) {
        guard case .float8(let number) = value else { throw Self.mismatch(value, column) }
        self = number
    }
}

extension [UInt8]: PostgresDecodable {
    package init(postgres value: PostgresValue, column: String) throws(PostgresError) {
        guard case .bytea(let bytes) = value else { throw Self.mismatch(value, column) }
        self = bytes
    }
}

extension PostgresTimestamp: PostgresDecodable {
    package init(postgres value: PostgresValue, column: String) throws(PostgresError) {
        guard case .timestamptz(let time) = value else { throw Self.mismatch(value, column) }
        self = time
    }
}

extension Date: PostgresDecodable {
    package init(postgres value: PostgresValue, column: String) throws(PostgresError) {
        self = try PostgresTimestamp(postgres: value, column: column).date
    }
}
