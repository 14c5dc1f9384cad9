/// An X.509 name as an ordered list of attributes (UTF-8 values), e.g. CN, O, C.
package struct DistinguishedName: Sendable, Hashable, CustomStringConvertible {
    /// One attribute: a short name OpenSSL knows (`CN`, `O`, `OU`, `C`, `L`, `ST`, `serialNumber`, …) and its value.
    package struct Attribute: Sendable, Hashable {
        package let type: String
        package let value: String
        package init(_ type: String, _ value: String) {
            self.type = type
            self.value = value
        }
    }

    package let attributes: [Attribute]

    package init(_ attributes: [Attribute]) { self.attributes = attributes }

    /// A name with the usual attributes in X.500 order (C, ST/L, O, OU, CN); nil ones are left out.
    package init(
        commonName: String, organization: String? = nil, organizationalUnit: String? = nil, locality: String? = nil,
        country: String? = nil
    ) {
        var list: [Attribute] = []
        if let country { list.append(.init("C", country)) }
        if let locality { list.append(.init("L", locality)) }
        if let organization { list.append(.init("O", organization)) }
        if let organizationalUnit { list.append(.init("OU", organizationalUnit)) }
        list.append(.init("CN", commonName))
        attributes = list
    }

    /// The last CN, the conventional display name.
    package var commonName: String? { attributes.last { $0.type == "CN" }?.value }

    /// RFC 4514-style text, most specific attribute first (`CN=…,O=…,C=VN`), UTF-8 kept readable.
    package var description: String {
        attributes.reversed().map { "\($0.type)=\(escape($0.value))" }.joined(separator: ",")
    }

    private func escape(_ value: String) -> String {
        var out = ""
        for (index, ch) in value.enumerated() {
            if ",+\"\\<>;=".contains(ch) || (index == 0 && (ch == "#" || ch == " ")) { out.append("\\") }
            out.append(ch)
        }
        return out
    }
}
