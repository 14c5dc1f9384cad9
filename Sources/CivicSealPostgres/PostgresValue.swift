import Foundation

/// One bound parameter or one column value. Parameters of these types travel in binary format (text and NULL with
/// no declared type, so that the server infers it from the statement); result columns of these types are read
/// in binary, any other type as its text form (`.text`).
package enum PostgresValue: Sendable, Hashable {
    case null
    case text(String)
    case int16(Int16)
    case int32(Int32)
    case int64(Int64)
    case bool(Bool)
    case float8(Double)
    case bytea([UInt8])
    case timestamptz(PostgresTimestamp)
    case json(String)
    case jsonb(String)

    /// The type OIDs of `pg_type` the client knows.
    package enum TypeOID {
        package static let bool: UInt32 = 16
        package static let bytea: UInt32 = 17
        package static let name: UInt32 = 19
        package static let int8: UInt32 = 20
        package static let int2: UInt32 = 21
        package static let int4: UInt32 = 23
        package static let text: UInt32 = 25
        package static let oid: UInt32 = 26
        package static let json: UInt32 = 114
        package static let float4: UInt32 = 700
        package static let float8: UInt32 = 701
        package static let bpchar: UInt32 = 1042
        package static let varchar: UInt32 = 1043
        package static let timestamp: UInt32 = 1114
        package static let timestamptz: UInt32 = 1184
        package static let jsonb: UInt32 = 3802
    }

    /// Result types read in binary format; every other type is asked for as text.
    static let binaryResultTypes: Set<UInt32> = [
        TypeOID.bool, TypeOID.bytea, TypeOID.int8, TypeOID.int2, TypeOID.int4, TypeOID.oid, TypeOID.float4,
        TypeOID.float8, TypeOID.timestamp, TypeOID.timestamptz, TypeOID.jsonb,
    ]

    /// A parameter as it goes into Bind: its declared type (0: inferred by the server), format and bytes.
    struct Encoded {
        let typeOID: UInt32
        let format: Int16
        let bytes: [UInt8]?
    }

    var encoded: Encoded {
        switch self {
        case .null: Encoded(typeOID: 0, format: 0, bytes: nil)
        case .text(let text): Encoded(typeOID: 0, format: 0, bytes: Array(text.utf8))
        case .int16(let value): Encoded(typeOID: TypeOID.int2, format: 1, bytes: Self.bigEndian(value))
        case .int32(let value): Encoded(typeOID: TypeOID.int4, format: 1, bytes: Self.bigEndian(value))
        case .int64(let value): Encoded(typeOID: TypeOID.int8, format: 1, bytes: Self.bigEndian(value))
        case .bool(let value): Encoded(typeOID: TypeOID.bool, format: 1, bytes: [value ? 1 : 0])
        case .float8(let value): Encoded(typeOID: TypeOID.float8, format: 1, bytes: Self.bigEndian(value.bitPattern))
        case .bytea(let bytes): Encoded(typeOID: TypeOID.bytea, format: 1, bytes: bytes)
        case .timestamptz(let time):
            Encoded(typeOID: TypeOID.timestamptz, format: 1, bytes: Self.bigEndian(time.microsecondsSince2000))
        case .json(let text): Encoded(typeOID: TypeOID.json, format: 0, bytes: Array(text.utf8))
        // jsonb binary format: version 1, then the text.
        case .jsonb(let text): Encoded(typeOID: TypeOID.jsonb, format: 1, bytes: [1] + Array(text.utf8))
        }
    }

    private static func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    /// Decodes a column value of type `typeOID` sent in binary (`binary`) or text format.
    static func decode(_ bytes: [UInt8]?, typeOID: UInt32, binary: Bool) throws(PostgresError) -> PostgresValue {
        guard let bytes else { return .null }
        guard binary else {
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw PostgresError(.protocol, "a text column value is not UTF-8")
            }
            return typeOID == TypeOID.json ? .json(text) : .text(text)
        }
        func integer<T: FixedWidthInteger>(_: T.Type) throws(PostgresError) -> T {
            guard bytes.count == MemoryLayout<T>.size else {
                throw PostgresError(.protocol, "a binary value of type \(typeOID) has \(bytes.count) bytes")
            }
            return bytes.reduce(T.zero) { $0 << 8 | T(truncatingIfNeeded: $1) }
        }
        switch typeOID {
        case TypeOID.bool:
            guard bytes.count == 1 else { throw PostgresError(.protocol, "a binary bool has \(bytes.count) bytes") }
            return .bool(bytes[0] != 0)
        case TypeOID.bytea: return .bytea(bytes)
        case TypeOID.int2: return .int16(try integer(Int16.self))
        case TypeOID.int4: return .int32(try integer(Int32.self))
        case TypeOID.oid: return .int64(Int64(try integer(UInt32.self)))
        case TypeOID.int8: return .int64(try integer(Int64.self))
        case TypeOID.float4: return .float8(Double(Float(bitPattern: try integer(UInt32.self))))
        case TypeOID.float8: return .float8(Double(bitPattern: try integer(UInt64.self)))
        case TypeOID.timestamp, TypeOID.timestamptz:
            return .timestamptz(PostgresTimestamp(microsecondsSince2000: try integer(Int64.self)))
        case TypeOID.jsonb:
            guard bytes.first == 1, let text = String(validating: bytes.dropFirst(), as: UTF8.self) else {
                throw PostgresError(.protocol, "a binary jsonb value is not version 1 UTF-8")
            }
            return .jsonb(text)
        default:
            throw PostgresError(.protocol, "a binary value of type \(typeOID), which was not asked for")
        }
    }
}

