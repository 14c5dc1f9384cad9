internal import COpenSSL
import Foundation

/// A public verification key, parsed once and kept.
package final class PublicKey: Sendable {
    let key: EVPKey

    package var kind: KeyKind { key.kind }

    init(_ key: EVPKey) { self.key = key }

    /// Loads a PEM `PUBLIC KEY` (SubjectPublicKeyInfo).
    package convenience init(pem: String) throws(CryptoError) {
        let bio = try MemoryBIO(Array(pem.utf8))
        guard let loaded = PEM_read_bio_PUBKEY(bio.pointer, nil, nil, nil) else {
            throw .openSSL(.malformedInput, "not a PEM public key")
        }
        self.init(try EVPKey(taking: loaded))
    }

    /// Loads a DER SubjectPublicKeyInfo.
    package convenience init(spkiDER der: [UInt8]) throws(CryptoError) {
        let loaded: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            let key = d2i_PUBKEY(nil, &cursor, buffer.count)
            // Trailing bytes after the structure make the input ambiguous: refuse it.
            if key != nil, cursor != buffer.baseAddress! + buffer.count {
                EVP_PKEY_free(key)
                return nil
            }
            return key
        }
        guard let loaded else { throw .openSSL(.malformedInput, "not a DER public key") }
        self.init(try EVPKey(taking: loaded))
    }

    /// An EC public key from its affine coordinates (big-endian, curve-sized). The point must lie on the curve.
    package convenience init(ecCurve kind: KeyKind, x: [UInt8], y: [UInt8]) throws(CryptoError) {
        guard let size = kind.ecdsaComponentLength, let curve = kind.joseCurve else {
            throw CryptoError(.invalidArgument, "\(kind) is not an EC curve")
        }
        guard x.count == size, y.count == size else {
            throw CryptoError(.malformedInput, "\(curve) coordinates must be \(size) bytes each")
        }
        let point = [0x04] + x + y
        let loaded = try Self.fromData(type: "EC") { builder, storage in
            OSSL_PARAM_BLD_push_utf8_string(builder, storage.keep("group"), storage.keep(curve), 0) == 1
                && OSSL_PARAM_BLD_push_octet_string(builder, storage.keep("pub"), storage.keep(point), point.count) == 1
        }
        self.init(try EVPKey(taking: loaded))
    }

    /// An RSA public key from its modulus and exponent (big-endian, unsigned).
    package convenience init(rsaModulus modulus: [UInt8], exponent: [UInt8]) throws(CryptoError) {
        guard !modulus.isEmpty, !exponent.isEmpty, exponent.count <= 8 else {
            throw CryptoError(.malformedInput, "RSA modulus or exponent malformed")
        }
        guard let n = BN_bin2bn(modulus, Int32(modulus.count), nil) else { throw .openSSL("BN_bin2bn failed") }
        defer { BN_free(n) }
        guard let e = BN_bin2bn(exponent, Int32(exponent.count), nil) else { throw .openSSL("BN_bin2bn failed") }
        defer { BN_free(e) }
        let loaded = try Self.fromData(type: "RSA") { builder, storage in
            OSSL_PARAM_BLD_push_BN(builder, storage.keep("n"), n) == 1
                && OSSL_PARAM_BLD_push_BN(builder, storage.keep("e"), e) == 1
        }
        self.init(try EVPKey(taking: loaded))
    }

    /// An Ed25519 public key from its 32 raw bytes.
    package convenience init(ed25519 raw: [UInt8]) throws(CryptoError) {
        guard raw.count == 32 else { throw CryptoError(.malformedInput, "an Ed25519 public key is 32 bytes") }
        guard let loaded = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, raw, raw.count) else {
            throw .openSSL(.malformedInput, "not an Ed25519 public key")
        }
        self.init(try EVPKey(taking: loaded))
    }

    /// Builds a key from parameters. `OSSL_PARAM_BLD` keeps the key names and values by pointer until
    /// `OSSL_PARAM_BLD_to_param`, so everything pushed must live in `storage` until then.
    private static func fromData(type: String, _ push: (OpaquePointer, ParameterStorage) -> Bool) throws(CryptoError)
        -> OpaquePointer
    {
        guard let builder = OSSL_PARAM_BLD_new() else { throw .openSSL("OSSL_PARAM_BLD_new failed") }
        defer { OSSL_PARAM_BLD_free(builder) }
        let storage = ParameterStorage()
        guard push(builder, storage), let params = OSSL_PARAM_BLD_to_param(builder) else {
            throw .openSSL(.malformedInput, "building \(type) key parameters failed")
        }
        defer { OSSL_PARAM_free(params) }
        guard let context = EVP_PKEY_CTX_new_from_name(nil, type, nil) else {
            throw .openSSL("no \(type) implementation")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_fromdata_init(context) == 1,
            EVP_PKEY_fromdata(context, &key, cs_EVP_PKEY_PUBLIC_KEY(), params) == 1, let key
        else { throw .openSSL(.malformedInput, "not a valid \(type) public key") }
        return key
    }

    /// The public numbers, as JWK (RFC 7518 §6) needs them.
    package enum Components: Sendable, Equatable {
        case ec(kind: KeyKind, x: [UInt8], y: [UInt8])
        case rsa(modulus: [UInt8], exponent: [UInt8])
        case ed25519([UInt8])
    }

    package func components() throws(CryptoError) -> Components {
        switch kind {
        case .ecP256, .ecP384:
            let size = kind.ecdsaComponentLength!
            let point = try key.octetParameter("pub")
            guard point.count == 1 + 2 * size, point[0] == 0x04 else {
                throw CryptoError(.openSSLFailure, "EC public point not uncompressed")
            }
            return .ec(kind: kind, x: Array(point[1...size]), y: Array(point[(1 + size)...]))
        case .rsa:
            return .rsa(modulus: try key.bignumParameter("n"), exponent: try key.bignumParameter("e"))
        case .ed25519:
            return .ed25519(try key.rawPublicKey())
        }
    }

    /// DER SubjectPublicKeyInfo.
    package func spkiDER() throws(CryptoError) -> [UInt8] { try key.publicKeyDER() }

    /// PEM `PUBLIC KEY`.
    package func pem() throws(CryptoError) -> String {
        PEM.encode(label: "PUBLIC KEY", der: try spkiDER())
    }

    /// True only when `signature` is a valid `algorithm` signature of `data` by this key.
    /// A malformed signature, or an algorithm that does not fit the key, is simply not valid.
    package func isValidSignature(
        _ signature: some ContiguousBytes, for data: some ContiguousBytes, algorithm: SignatureAlgorithm
    ) -> Bool {
        signature.withUnsafeBytes { sig in data.withUnsafeBytes { key.verify(sig, $0, algorithm: algorithm) } }
    }
}

