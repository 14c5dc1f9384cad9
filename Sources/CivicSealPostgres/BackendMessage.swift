/// A message from the server, decoded strictly: every length and count is checked against what is left, and
/// anything malformed is a protocol error (the connection is then dropped), never a crash.
enum BackendMessage: Equatable {
    case authentication(Authentication)
    case parameterStatus(name: String, value: String)
    case backendKeyData(processID: Int32, secretKey: Int32)
    case readyForQuery(transactionStatus: UInt8)
    case rowDescription([PostgresColumn])
    case dataRow([[UInt8]?])
    case commandComplete(String)
    case emptyQueryResponse
    case error(PostgresError.ServerFields)
    case notice(PostgresError.ServerFields)
    case parseComplete
    case bindComplete
    case closeComplete
    case noData
    case portalSuspended
    case parameterDescription([UInt32])
    case notification(processID: Int32, channel: String, payload: String)
    /// CopyInResponse, CopyOutResponse, CopyBothResponse: COPY is not supported.
    case copyResponse(UInt8)
    case copyData
    case copyDone
    case negotiateProtocolVersion

    enum Authentication: Equatable {
        case ok
        case cleartextPassword
        case md5Password(salt: [UInt8])
        case sasl(mechanisms: [String])
        case saslContinue([UInt8])
        case saslFinal([UInt8])
        case other(Int32)
    }

    /// Decodes the body of a message of type `type` (the length prefix already removed).
    static func decode(type: UInt8, body: [UInt8]) throws(PostgresError) -> BackendMessage {
        var reader = MessageReader(body, type: type)
        let message: BackendMessage
        switch type {
        case UInt8(ascii: "R"): message = .authentication(try authentication(&reader))
        case UInt8(ascii: "S"): message = .parameterStatus(name: try reader.cString(), value: try reader.cString())
        case UInt8(ascii: "K"): message = .backendKeyData(processID: try reader.int32(), secretKey: try reader.int32())
        case UInt8(ascii: "Z"):
            let status = try reader.byte()
            guard [UInt8(ascii: "I"), UInt8(ascii: "T"), UInt8(ascii: "E")].contains(status) else {
                throw reader.malformed("an unknown transaction status")
            }
            message = .readyForQuery(transactionStatus: status)
        case UInt8(ascii: "T"): message = .rowDescription(try columns(&reader))
        case UInt8(ascii: "D"):
            let count = try reader.count16()
            var values: [[UInt8]?] = []
            values.reserveCapacity(count)
            for _ in 0..<count {
                let length = try reader.int32()
                if length == -1 {
                    values.append(nil)
                } else {
                    guard length >= 0 else { throw reader.malformed("a negative column length") }
                    values.append(try reader.bytes(Int(length)))
                }
            }
            message = .dataRow(values)
        case UInt8(ascii: "C"): message = .commandComplete(try reader.cString())
        case UInt8(ascii: "I"): message = .emptyQueryResponse
        case UInt8(ascii: "E"): message = .error(try fields(&reader))
        case UInt8(ascii: "N"): message = .notice(try fields(&reader))
        case UInt8(ascii: "1"): message = .parseComplete
        case UInt8(ascii: "2"): message = .bindComplete
        case UInt8(ascii: "3"): message = .closeComplete
        case UInt8(ascii: "n"): message = .noData
        case UInt8(ascii: "s"): message = .portalSuspended
        case UInt8(ascii: "t"):
            let count = try reader.count16()
            var types: [UInt32] = []
            for _ in 0..<count { types.append(UInt32(bitPattern: try reader.int32())) }
            message = .parameterDescription(types)
        case UInt8(ascii: "A"):
            message = .notification(
                processID: try reader.int32(), channel: try reader.cString(), payload: try reader.cString())
        case UInt8(ascii: "G"), UInt8(ascii: "H"), UInt8(ascii: "W"):
            reader.skipRest()
            message = .copyResponse(type)
        case UInt8(ascii: "d"):
            reader.skipRest()
            message = .copyData
        case UInt8(ascii: "c"): message = .copyDone
        case UInt8(ascii: "v"):
            reader.skipRest()
            message = .negotiateProtocolVersion
        default:
            throw PostgresError(.protocol, "the server sent an unknown message type \(type)")
        }
        try reader.expectEnd()
        return message
    }

