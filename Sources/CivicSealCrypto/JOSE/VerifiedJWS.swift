import CivicSealJSON
import Foundation

/// A JWS whose signature checked out: the header, the payload bytes, and the key that verified it.
///
/// Verification never parses the payload; ask for it with ``payloadJSONObject()`` or
/// ``decodePayload(_:)``, which parse strictly (duplicate member names are refused).
package struct VerifiedJWS: Sendable {
    package let header: JWSHeader
    /// The payload exactly as signed.
    package let payload: [UInt8]
    /// The key that verified the signature.
    package let key: JSONWebKey

    /// The payload as a JSON object (e.g. JWT claims), parsed strictly.
    package func payloadJSONObject() throws(JOSEError) -> [String: JSONValue] {
        let value = try withJOSEBytes(payload) { (buffer) throws(JOSEError) -> JSONValue in
            try JOSEJSON.parse(buffer, malformed: .malformedPayload, what: "payload")
        }
        guard let object = value.objectValue else {
            throw JOSEError(.malformedPayload, "the payload is not a JSON object")
        }
        return object
    }

    /// The payload decoded as `type` from the strict parse's value tree (duplicate members refused; `JSONDecoder`
    /// would silently keep one of them and never reads untrusted input here).
    package func decodePayload<T: Decodable>(_ type: T.Type) throws(JOSEError) -> T {
        let object = try payloadJSONObject()
        do {
            return try JSONValueDecoder().decode(type, from: JSONValue.object(object))
        } catch {
            throw JOSEError(.malformedPayload, "the payload does not decode as \(T.self): \(error)")
        }
    }
}
