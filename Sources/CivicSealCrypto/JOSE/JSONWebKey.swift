import CivicSealJSON
import Foundation

/// A public JSON Web Key (RFC 7517) for JWS verification, parsed into a ``PublicKey`` once.
///
/// Accepted key types: `EC` with `crv` P-256 or P-384, `RSA` of 2048–4096 bits, and `OKP` with
/// `crv` Ed25519 (RFC 8037 §2). Symmetric (`oct`) keys and other curves are ``JOSEError/Code/unsupportedKey``.
/// Private members (`d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`, `k`) are refused: a verification key set
/// that carries them is a leak, not something to use quietly.
package struct JSONWebKey: Sendable {
    /// The parsed key; all signature checks use it directly.
    package let publicKey: PublicKey
    /// `kid` (RFC 7517 §4.5).
    package let keyID: String?
    /// `alg` (RFC 7517 §4.4) exactly as written; when present, the key verifies only that algorithm.
    package let algorithm: String?
    /// `use` (RFC 7517 §4.2); when present it must be `sig` for the key to verify anything.
    package let use: String?
    /// `key_ops` (RFC 7517 §4.3); when present it must include `verify`.
    package let operations: [String]?
    /// The public members, as exported by ``json()``.
    package let members: [String: JSONValue]

    private static let privateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]

    /// Parses one JWK from JSON text.
    package init(json: some ContiguousBytes) throws(JOSEError) {
        let value = try withJOSEBytes(json) { (buffer) throws(JOSEError) -> JSONValue in
            try JOSEJSON.parse(buffer, malformed: .malformedKey, what: "JWK")
        }
        guard let object = value.objectValue else { throw JOSEError(.malformedKey, "a JWK must be a JSON object") }
        try self.init(jsonObject: object)
    }

    /// Parses one JWK from JSON text.
    package init(json: String) throws(JOSEError) { try self.init(json: Array(json.utf8)) }

    /// Builds the key from a parsed JWK object.
    package init(jsonObject object: [String: JSONValue]) throws(JOSEError) {
        func string(_ name: String) throws(JOSEError) -> String? {
            guard let value = object[name] else { return nil }
            guard let text = value.stringValue else {
                throw JOSEError(.malformedKey, "JWK member \"\(name)\" must be a string")
            }
            return text
        }
        func bytes(_ name: String) throws(JOSEError) -> [UInt8] {
            guard let text = try string(name) else { throw JOSEError(.malformedKey, "JWK lacks member \"\(name)\"") }
            do { return try Base64URL.decode(text) } catch {
                throw JOSEError(.malformedKey, "JWK member \"\(name)\" is not base64url")
            }
        }

        guard let type = try string("kty") else { throw JOSEError(.malformedKey, "JWK lacks \"kty\"") }
        keyID = try string("kid")
        algorithm = try string("alg")
        use = try string("use")
        if let value = object["key_ops"] {
            guard let list = value.arrayValue, case let names = list.compactMap(\.stringValue),
                names.count == list.count,
                Set(names).count == names.count
            else { throw JOSEError(.malformedKey, "\"key_ops\" must be an array of distinct strings (RFC 7517 §4.3)") }
            operations = names
        } else {
            operations = nil
        }
        guard type != "oct" else { throw JOSEError(.unsupportedKey, "symmetric (oct) keys are never accepted") }
        if let leaked = Self.privateMembers.first(where: { object[$0] != nil }) {
            throw JOSEError(
                .malformedKey, "JWK carries private member \"\(leaked)\"; a verification key must be public")
        }

        do {
            switch type {
            case "EC":
                let curve = try string("crv")
                let kind: KeyKind
                switch curve {
                case "P-256": kind = .ecP256
                case "P-384": kind = .ecP384
                case nil: throw JOSEError(.malformedKey, "EC JWK lacks \"crv\"")
                case let other?: throw JOSEError(.unsupportedKey, "EC curve \(other) is not accepted (P-256, P-384)")
                }
                // RFC 7518 §6.2.1.2: "The length of this octet string MUST be the full size of a
                // coordinate for the curve specified in the "crv" parameter." The core checks both lengths.
                publicKey = try PublicKey(ecCurve: kind, x: try bytes("x"), y: try bytes("y"))
            case "RSA":
                let modulus = try bytes("n")
                let exponent = try bytes("e")
                // RFC 7518 §6.3.1.1: "The octet sequence MUST utilize the minimum number of octets
                // needed to represent the value" (and likewise for "e").
                guard modulus.first != 0, exponent.first != 0 else {
                    throw JOSEError(.malformedKey, "RSA \"n\" and \"e\" must not have leading zero octets")
                }
                publicKey = try PublicKey(rsaModulus: modulus, exponent: exponent)
            case "OKP":
                switch try string("crv") {
                case "Ed25519": publicKey = try PublicKey(ed25519: try bytes("x"))
                case nil: throw JOSEError(.malformedKey, "OKP JWK lacks \"crv\"")
                case let other?:
                    throw JOSEError(.unsupportedKey, "OKP curve \(other) is not a signing curve CivicSeal accepts")
                }
            default:
                throw JOSEError(.unsupportedKey, "key type \(type) is not supported")
            }
        } catch let error as JOSEError {
            throw error
        } catch let error as CryptoError {
            throw Self.mapped(error)
        } catch {
            throw JOSEError(.malformedKey, "\(error)")
        }
        members = try Self.publicMembers(
            of: publicKey, keyID: keyID, algorithm: algorithm, use: use, operations: operations)
    }

    /// The JWK of `publicKey` for publishing: public members, `kid`, `alg` and `use: sig`.
    /// `algorithm` defaults to ``JWSAlgorithm/preferred(for:)`` and must fit the key.
    package init(publicKey: PublicKey, keyID: String, algorithm: JWSAlgorithm? = nil) throws(JOSEError) {
        let algorithm = algorithm ?? .preferred(for: publicKey.kind)
        guard algorithm.fits(publicKey.kind) else {
            throw JOSEError(.keyAlgorithmMismatch, "a \(publicKey.kind) key cannot make \(algorithm) signatures")
        }
        self.publicKey = publicKey
        self.keyID = keyID
        self.algorithm = algorithm.rawValue
        self.use = "sig"
        self.operations = nil
        members = try Self.publicMembers(
            of: publicKey, keyID: keyID, algorithm: algorithm.rawValue, use: "sig", operations: nil)
    }

    /// Compact JSON of ``members`` (sorted member names).
    package func json() -> String { JSONValue.object(members).serialized() }

    /// Why this key may not verify an `algorithm` signature, or nil when it may (RFC 7517 §4.2–4.4).
    func refusal(for algorithm: JWSAlgorithm) -> JOSEError? {
        if let use, use != "sig" {
            return JOSEError(.keyUseMismatch, "key \(keyID ?? "(no kid)") has \"use\": \"\(use)\", not \"sig\"")
        }
        if let operations, !operations.contains("verify") {
            return JOSEError(.keyUseMismatch, "key \(keyID ?? "(no kid)") \"key_ops\" does not include \"verify\"")
        }
        if let declared = self.algorithm, declared != algorithm.rawValue {
            return JOSEError(.keyAlgorithmMismatch, "key \(keyID ?? "(no kid)") is for \(declared), not \(algorithm)")
        }
        guard algorithm.fits(publicKey.kind) else {
            return JOSEError(
                .keyAlgorithmMismatch,
                "key \(keyID ?? "(no kid)") is \(publicKey.kind), which cannot check \(algorithm)")
        }
        return nil
    }

    static func mapped(_ error: CryptoError) -> JOSEError {
        switch error.code {
        case .unsupportedAlgorithm: JOSEError(.unsupportedKey, error.message, underlying: error)
        default: JOSEError(.malformedKey, error.message, underlying: error)
        }
    }

    private static func publicMembers(
        of key: PublicKey, keyID: String?, algorithm: String?, use: String?, operations: [String]?
    ) throws(JOSEError) -> [String: JSONValue] {
        var members: [String: JSONValue]
        do {
            switch try key.components() {
            case .ec(let kind, let x, let y):
                members = [
                    "kty": "EC", "crv": .string(kind == .ecP256 ? "P-256" : "P-384"),
                    "x": .string(Base64URL.encode(x)), "y": .string(Base64URL.encode(y)),
                ]
            case .rsa(let modulus, let exponent):
                members = [
                    "kty": "RSA", "n": .string(Base64URL.encode(modulus)), "e": .string(Base64URL.encode(exponent)),
                ]
            case .ed25519(let raw):
                members = ["kty": "OKP", "crv": "Ed25519", "x": .string(Base64URL.encode(raw))]
            }
        } catch {
            throw mapped(error)
        }
        if let keyID { members["kid"] = .string(keyID) }
        if let algorithm { members["alg"] = .string(algorithm) }
        if let use { members["use"] = .string(use) }
        if let operations { members["key_ops"] = .array(operations.map { .string($0) }) }
        return members
    }
}
