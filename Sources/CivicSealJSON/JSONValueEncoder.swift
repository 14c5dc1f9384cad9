import Foundation

/// Encodes `Encodable` models into a ``JSONValue`` tree, which ``JSONWriter`` then writes with members sorted:
/// CivicSeal's replacement for Foundation's `JSONEncoder` with `.sortedKeys` and `.iso8601`, byte for byte
/// (``JSONWriter/Escaping/foundation``), so records stored before it existed keep their bytes.
///
/// Dates are RFC 3339 UTC seconds (`2026-03-01T08:00:00Z`), `Data` is Base64, a `URL` its absolute string, a
/// floating-point number its shortest round-trip text without a trailing `.0` (`1`, `1.5`, `1e+21`); NaN and
/// infinities are refused as `JSONEncoder` refuses them. `encodeIfPresent` leaves a nil member out; `encodeNil`
/// writes `null`.
package struct JSONValueEncoder: Sendable {
    package init() {}

    package func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        let root = EncodingBox()
        try root.store(value, codingPath: [])
        return root.resolved()
    }

    /// The value as compact JSON text with sorted members, escaped as `escaping` says.
    package func encodeText<T: Encodable>(_ value: T, escaping: JSONWriter.Escaping = .foundation) throws -> [UInt8] {
        var writer = JSONWriter(escaping: escaping)
        writer.value(try encode(value))
        return writer.bytes
    }
}

/// One node of the tree being built; containers hand out child boxes and resolve them at the end.
final class EncodingBox {
    enum Content {
        case empty
        case value(JSONValue)
        case object([String: EncodingBox])
        case array([EncodingBox])
    }

    var content = Content.empty

    func resolved() -> JSONValue {
        switch content {
        case .empty: .object([:])
        case .value(let value): value
        case .object(let members): .object(members.mapValues { $0.resolved() })
        case .array(let elements): .array(elements.map { $0.resolved() })
        }
    }

    func store<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws {
        switch value {
        case let date as Date: content = .value(.string(JSONWriter.timestamp(date)))
        case let data as Data: content = .value(.string(data.base64EncodedString()))
        case let url as URL: content = .value(.string(url.absoluteString))
        case let number as Double: content = .value(try Self.number(number, codingPath))
        case let number as Float: content = .value(try Self.number(Double(number), codingPath))
        default: try value.encode(to: TreeEncoder(box: self, codingPath: codingPath))
        }
    }

    func member(_ key: String) -> EncodingBox {
        var members: [String: EncodingBox]
        if case .object(let existing) = content { members = existing } else { members = [:] }
        if let box = members[key] { return box }
        let box = EncodingBox()
        members[key] = box
        content = .object(members)
        return box
    }

    func appended() -> EncodingBox {
        var elements: [EncodingBox]
        if case .array(let existing) = content { elements = existing } else { elements = [] }
        let box = EncodingBox()
        elements.append(box)
        content = .array(elements)
        return box
    }

    var count: Int {
        switch content {
        case .array(let elements): elements.count
        case .object(let members): members.count
        default: 0
        }
    }

    static func number(_ value: Double, _ codingPath: [any CodingKey]) throws -> JSONValue {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: codingPath, debugDescription: "\(value) is not a JSON number"))
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return .number(text)
    }
}

