internal import CSQLite

/// Owns one prepared `sqlite3_stmt`, finalized in `deinit`.
///
/// A statement belongs to its ``Connection`` and shares its confinement: use it only where the
/// connection is used. Parameters are 1-based (SQLite's convention); columns are 0-based.
package final class Statement {
    let handle: OpaquePointer
    /// The SQL text, for error messages. Never the expanded SQL: that would include bound values.
    package let sql: String
    /// Result column names, read once at prepare time.
    package let columnNames: [String]

    /// Takes ownership of `handle`.
    init(taking handle: OpaquePointer, sql: String) {
        self.handle = handle
        self.sql = sql
        let count = Int(sqlite3_column_count(handle))
        self.columnNames = (0..<count).map { index in
            sqlite3_column_name(handle, Int32(index)).map { String(cString: $0) } ?? ""
        }
    }

    deinit { sqlite3_finalize(handle) }

    /// The number of `?` parameters.
    package var parameterCount: Int { Int(sqlite3_bind_parameter_count(handle)) }

    /// The number of result columns.
    package var columnCount: Int { columnNames.count }

    /// True if the statement never writes the database (`SELECT`, most `PRAGMA` reads).
    package var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }

    private func check(_ resultCode: Int32) throws(DatabaseError) {
        guard resultCode == SQLITE_OK else {
            throw DatabaseError(resultCode: resultCode, handle: sqlite3_db_handle(handle), sql: sql)
        }
    }

    // MARK: Binding

    /// Binds NULL at a 1-based parameter index.
    package func bindNull(at index: Int) throws(DatabaseError) {
        try check(sqlite3_bind_null(handle, Int32(index)))
    }

    package func bind(_ value: Int64, at index: Int) throws(DatabaseError) {
        try check(sqlite3_bind_int64(handle, Int32(index), value))
    }

    package func bind(_ value: Double, at index: Int) throws(DatabaseError) {
        try check(sqlite3_bind_double(handle, Int32(index), value))
    }

    /// Binds UTF-8 text with its explicit byte length (SQLite copies it), so an embedded NUL survives.
    package func bind(_ value: String, at index: Int) throws(DatabaseError) {
        var text = value
        let resultCode = text.withUTF8 { buffer -> Int32 in
            // A nil pointer would bind NULL; the empty string must stay an empty TEXT.
            guard let base = buffer.baseAddress, buffer.count > 0 else {
                return sqlite3_bind_text64(handle, Int32(index), "", 0, cs_sqlite3_transient(), UInt8(SQLITE_UTF8))
            }
            return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
                sqlite3_bind_text64(
                    handle, Int32(index), chars, UInt64(buffer.count), cs_sqlite3_transient(), UInt8(SQLITE_UTF8))
            }
        }
        try check(resultCode)
    }

    /// Binds a blob (SQLite copies it). An empty array binds a zero-length blob, not NULL.
    package func bind(_ value: [UInt8], at index: Int) throws(DatabaseError) {
        let resultCode = value.withUnsafeBytes { buffer -> Int32 in
            // sqlite3_bind_blob64 with a nil pointer binds NULL; an empty blob needs zeroblob(0).
            guard let base = buffer.baseAddress, buffer.count > 0 else {
                return sqlite3_bind_zeroblob(handle, Int32(index), 0)
            }
            return sqlite3_bind_blob64(handle, Int32(index), base, UInt64(buffer.count), cs_sqlite3_transient())
        }
        try check(resultCode)
    }

    /// Binds any ``DatabaseValue`` at a 1-based parameter index.
    package func bind(_ value: DatabaseValue, at index: Int) throws(DatabaseError) {
        switch value {
        case .null: try bindNull(at: index)
        case .integer(let integer): try bind(integer, at: index)
        case .real(let real): try bind(real, at: index)
        case .text(let text): try bind(text, at: index)
        case .blob(let bytes): try bind(bytes, at: index)
        }
    }

    /// Clears previous bindings and binds `values` to parameters 1…n; the count must match exactly.
    package func bind(_ values: [DatabaseValue]) throws(DatabaseError) {
        guard values.count == parameterCount else {
            throw DatabaseError(
                .invalidUse, "statement has \(parameterCount) parameters but \(values.count) values were given",
                sql: sql)
        }
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            try bind(value, at: offset + 1)
        }
    }

    /// Sets every parameter back to NULL.
    package func clearBindings() { sqlite3_clear_bindings(handle) }

    // MARK: Stepping

    /// Advances to the next row: true when a row is available, false when the statement is done.
    @discardableResult
    package func step() throws(DatabaseError) -> Bool {
        let resultCode = sqlite3_step(handle)
        switch resultCode {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = DatabaseError(resultCode: resultCode, handle: sqlite3_db_handle(handle), sql: sql)
            // Reset so the statement does not keep a transaction or snapshot open after the failure.
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Rewinds the statement so it can run again and releases any read snapshot it holds.
    /// Bindings are kept.
    package func reset() { sqlite3_reset(handle) }

    // MARK: Columns (valid after `step()` returned true)

    /// True if the column is NULL in the current row.
    package func isNull(at column: Int) -> Bool { sqlite3_column_type(handle, Int32(column)) == SQLITE_NULL }

    /// True when the value is stored as TEXT. Ask before reading it: a read as another type converts it.
    package func isText(at column: Int) -> Bool { sqlite3_column_type(handle, Int32(column)) == SQLITE_TEXT }

    package func int64(at column: Int) -> Int64 { sqlite3_column_int64(handle, Int32(column)) }

    package func double(at column: Int) -> Double { sqlite3_column_double(handle, Int32(column)) }

    /// The column as text, read by byte length so an embedded NUL survives; nil for NULL.
    package func string(at column: Int) -> String? {
        let index = Int32(column)
        guard sqlite3_column_type(handle, index) != SQLITE_NULL else { return nil }
        // Ask for the text first, then its length: sqlite3_column_bytes then measures the UTF-8 form.
        guard let text = sqlite3_column_text(handle, index) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// The column as bytes; nil for NULL, empty for a zero-length blob.
    package func bytes(at column: Int) -> [UInt8]? {
        let index = Int32(column)
        guard sqlite3_column_type(handle, index) != SQLITE_NULL else { return nil }
        guard let blob = sqlite3_column_blob(handle, index) else { return [] }
        let count = Int(sqlite3_column_bytes(handle, index))
        return Array(UnsafeRawBufferPointer(start: blob, count: count))
    }

    /// The column with its storage class.
    package func value(at column: Int) -> DatabaseValue {
        let index = Int32(column)
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: return .integer(int64(at: column))
        case SQLITE_FLOAT: return .real(double(at: column))
        case SQLITE_TEXT: return .text(string(at: column) ?? "")
        case SQLITE_BLOB: return .blob(bytes(at: column) ?? [])
        default: return .null
        }
    }

    /// The current row copied out as a ``Row``.
    package func row() -> Row {
        Row(columnNames: columnNames, values: (0..<columnCount).map { value(at: $0) })
    }
}

/// A statement is confined to its connection's queue.
@available(*, unavailable)
extension Statement: Sendable {}
