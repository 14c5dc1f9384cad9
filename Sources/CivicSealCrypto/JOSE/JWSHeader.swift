import CivicSealJSON
import Foundation

/// The JOSE header of a JWS (RFC 7515 §4), checked and with its common members typed.
package struct JWSHeader: Sendable {
    /// `alg`: always one CivicSeal supports (anything else was refused while parsing).
    package let algorithm: JWSAlgorithm
    /// `kid`, which selects the verification key (RFC 7515 §4.1.4).
    package let keyID: String?
    /// `typ` (RFC 7515 §4.1.9), e.g. `JWT`.
    package let type: String?
    /// `cty` (RFC 7515 §4.1.10).
    package let contentType: String?
    /// `crit` (RFC 7515 §4.1.11); every name in it was present and understood.
    package let critical: [String]
    /// Every member, including extensions.
    package let members: [String: JSONValue]

    /// Header Parameter names RFC 7515 §4.1 and RFC 7518 define for JWS. RFC 7515 §4.1.11:
    /// "Producers MUST NOT include Header Parameter names defined by this specification or [JWA]
    /// for use with JWS ... in the "crit" list".
    static let registeredNames: Set<String> = [
        "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit",
    ]

    package subscript(member: String) -> JSONValue? { members[member] }

    /// Parses and checks decoded header bytes: strict JSON object, known `alg`, sane `crit`, no `b64: false`.
    ///
    /// - Parameter understood: extension names the caller processes and so may appear in `crit`.
    ///   `b64` is always understood (RFC 7797), though only its default value `true` is accepted.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, understood: Set<String>) throws(JOSEError) -> JWSHeader {
        let value = try JOSEJSON.parse(bytes, malformed: .malformedHeader, what: "JOSE header")
        guard let members = value.objectValue else {
            throw JOSEError(.malformedHeader, "the JOSE header must be a JSON object")
        }

        func string(_ name: String) throws(JOSEError) -> String? {
            guard let value = members[name] else { return nil }
            guard let text = value.stringValue else {
                throw JOSEError(.malformedHeader, "header member \"\(name)\" must be a string")
            }
            return text
        }

        guard let algorithmName = try string("alg") else {
            throw JOSEError(.malformedHeader, "the JOSE header lacks \"alg\"")
        }
        let algorithm = try JWSAlgorithm.fromHeader(algorithmName)

        var critical: [String] = []
        if let value = members["crit"] {
            // RFC 7515 §4.1.11: "Its value is an array listing the Header Parameter names present in
            // the JOSE Header that use those extensions. If any of the listed extension Header
            // Parameters are not understood and supported by the recipient, then the JWS is invalid.
            // Producers MUST NOT use the empty list "[]" as the "crit" value."
            guard let list = value.arrayValue, case let names = list.compactMap(\.stringValue),
                names.count == list.count
            else {
                throw JOSEError(.invalidCriticalHeader, "\"crit\" must be an array of strings")
            }
            guard !names.isEmpty else { throw JOSEError(.invalidCriticalHeader, "\"crit\" must not be empty") }
            guard Set(names).count == names.count else {
                throw JOSEError(.invalidCriticalHeader, "\"crit\" lists a name twice")
            }
            for name in names {
                if registeredNames.contains(name) {
                    throw JOSEError(.invalidCriticalHeader, "\"crit\" must not list the registered header \"\(name)\"")
                }
                guard members[name] != nil else {
                    throw JOSEError(
                        .invalidCriticalHeader, "\"crit\" lists \"\(name)\", which the header does not contain")
                }
                guard name == "b64" || understood.contains(name) else {
                    throw JOSEError(.invalidCriticalHeader, "critical extension \"\(name)\" is not understood")
                }
            }
            critical = names
        }

        if let value = members["b64"] {
            // RFC 7797 §3: "b64" is a boolean; false means the payload is not base64url-encoded.
            guard let encoded = value.boolValue else { throw JOSEError(.malformedHeader, "\"b64\" must be a boolean") }
            guard encoded else { throw JOSEError(.unencodedPayload, "\"b64\": false (RFC 7797) is not supported") }
        }

        return JWSHeader(
            algorithm: algorithm, keyID: try string("kid"), type: try string("typ"), contentType: try string("cty"),
            critical: critical, members: members)
    }
}