extension PostgresValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByNilLiteral
{
    package init(stringLiteral value: String) { self = .text(value) }
    package init(integerLiteral value: Int64) { self = .int64(value) }
    package init(booleanLiteral value: Bool) { self = .bool(value) }
    package init(floatLiteral value: Double) { self = .float8(value) }
    package init(nilLiteral: ()) { self = .null }
}

/// A `timestamptz`: microseconds since 2000-01-01 00:00:00 UTC, the server's own resolution, so that values
/// round-trip exactly (a `Date` is a binary floating-point count of seconds).
package struct PostgresTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    package var microsecondsSince2000: Int64
    /// 2000-01-01 00:00:00 UTC in seconds since 1970.
    package static let epoch2000: Int64 = 946_684_800

    package init(microsecondsSince2000: Int64) { self.microsecondsSince2000 = microsecondsSince2000 }

    /// The instant `date`, rounded to the nearest microsecond.
    package init(_ date: Date) {
        let microseconds = ((date.timeIntervalSince1970 - Double(Self.epoch2000)) * 1_000_000).rounded()
        microsecondsSince2000 = Int64(exactly: microseconds) ?? (microseconds < 0 ? .min : .max)
    }

    package var date: Date {
        Date(timeIntervalSince1970: Double(Self.epoch2000) + Double(microsecondsSince2000) / 1_000_000)
    }

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.microsecondsSince2000 < rhs.microsecondsSince2000 }
    /// "2026-12-05 04:20:01.123456 UTC" (microseconds exact, unlike the `Date`).
    package var description: String {
        let (seconds, micros) = microsecondsSince2000.quotientAndRemainder(dividingBy: 1_000_000)
        let whole = micros < 0 ? seconds - 1 : seconds
        let fraction = micros < 0 ? micros + 1_000_000 : micros
        let date = Date(timeIntervalSince1970: Double(Self.epoch2000 + whole))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d.%06d UTC", parts.year!, parts.month!, parts.day!, parts.hour!,
            parts.minute!, parts.second!, Int(fraction))
    }
}

/// One column of a result, from RowDescription.
package struct PostgresColumn: Sendable, Equatable {
    package let name: String
    package let tableOID: UInt32
    package let attributeNumber: Int16
    package let typeOID: UInt32
    package let typeModifier: Int32
    package let isBinary: Bool
}
