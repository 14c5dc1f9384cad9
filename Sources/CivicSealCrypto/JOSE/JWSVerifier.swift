import Foundation

/// Verifies JWS Compact Serialization (RFC 7515 §7.1) against a ``JSONWebKeySet``.
///
/// Per token it decodes three base64url parts, parses only the header, looks the key up by `kid`
/// and asks OpenSSL to check the signature; the keys themselves were parsed when the set was loaded.
/// Keys embedded in the token (`jwk`, `jku`, `x5u`, `x5c`) are never trusted or fetched.
///
/// Key selection: with a `kid`, only keys carrying that `kid` are candidates, and a candidate whose
/// type, curve, `alg` or `use` does not fit is an error; without a `kid`, every key that fits is tried.
package struct JWSVerifier: Sendable {
    package let keySet: JSONWebKeySet
    /// The algorithms this verifier accepts; others are ``JOSEError/Code/unsupportedAlgorithm``.
    package let algorithms: Set<JWSAlgorithm>
    /// Extension header names the caller handles, so they may be listed in `crit`.
    package let understoodCriticalHeaders: Set<String>
    /// Longest compact token accepted, in bytes.
    package let maximumLength: Int

    package init(
        keySet: JSONWebKeySet, algorithms: Set<JWSAlgorithm> = Set(JWSAlgorithm.allCases),
        understoodCriticalHeaders: Set<String> = [], maximumLength: Int = 1 << 20
    ) {
        self.keySet = keySet
        self.algorithms = algorithms
        self.understoodCriticalHeaders = understoodCriticalHeaders
        self.maximumLength = maximumLength
    }

    /// Verifies `compact` and returns its header and payload; throws a ``JOSEError`` saying why not.
    package func verify(_ compact: String) throws(JOSEError) -> VerifiedJWS {
        try withJOSEUTF8(compact) { (token) throws(JOSEError) -> VerifiedJWS in try verify(token: token) }
    }

    /// Verifies a compact serialization given as bytes (ASCII).
    package func verify(compact: some ContiguousBytes) throws(JOSEError) -> VerifiedJWS {
        try withJOSEBytes(compact) { (token) throws(JOSEError) -> VerifiedJWS in try verify(token: token) }
    }

    private func verify(token: UnsafeBufferPointer<UInt8>) throws(JOSEError) -> VerifiedJWS {
        guard token.count <= maximumLength else {
            throw JOSEError(.malformedCompactSerialization, "token longer than \(maximumLength) bytes")
        }
        // RFC 7515 §7.1: BASE64URL(header) '.' BASE64URL(payload) '.' BASE64URL(signature).
        var dots: (Int, Int) = (-1, -1)
        var dotCount = 0
        for (offset, byte) in token.enumerated() where byte == UInt8(ascii: ".") {
            if dotCount == 0 { dots.0 = offset } else if dotCount == 1 { dots.1 = offset }
            dotCount += 1
        }
        guard dotCount == 2 else {
            throw JOSEError(.malformedCompactSerialization, "a compact JWS has exactly 3 parts, not \(dotCount + 1)")
        }
        let headerPart = UnsafeBufferPointer(rebasing: token[0..<dots.0])
        let payloadPart = UnsafeBufferPointer(rebasing: token[(dots.0 + 1)..<dots.1])
        let signaturePart = UnsafeBufferPointer(rebasing: token[(dots.1 + 1)...])

        guard let headerBytes = Base64URL.decode(headerPart) else {
            throw JOSEError(.malformedBase64URL, "the header part is not strict base64url")
        }
        let header = try headerBytes.withUnsafeBufferPointer { (bytes) throws(JOSEError) -> JWSHeader in
            try JWSHeader.parse(bytes, understood: understoodCriticalHeaders)
        }
        let algorithm = header.algorithm
        guard algorithms.contains(algorithm) else {
            throw JOSEError(.unsupportedAlgorithm, "algorithm \(algorithm) is not accepted by this verifier")
        }
        guard let payload = Base64URL.decode(payloadPart) else {
            throw JOSEError(.malformedBase64URL, "the payload part is not strict base64url")
        }
        guard var signature = Base64URL.decode(signaturePart) else {
            throw JOSEError(.malformedBase64URL, "the signature part is not strict base64url")
        }
        if let length = algorithm.fixedSignatureLength, signature.count != length {
            throw JOSEError(.malformedSignature, "\(algorithm) signatures are \(length) bytes, not \(signature.count)")
        }

        let candidates = try candidateKeys(for: header)

        if case .ecdsa = algorithm.signatureAlgorithm {
            // RFC 7518 §3.4: the JWS signature is R ‖ S; OpenSSL wants a DER ECDSA-Sig-Value.
            do {
                signature = try ECDSASignature.der(fromRaw: signature, componentLength: signature.count / 2)
            } catch {
                throw JOSEError(.malformedSignature, "the ECDSA signature is malformed", underlying: error)
            }
        }
        let signingInput = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: token[0..<dots.1]))
        for key in candidates
        where key.publicKey.isValidSignature(signature, for: signingInput, algorithm: algorithm.signatureAlgorithm) {
            return VerifiedJWS(header: header, payload: payload, key: key)
        }
        throw JOSEError(.invalidSignature, "the \(algorithm) signature does not verify")
    }

    /// The keys to try, or the reason there are none.
    private func candidateKeys(for header: JWSHeader) throws(JOSEError) -> [JSONWebKey] {
        let algorithm = header.algorithm
        guard let keyID = header.keyID else {
            let fitting = keySet.keys.filter { $0.refusal(for: algorithm) == nil }
            guard !fitting.isEmpty else {
                throw JOSEError(.noSuitableKey, "the token has no \"kid\" and no key in the set can check \(algorithm)")
            }
            return fitting
        }
        let named = keySet.keys(withID: keyID)
        guard !named.isEmpty else {
            if let ignored = keySet.ignoredKeys.first(where: { $0.keyID == keyID }) {
                throw JOSEError(
                    ignored.error.code, "key \"\(keyID)\" was set aside: \(ignored.error.message)",
                    underlying: ignored.error.underlying)
            }
            throw JOSEError(.unknownKeyID, "no key in the set has \"kid\": \"\(keyID)\"")
        }
        var fitting: [JSONWebKey] = []
        var firstRefusal: JOSEError?
        for key in named {
            if let refusal = key.refusal(for: algorithm) {
                firstRefusal = firstRefusal ?? refusal
            } else {
                fitting.append(key)
            }
        }
        if fitting.isEmpty, let firstRefusal { throw firstRefusal }
        return fitting
    }
}
