import Foundation

/// A PKCS #11 URI (RFC 7512): which token, which object, and optionally which module and where the PIN is.
///
/// Strict: path attributes this type does not know (vendor `x-…` ones included) are refused, because RFC 7512 §3.3
/// says a URI with an unrecognised path attribute matches nothing, and silently matching more than was asked is the
/// worse failure for a signing key. Unknown query attributes are ignored, as the RFC says. An attribute given twice
/// is refused; `pin-value` is refused outright (a PIN never goes in a URI, which ends up in files and logs).
package struct PKCS11URI: Sendable, Hashable, CustomStringConvertible {
    /// Longest URI text accepted.
    package static let maximumLength = 4096
    /// Longest decoded attribute value (labels are 32 bytes in tokens; ids rarely above 64).
    package static let maximumValueLength = 256

    package var token: String?
    package var manufacturer: String?
    package var serial: String?
    package var model: String?
    package var libraryManufacturer: String?
    package var libraryDescription: String?
    package var libraryVersion: String?
    package var slotDescription: String?
    package var slotManufacturer: String?
    package var slotID: UInt?
    package var object: String?
    package var id: [UInt8]?
    /// `public`, `private`, `cert`, `secret-key` or `data`.
    package var type: String?
    package var moduleName: String?
    package var modulePath: String?
    package var pinSource: String?

    static let objectTypes: Set<String> = ["public", "private", "cert", "secret-key", "data"]
    private static let pathNames: [String] = [
        "token", "manufacturer", "serial", "model", "library-manufacturer", "library-description", "library-version",
        "slot-description", "slot-manufacturer", "slot-id", "object", "id", "type",
    ]

    /// An empty URI (`pkcs11:`), which matches every token.
    package init() {}

    package init(_ text: String) throws(CryptoError) {
        guard text.utf8.count <= Self.maximumLength else {
            throw CryptoError(.invalidArgument, "a PKCS #11 URI is at most \(Self.maximumLength) bytes")
        }
        guard text.lowercased().hasPrefix("pkcs11:") else {
            throw CryptoError(.invalidArgument, "a PKCS #11 URI starts with pkcs11:")
        }
        let body = text.dropFirst("pkcs11:".count)
        let parts = body.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var seen: Set<String> = []
        for attribute in parts[0].split(separator: ";", omittingEmptySubsequences: false) where !attribute.isEmpty {
            let (name, value) = try Self.split(attribute)
            guard seen.insert(name).inserted else {
                throw CryptoError(.invalidArgument, "PKCS #11 URI attribute \(name) appears twice")
            }
            try set(path: name, value)
        }
        if parts.count == 2 {
            for attribute in parts[1].split(separator: "&", omittingEmptySubsequences: false) where !attribute.isEmpty {
                let (name, value) = try Self.split(attribute)
                guard name != "pin-value" else {
                    throw CryptoError(.invalidArgument, "a PIN never goes in a URI: use pin-source")
                }
                guard seen.insert(name).inserted else {
                    throw CryptoError(.invalidArgument, "PKCS #11 URI attribute \(name) appears twice")
                }
                switch name {
                case "module-name": moduleName = try Self.text(value, name, query: true)
                case "module-path": modulePath = try Self.text(value, name, query: true)
                case "pin-source": pinSource = try Self.text(value, name, query: true)
                default: continue  // RFC 7512: unknown query attributes are ignored
                }
            }
        }
    }

    private mutating func set(path name: String, _ raw: Substring) throws(CryptoError) {
        switch name {
        case "token": token = try Self.text(raw, name)
        case "manufacturer": manufacturer = try Self.text(raw, name)
        case "serial": serial = try Self.text(raw, name)
        case "model": model = try Self.text(raw, name)
        case "library-manufacturer": libraryManufacturer = try Self.text(raw, name)
        case "library-description": libraryDescription = try Self.text(raw, name)
        case "library-version": libraryVersion = try Self.text(raw, name)
        case "slot-description": slotDescription = try Self.text(raw, name)
        case "slot-manufacturer": slotManufacturer = try Self.text(raw, name)
        case "slot-id":
            let digits = try Self.text(raw, name)
            guard digits.count <= 19, !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
                let number = UInt(digits)
            else { throw CryptoError(.invalidArgument, "PKCS #11 URI slot-id must be a decimal number") }
            slotID = number
        case "object": object = try Self.text(raw, name)
        case "id": id = try Self.percentDecoded(raw, name)
        case "type":
            let value = try Self.text(raw, name)
            guard Self.objectTypes.contains(value) else {
                throw CryptoError(
                    .invalidArgument, "PKCS #11 URI type must be public, private, cert, secret-key or data")
            }
            type = value
        case "pin-value":
            throw CryptoError(.invalidArgument, "a PIN never goes in a URI: use pin-source")
        default:
            throw CryptoError(.invalidArgument, "PKCS #11 URI path attribute \(Self.printable(name)) is not supported")
        }
    }

    private static func split(_ attribute: Substring) throws(CryptoError) -> (String, Substring) {
        guard let equals = attribute.firstIndex(of: "=") else {
            throw CryptoError(.invalidArgument, "PKCS #11 URI attribute without a value")
        }
        let name = String(attribute[..<equals])
        guard !name.isEmpty, name.utf8.allSatisfy({ isNameByte($0) }) else {
            throw CryptoError(.invalidArgument, "PKCS #11 URI attribute name is malformed")
        }
        return (name, attribute[attribute.index(after: equals)...])
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D
    }

    /// Characters accepted unencoded in a value: RFC 7512's pk11-qchar (a path value may not hold `/` or `|` by the
    /// grammar, but consumers accept them, as OpenSC and p11-kit do).
    private static func isLiteral(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x41...0x5A, 0x61...0x7A, 0x30...0x39: true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: ":"),
            UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "@"), UInt8(ascii: "!"), UInt8(ascii: "$"),
            UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"),
            UInt8(ascii: ","), UInt8(ascii: "="), UInt8(ascii: "/"), UInt8(ascii: "|"):
            true
        default: false
        }
    }

    /// `query`: a query value, where `?` may also stand unencoded (pk11-qchar).
    private static func percentDecoded(_ raw: Substring, _ name: String, query: Bool = false) throws(CryptoError)
        -> [UInt8]
    {
        var output: [UInt8] = []
        var bytes = raw.utf8.makeIterator()
        while let byte = bytes.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = bytes.next().flatMap(hexValue), let low = bytes.next().flatMap(hexValue) else {
                    throw CryptoError(.invalidArgument, "PKCS #11 URI attribute \(name) has a malformed %-escape")
                }
                output.append(high << 4 | low)
            } else {
                guard isLiteral(byte) || (query && byte == UInt8(ascii: "?")) else {
                    throw CryptoError(.invalidArgument, "PKCS #11 URI attribute \(name) has a character to %-encode")
                }
                output.append(byte)
            }
            guard output.count <= maximumValueLength else {
                throw CryptoError(.invalidArgument, "PKCS #11 URI attribute \(name) is too long")
            }
        }
        return output
    }

    private static func text(_ raw: Substring, _ name: String, query: Bool = false) throws(CryptoError) -> String {
        let bytes = try percentDecoded(raw, name, query: query)
        guard let text = String(validating: bytes, as: UTF8.self),
            !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else { throw CryptoError(.invalidArgument, "PKCS #11 URI attribute \(name) is not printable UTF-8") }
        return text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    private static func printable(_ name: String) -> String { String(name.prefix(40)) }

    /// %-encodes what RFC 7512 does not let stand: in the path `/` and `|` too, in the query only the rest.
    private static func encode(_ bytes: some Sequence<UInt8>, everything: Bool = false, query: Bool = false) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        for byte in bytes {
            let queryOnly = byte == UInt8(ascii: "/") || byte == UInt8(ascii: "|")
            if !everything, isLiteral(byte), query || !queryOnly {
                output.append(byte)
            } else {
                output += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Canonical text: path attributes in RFC 7512 order, then module-name, module-path, pin-source. Never a PIN.
    package var description: String {
        var path: [String] = []
        let values: [String?] = [
            token, manufacturer, serial, model, libraryManufacturer, libraryDescription, libraryVersion,
            slotDescription, slotManufacturer, slotID.map(String.init), object, nil, type,
        ]
        for (name, value) in zip(Self.pathNames, values) {
            if name == "id", let id { path.append("id=" + Self.encode(id, everything: true)) }
            if let value { path.append("\(name)=\(Self.encode(value.utf8))") }
        }
        var query: [String] = []
        if let moduleName { query.append("module-name=" + Self.encode(moduleName.utf8, query: true)) }
        if let modulePath { query.append("module-path=" + Self.encode(modulePath.utf8, query: true)) }
        if let pinSource { query.append("pin-source=" + Self.encode(pinSource.utf8, query: true)) }
        return "pkcs11:" + path.joined(separator: ";") + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }

    /// The same token with another object: label and/or id, type `private` when either is given.
    package func with(object: String?, id: [UInt8]?) -> PKCS11URI {
        var copy = self
        copy.object = object
        copy.id = id
        copy.type = object == nil && id == nil ? nil : "private"
        return copy
    }

    /// Only the attributes that identify the token (no object, no query).
    var tokenOnly: PKCS11URI {
        var copy = PKCS11URI()
        copy.token = token
        copy.manufacturer = manufacturer
        copy.serial = serial
        copy.model = model
        copy.slotID = slotID
        return copy
    }
}
