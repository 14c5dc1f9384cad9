import CivicSealJSON
import Foundation

/// A JWK Set (RFC 7517 §5): the verification keys of an identity provider, parsed once on load.
///
/// Keys CivicSeal cannot use are set aside, not fatal, as RFC 7517 §5 asks: "Implementations SHOULD
/// ignore JWKs within a JWK Set that use "kty" (key type) values that are not understood by them,
/// that are missing required members, or for which values are out of the supported ranges."
/// They stay listed in ``ignoredKeys`` so that a token naming one gets the real reason
/// (e.g. an RSA-1024 key) instead of "unknown kid".
package struct JSONWebKeySet: Sendable {
    /// A member of `keys` that could not be used, with its `kid` when it had a readable one.
    package struct IgnoredKey: Sendable {
        package let index: Int
        package let keyID: String?
        package let error: JOSEError
    }

    /// Usable keys, in set order.
    package let keys: [JSONWebKey]
    /// Keys set aside while loading.
    package let ignoredKeys: [IgnoredKey]
    /// Indices into ``keys`` by `kid`; built once so that a verification is a dictionary lookup.
    private let indicesByKeyID: [String: [Int]]

    /// A set of already-built keys (e.g. the development identity provider's own).
    package init(keys: [JSONWebKey]) {
        self.init(keys: keys, ignoredKeys: [])
    }

    private init(keys: [JSONWebKey], ignoredKeys: [IgnoredKey]) {
        self.keys = keys
        self.ignoredKeys = ignoredKeys
        var indices: [String: [Int]] = [:]
        for (index, key) in keys.enumerated() {
            if let keyID = key.keyID { indices[keyID, default: []].append(index) }
        }
        indicesByKeyID = indices
    }

    /// Parses a JWK Set document (`{"keys": [...]}`). The JSON itself must be strict (no duplicate
    /// member names anywhere); individual unusable keys are set aside in ``ignoredKeys``.
    package init(json: some ContiguousBytes) throws(JOSEError) {
        let value = try withJOSEBytes(json) { (buffer) throws(JOSEError) -> JSONValue in
            try JOSEJSON.parse(buffer, malformed: .malformedKeySet, what: "JWK Set")
        }
        guard let elements = value.objectValue?["keys"]?.arrayValue else {
            throw JOSEError(.malformedKeySet, "a JWK Set must be a JSON object with a \"keys\" array")
        }
        var keys: [JSONWebKey] = []
        var ignored: [IgnoredKey] = []
        for (index, element) in elements.enumerated() {
            let keyID = element.objectValue?["kid"]?.stringValue
            do throws(JOSEError) {
                guard let object = element.objectValue else {
                    throw JOSEError(.malformedKey, "a JWK must be a JSON object")
                }
                keys.append(try JSONWebKey(jsonObject: object))
            } catch {
                ignored.append(IgnoredKey(index: index, keyID: keyID, error: error))
            }
        }
        self.init(keys: keys, ignoredKeys: ignored)
    }

    /// Parses a JWK Set document.
    package init(json: String) throws(JOSEError) { try self.init(json: Array(json.utf8)) }

    /// The usable keys whose `kid` is `keyID`.
    package func keys(withID keyID: String) -> [JSONWebKey] {
        indicesByKeyID[keyID]?.map { keys[$0] } ?? []
    }

    /// `{"keys":[...]}` with each key's public members.
    package func json() -> String {
        JSONValue.object(["keys": .array(keys.map { .object($0.members) })]).serialized()
    }
}