struct TreeEncoder: Encoder {
    let box: EncodingBox
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = box.content {} else { box.content = .object([:]) }
        return KeyedEncodingContainer(KeyedTreeEncoder<Key>(box: box, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = box.content {} else { box.content = .array([]) }
        return UnkeyedTreeEncoder(box: box, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleTreeEncoder(box: box, codingPath: codingPath)
    }
}

struct KeyedTreeEncoder<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: EncodingBox
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { box.member(key.stringValue).content = .value(.null) }
    mutating func encode(_ value: Bool, forKey key: Key) throws {
        box.member(key.stringValue).content = .value(.bool(value))
    }
    mutating func encode(_ value: String, forKey key: Key) throws {
        box.member(key.stringValue).content = .value(.string(value))
    }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try box.member(key.stringValue).store(value, codingPath: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        TreeEncoder(box: box.member(key.stringValue), codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        TreeEncoder(box: box.member(key.stringValue), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        TreeEncoder(box: box.member("super"), codingPath: codingPath + [TreeKey(stringValue: "super")])
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        TreeEncoder(box: box.member(key.stringValue), codingPath: codingPath + [key])
    }
}

struct UnkeyedTreeEncoder: UnkeyedEncodingContainer {
    let box: EncodingBox
    let codingPath: [any CodingKey]
    var count: Int { box.count }

    private var nextKey: TreeKey { TreeKey(intValue: count) }

    mutating func encodeNil() throws { box.appended().content = .value(.null) }
    mutating func encode(_ value: Bool) throws { box.appended().content = .value(.bool(value)) }
    mutating func encode(_ value: String) throws { box.appended().content = .value(.string(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        let path = codingPath + [nextKey]
        try box.appended().store(value, codingPath: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        let path = codingPath + [nextKey]
        return TreeEncoder(box: box.appended(), codingPath: path).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = codingPath + [nextKey]
        return TreeEncoder(box: box.appended(), codingPath: path).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let path = codingPath + [nextKey]
        return TreeEncoder(box: box.appended(), codingPath: path)
    }
}

struct SingleTreeEncoder: SingleValueEncodingContainer {
    let box: EncodingBox
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { box.content = .value(.null) }
    mutating func encode(_ value: Bool) throws { box.content = .value(.bool(value)) }
    mutating func encode(_ value: String) throws { box.content = .value(.string(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { try box.store(value, codingPath: codingPath) }
}

// Integers of every width are written as their decimal text, floating-point numbers through `number(_:_:)`.
extension KeyedTreeEncoder {
    mutating func encode(_ value: Int, forKey key: Key) throws { integer(value, key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { integer(value, key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { integer(value, key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { integer(value, key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { integer(value, key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { integer(value, key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { integer(value, key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { integer(value, key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { integer(value, key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { integer(value, key) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        box.member(key.stringValue).content = .value(try EncodingBox.number(value, codingPath + [key]))
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        box.member(key.stringValue).content = .value(try EncodingBox.number(Double(value), codingPath + [key]))
    }
    private func integer(_ value: some BinaryInteger, _ key: Key) {
        box.member(key.stringValue).content = .value(.number(String(value)))
    }
}

extension UnkeyedTreeEncoder {
    mutating func encode(_ value: Int) throws { integer(value) }
    mutating func encode(_ value: Int8) throws { integer(value) }
    mutating func encode(_ value: Int16) throws { integer(value) }
    mutating func encode(_ value: Int32) throws { integer(value) }
    mutating func encode(_ value: Int64) throws { integer(value) }
    mutating func encode(_ value: UInt) throws { integer(value) }
    mutating func encode(_ value: UInt8) throws { integer(value) }
    mutating func encode(_ value: UInt16) throws { integer(value) }
    mutating func encode(_ value: UInt32) throws { integer(value) }
    mutating func encode(_ value: UInt64) throws { integer(value) }
    mutating func encode(_ value: Double) throws {
        box.appended().content = .value(try EncodingBox.number(value, codingPath + [nextKey]))
    }
    mutating func encode(_ value: Float) throws {
        box.appended().content = .value(try EncodingBox.number(Double(value), codingPath + [nextKey]))
    }
    private func integer(_ value: some BinaryInteger) { box.appended().content = .value(.number(String(value))) }
}

extension SingleTreeEncoder {
    mutating func encode(_ value: Int) throws { integer(value) }
    mutating func encode(_ value: Int8) throws { integer(value) }
    mutating func encode(_ value: Int16) throws { integer(value) }
    mutating func encode(_ value: Int32) throws { integer(value) }
    mutating func encode(_ value: Int64) throws { integer(value) }
    mutating func encode(_ value: UInt) throws { integer(value) }
    mutating func encode(_ value: UInt8) throws { integer(value) }
    mutating func encode(_ value: UInt16) throws { integer(value) }
    mutating func encode(_ value: UInt32) throws { integer(value) }
    mutating func encode(_ value: UInt64) throws { integer(value) }
    mutating func encode(_ value: Double) throws { box.content = .value(try EncodingBox.number(value, codingPath)) }
    mutating func encode(_ value: Float) throws {
        box.content = .value(try EncodingBox.number(Double(value), codingPath))
    }
    private func integer(_ value: some BinaryInteger) { box.content = .value(.number(String(value))) }
}