    private static func authentication(_ reader: inout MessageReader) throws(PostgresError) -> Authentication {
        let code = try reader.int32()
        switch code {
        case 0: return .ok
        case 3: return .cleartextPassword
        case 5: return .md5Password(salt: try reader.bytes(4))
        case 10:
            var mechanisms: [String] = []
            while true {
                let name = try reader.cString()
                if name.isEmpty { break }
                guard mechanisms.count < 16 else { throw reader.malformed("too many SASL mechanisms") }
                mechanisms.append(name)
            }
            return .sasl(mechanisms: mechanisms)
        case 11: return .saslContinue(reader.rest())
        case 12: return .saslFinal(reader.rest())
        default:
            reader.skipRest()
            return .other(code)
        }
    }

    private static func columns(_ reader: inout MessageReader) throws(PostgresError) -> [PostgresColumn] {
        let count = try reader.count16()
        var columns: [PostgresColumn] = []
        columns.reserveCapacity(count)
        for _ in 0..<count {
            let name = try reader.cString()
            let table = UInt32(bitPattern: try reader.int32())
            let attribute = try reader.int16()
            let type = UInt32(bitPattern: try reader.int32())
            _ = try reader.int16()  // typlen
            let modifier = try reader.int32()
            let format = try reader.int16()
            guard format == 0 || format == 1 else { throw reader.malformed("an unknown column format") }
            columns.append(
                PostgresColumn(
                    name: name, tableOID: table, attributeNumber: attribute, typeOID: type, typeModifier: modifier,
                    isBinary: format == 1))
        }
        return columns
    }

    private static func fields(_ reader: inout MessageReader) throws(PostgresError) -> PostgresError.ServerFields {
        var fields: [UInt8: String] = [:]
        while true {
            let code = try reader.byte()
            if code == 0 { break }
            fields[code] = try reader.cString()
        }
        return PostgresError.ServerFields(fields)
    }
}

/// Reads big-endian integers and C strings from one message body, never past its end.
struct MessageReader {
    private let bytes: [UInt8]
    private var offset = 0
    private let type: UInt8

    init(_ bytes: [UInt8], type: UInt8) {
        self.bytes = bytes
        self.type = type
    }

    func malformed(_ what: String) -> PostgresError {
        PostgresError(.protocol, "message '\(Character(Unicode.Scalar(type)))' from the server has \(what)")
    }

    mutating func byte() throws(PostgresError) -> UInt8 {
        guard offset < bytes.count else { throw malformed("too few bytes") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func int16() throws(PostgresError) -> Int16 {
        guard bytes.count - offset >= 2 else { throw malformed("too few bytes") }
        defer { offset += 2 }
        return Int16(bitPattern: UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1]))
    }

    /// A non-negative 16-bit count.
    mutating func count16() throws(PostgresError) -> Int {
        let count = try int16()
        guard count >= 0 else { throw malformed("a negative count") }
        return Int(count)
    }

    mutating func int32() throws(PostgresError) -> Int32 {
        guard bytes.count - offset >= 4 else { throw malformed("too few bytes") }
        defer { offset += 4 }
        var value: UInt32 = 0
        for index in 0..<4 { value = value << 8 | UInt32(bytes[offset + index]) }
        return Int32(bitPattern: value)
    }

    mutating func bytes(_ count: Int) throws(PostgresError) -> [UInt8] {
        guard count >= 0, bytes.count - offset >= count else { throw malformed("a length past its end") }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// A NUL-terminated string, which must be UTF-8 (the connection asks for client_encoding UTF8).
    mutating func cString() throws(PostgresError) -> String {
        guard let end = bytes[offset...].firstIndex(of: 0) else { throw malformed("an unterminated string") }
        defer { offset = end + 1 }
        guard let text = String(validating: bytes[offset..<end], as: UTF8.self) else {
            throw malformed("a string that is not UTF-8")
        }
        return text
    }

    mutating func rest() -> [UInt8] {
        defer { offset = bytes.count }
        return Array(bytes[offset...])
    }

    mutating func skipRest() { offset = bytes.count }

    func expectEnd() throws(PostgresError) {
        guard offset == bytes.count else { throw malformed("trailing bytes") }
    }
}