/// Heap copies of strings and bytes that must outlive a call (freed with the storage).
private final class ParameterStorage {
    private var allocations: [UnsafeMutableRawPointer] = []

    func keep(_ text: String) -> UnsafePointer<CChar> {
        let copy = strdup(text)!
        allocations.append(UnsafeMutableRawPointer(copy))
        return UnsafePointer(copy)
    }

    func keep(_ bytes: [UInt8]) -> UnsafeRawPointer {
        let copy = malloc(max(bytes.count, 1))!
        bytes.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        allocations.append(copy)
        return UnsafeRawPointer(copy)
    }

    deinit { for allocation in allocations { free(allocation) } }
}

/// PEM armour (RFC 7468) for DER bytes.
package enum PEM {
    package static func encode(label: String, der: [UInt8]) -> String {
        let body = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN \(label)-----\n\(body)\n-----END \(label)-----\n"
    }

    /// The DER of every `label` block in `text`, in order.
    package static func decodeAll(label: String, from text: String) -> [[UInt8]] {
        var blocks: [[UInt8]] = []
        let begin = "-----BEGIN \(label)-----"
        let end = "-----END \(label)-----"
        var rest = Substring(text)
        while let start = rest.range(of: begin), let stop = rest.range(of: end, range: start.upperBound..<rest.endIndex)
        {
            let body = rest[start.upperBound..<stop.lowerBound].filter { !$0.isWhitespace }
            if let data = Data(base64Encoded: String(body)) { blocks.append(Array(data)) }
            rest = rest[stop.upperBound...]
        }
        return blocks
    }
}
