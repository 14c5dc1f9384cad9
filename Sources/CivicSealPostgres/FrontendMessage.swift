/// The messages the client sends (protocol 3.0, "Message Formats"), encoded into one growing buffer so that a
/// pipeline of several statements leaves in one write.
struct FrontendBuffer {
    private(set) var bytes: [UInt8] = []

    /// Protocol 3.0: major 3, minor 0.
    static let protocolVersion: Int32 = 196_608
    static let sslRequestCode: Int32 = 80_877_103
    static let cancelRequestCode: Int32 = 80_877_102

    mutating func int16(_ value: Int16) { withUnsafeBytes(of: value.bigEndian) { bytes += $0 } }
    mutating func int32(_ value: Int32) { withUnsafeBytes(of: value.bigEndian) { bytes += $0 } }
    mutating func cString(_ text: String) {
        bytes += text.utf8.map { $0 == 0 ? UInt8(ascii: "?") : $0 }  // NUL cannot travel in a C string
        bytes.append(0)
    }

    /// Appends a message with type byte `type` (nil: the untyped start-up messages) whose body `body` writes.
    mutating func message(_ type: UInt8?, _ body: (inout FrontendBuffer) -> Void) {
        if let type { bytes.append(type) }
        let start = bytes.count
        int32(0)
        body(&self)
        let length = Int32(bytes.count - start).bigEndian
        withUnsafeBytes(of: length) { raw in
            for index in 0..<4 { bytes[start + index] = raw[index] }
        }
    }

    mutating func startup(_ parameters: [(String, String)]) {
        message(nil) { buffer in
            buffer.int32(Self.protocolVersion)
            for (name, value) in parameters {
                buffer.cString(name)
                buffer.cString(value)
            }
            buffer.bytes.append(0)
        }
    }

    mutating func sslRequest() { message(nil) { $0.int32(Self.sslRequestCode) } }

    mutating func cancelRequest(processID: Int32, secretKey: Int32) {
        message(nil) { buffer in
            buffer.int32(Self.cancelRequestCode)
            buffer.int32(processID)
            buffer.int32(secretKey)
        }
    }

    /// PasswordMessage: a cleartext or MD5 password.
    mutating func password(_ text: String) { message(UInt8(ascii: "p")) { $0.cString(text) } }

    mutating func saslInitialResponse(mechanism: String, _ data: [UInt8]) {
        message(UInt8(ascii: "p")) { buffer in
            buffer.cString(mechanism)
            buffer.int32(Int32(data.count))
            buffer.bytes += data
        }
    }

    mutating func saslResponse(_ data: [UInt8]) { message(UInt8(ascii: "p")) { $0.bytes += data } }

    mutating func query(_ sql: String) { message(UInt8(ascii: "Q")) { $0.cString(sql) } }

    mutating func parse(name: String, sql: String, parameterTypes: [UInt32]) {
        message(UInt8(ascii: "P")) { buffer in
            buffer.cString(name)
            buffer.cString(sql)
            buffer.int16(Int16(parameterTypes.count))
            for type in parameterTypes { buffer.int32(Int32(bitPattern: type)) }
        }
    }

    /// Bind to the unnamed portal: each parameter with its own format, the results in `resultFormats`.
    mutating func bind(statement: String, parameters: [PostgresValue.Encoded], resultFormats: [Int16]) {
        message(UInt8(ascii: "B")) { buffer in
            buffer.cString("")
            buffer.cString(statement)
            buffer.int16(Int16(parameters.count))
            for parameter in parameters { buffer.int16(parameter.format) }
            buffer.int16(Int16(parameters.count))
            for parameter in parameters {
                if let bytes = parameter.bytes {
                    buffer.int32(Int32(bytes.count))
                    buffer.bytes += bytes
                } else {
                    buffer.int32(-1)
                }
            }
            buffer.int16(Int16(resultFormats.count))
            for format in resultFormats { buffer.int16(format) }
        }
    }

    mutating func describeStatement(_ name: String) {
        message(UInt8(ascii: "D")) { buffer in
            buffer.bytes.append(UInt8(ascii: "S"))
            buffer.cString(name)
        }
    }

    mutating func closeStatement(_ name: String) {
        message(UInt8(ascii: "C")) { buffer in
            buffer.bytes.append(UInt8(ascii: "S"))
            buffer.cString(name)
        }
    }

    /// Execute the unnamed portal, all rows.
    mutating func execute() {
        message(UInt8(ascii: "E")) { buffer in
            buffer.cString("")
            buffer.int32(0)
        }
    }

    /// Parse, Bind and Execute of `sql` as the unnamed statement: a parameterless command (a savepoint) that needs
    /// no entry in the statement cache.
    mutating func runUnnamed(_ sql: String) {
        parse(name: "", sql: sql, parameterTypes: [])
        bind(statement: "", parameters: [], resultFormats: [])
        execute()
    }

    mutating func sync() { message(UInt8(ascii: "S")) { _ in } }
    mutating func terminate() { message(UInt8(ascii: "X")) { _ in } }
}
