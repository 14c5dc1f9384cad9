internal import CCivicSealPKCS11
import Foundation
import Synchronization

/// A private key object in a token: how to find it again, its public half, and the signing itself.
final class PKCS11KeyHandle: Sendable {
    let token: PKCS11Token
    /// The search criteria (CKA_LABEL and/or CKA_ID) the key was found or generated with.
    let label: String?
    let id: [UInt8]?
    let kind: KeyKind
    let publicKey: PublicKey
    /// Where the key lives, for ``PrivateKey/location``.
    let uri: PKCS11URI
    /// The object handle, valid for one epoch of the token.
    private let cached = Mutex<(epoch: Int, handle: UInt)?>(nil)

    init(token: PKCS11Token, label: String?, id: [UInt8]?, kind: KeyKind, publicKey: PublicKey) {
        self.token = token
        self.label = label
        self.id = id
        self.kind = kind
        self.publicKey = publicKey
        uri = token.uri.with(object: label, id: id)
    }

    func remember(_ handle: UInt, epoch: Int) { cached.withLock { $0 = (epoch, handle) } }

    /// The object handle in this epoch, found again when the token was reconnected since.
    func handle(session: UInt, epoch: Int) throws(CryptoError) -> UInt {
        if let known = cached.withLock({ $0 }), known.epoch == epoch { return known.handle }
        let handle = try token.findPrivateKey(label: label, id: id, session: session)
        remember(handle, epoch: epoch)
        return handle
    }

    /// Signs `data` as `algorithm` says: the digest with OpenSSL, the signature in the token.
    func sign(_ data: UnsafeRawBufferPointer, algorithm: SignatureAlgorithm) throws(CryptoError) -> [UInt8] {
        guard algorithm.fits(kind), let digestAlgorithm = algorithm.digest else {
            throw CryptoError(.keyAlgorithmMismatch, "a \(kind) key cannot make a \(algorithm) signature")
        }
        let digest = Digest.hash(data, algorithm: digestAlgorithm)
        switch algorithm {
        case .ecdsa:
            let raw = try signInToken(CKM_ECDSA, parameter: nil, digest)
            return try ECDSASignature.der(fromRaw: raw, componentLength: kind.ecdsaComponentLength!)
        case .rsaPKCS1:
            let digestInfo = DER.sequence(
                DER.sequence(DER.oid(OID.digest(digestAlgorithm)), [DER.null, 0]), DER.octets(digest))
            return try signInToken(CKM_RSA_PKCS, parameter: nil, digestInfo)
        case .rsaPSS:
            let (hash, mgf): (UInt, UInt) =
                switch digestAlgorithm {
                case .sha256: (CKM_SHA256, CKG_MGF1_SHA256)
                case .sha384: (CKM_SHA384, CKG_MGF1_SHA384)
                case .sha512: (CKM_SHA512, CKG_MGF1_SHA512)
                }
            let parameters = cs_p11_pss_params(hash: hash, mgf: mgf, salt_length: UInt(digestAlgorithm.outputLength))
            return try signInToken(CKM_RSA_PKCS_PSS, parameter: parameters, digest)
        case .ed25519:
            throw CryptoError(.keyAlgorithmMismatch, "token keys are ECDSA or RSA")
        }
    }

    private func signInToken(_ mechanism: UInt, parameter: cs_p11_pss_params?, _ input: [UInt8]) throws(CryptoError)
        -> [UInt8]
    {
        try token.withSession { (session, epoch) throws(CryptoError) -> [UInt8] in
            var retried = false
            while true {
                let object = try handle(session: session, epoch: epoch)
                var signature = [UInt8](repeating: 0, count: 1024)
                var length = UInt(signature.count)
                var parameters = parameter ?? cs_p11_pss_params()
                let rv = withUnsafeMutableBytes(of: &parameters) { raw in
                    cs_p11_sign(
                        token.module.functions, session, mechanism, parameter == nil ? nil : raw.baseAddress,
                        parameter == nil ? 0 : UInt(MemoryLayout<cs_p11_pss_params>.size), object, input,
                        UInt(input.count), &signature, &length)
                }
                if (rv == CKR_KEY_HANDLE_INVALID || rv == CKR_OBJECT_HANDLE_INVALID) && !retried {
                    cached.withLock { $0 = nil }  // the object changed under us: find it again, once
                    retried = true
                    continue
                }
                try PKCS11Return.check(rv, "C_Sign")
                guard length <= UInt(signature.count) else { throw CryptoError(.tokenFailure, "C_Sign: length") }
                return Array(signature.prefix(Int(length)))
            }
        }
    }
}

extension PKCS11Token {
    /// The private key (CKO_PRIVATE_KEY) the URI names by object label and/or id, with its public key read from
    /// the matching CKO_PUBLIC_KEY (CKA_EC_PARAMS + CKA_EC_POINT; or CKA_MODULUS + CKA_PUBLIC_EXPONENT).
    package func privateKey(matching uri: PKCS11URI) throws(CryptoError) -> PrivateKey {
        guard uri.object != nil || uri.id != nil else {
            throw CryptoError(.tokenKeyNotFound, "\(uri) names no key: give object= or id=")
        }
        if let type = uri.type, type != "private" {
            throw CryptoError(.invalidArgument, "\(uri) names a \(type) object, not a private key")
        }
        let mine = self.uri
        for (theirs, ours) in [
            (uri.token, mine.token), (uri.serial, mine.serial), (uri.manufacturer, mine.manufacturer),
            (uri.model, mine.model),
        ] {
            if let theirs, let ours, theirs != ours {
                throw CryptoError(.invalidArgument, "\(uri) names another token than \(mine)")
            }
        }
        return try withSession { (session, epoch) throws(CryptoError) -> PrivateKey in
            let object = try findPrivateKey(label: uri.object, id: uri.id, session: session)
            let keyType = try ulong(attribute(CKA_KEY_TYPE, of: object, session: session))
            let foundID = try? attribute(CKA_ID, of: object, session: session)
            let publicKey: PublicKey
            switch keyType {
            case CKK_EC:
                let template = AttributeTemplate()
                template.add(CKA_CLASS, ulong: CKO_PUBLIC_KEY)
                if let foundID, !foundID.isEmpty {
                    template.add(CKA_ID, bytes: foundID)
                } else if let label = uri.object {
                    template.add(CKA_LABEL, text: label)
                }
                let publics = try find(template, session: session)
                guard publics.count == 1 else {
                    throw CryptoError(.tokenKeyNotFound, "\(uri): \(publics.count) public keys beside the private key")
                }
                publicKey = try ecPublicKey(publics[0], session: session)
            case CKK_RSA:
                publicKey = try PublicKey(
                    rsaModulus: attribute(CKA_MODULUS, of: object, session: session),
                    exponent: attribute(CKA_PUBLIC_EXPONENT, of: object, session: session))
            default:
                throw CryptoError(.unsupportedAlgorithm, "\(uri): key type \(keyType) is not EC or RSA")
            }
            let handle = PKCS11KeyHandle(
                token: self, label: uri.object, id: uri.id, kind: publicKey.kind, publicKey: publicKey)
            handle.remember(object, epoch: epoch)
            return PrivateKey(token: handle)
        }
    }

    /// Generates a key pair inside the token: CKA_TOKEN, CKA_PRIVATE, CKA_SENSITIVE true, CKA_EXTRACTABLE false,
    /// CKA_SIGN true; label + a random 16-byte CKA_ID on both halves. EC P-256 and P-384; RSA 2048–4096.
    package func generateKeyPair(_ kind: KeyKind, label: String) throws(CryptoError) -> PrivateKey {
        guard !label.isEmpty, label.utf8.count <= 128, !label.unicodeScalars.contains(where: { $0.value < 0x20 })
        else { throw CryptoError(.invalidArgument, "a key label is 1–128 bytes of printable UTF-8") }
        let id = SecureRandom.bytes(16)
        let publicTemplate = AttributeTemplate()
        let privateTemplate = AttributeTemplate()
        let mechanism: UInt
        switch kind {
        case .ecP256, .ecP384:
            mechanism = CKM_EC_KEY_PAIR_GEN
            publicTemplate.add(CKA_EC_PARAMS, bytes: kind == .ecP256 ? Self.p256Parameters : Self.p384Parameters)
        case .rsa(let bits):
            guard KeyKind.rsaBitRange.contains(bits) else {
                throw CryptoError(.unsupportedAlgorithm, "RSA-\(bits) is outside 2048–4096 bits")
            }
            mechanism = CKM_RSA_PKCS_KEY_PAIR_GEN
            publicTemplate.add(CKA_MODULUS_BITS, ulong: UInt(bits))
            publicTemplate.add(CKA_PUBLIC_EXPONENT, bytes: [0x01, 0x00, 0x01])
        case .ed25519:
            throw CryptoError(.unsupportedAlgorithm, "token keys are ECDSA P-256/P-384 or RSA")
        }
        for template in [publicTemplate, privateTemplate] {
            template.add(CKA_TOKEN, bool: true)
            template.add(CKA_LABEL, text: label)
            template.add(CKA_ID, bytes: id)
        }
        publicTemplate.add(CKA_VERIFY, bool: true)
        publicTemplate.add(CKA_PRIVATE, bool: false)
        privateTemplate.add(CKA_PRIVATE, bool: true)
        privateTemplate.add(CKA_SENSITIVE, bool: true)
        privateTemplate.add(CKA_EXTRACTABLE, bool: false)
        privateTemplate.add(CKA_SIGN, bool: true)
        return try withSession { (session, epoch) throws(CryptoError) -> PrivateKey in
            let existing = AttributeTemplate()
            existing.add(CKA_CLASS, ulong: CKO_PRIVATE_KEY)
            existing.add(CKA_LABEL, text: label)
            guard try find(existing, session: session).isEmpty else {
                throw CryptoError(.invalidArgument, "the token already holds a private key labelled \(label)")
            }
            var publicObject: UInt = 0
            var privateObject: UInt = 0
            let rv = publicTemplate.withAttributes { publics, publicCount in
                privateTemplate.withAttributes { privates, privateCount in
                    cs_p11_generate_key_pair(
                        module.functions, session, mechanism, publics, publicCount, privates, privateCount,
                        &publicObject, &privateObject)
                }
            }
            try PKCS11Return.check(rv, "C_GenerateKeyPair")
            let publicKey: PublicKey
            switch kind {
            case .rsa:
                publicKey = try PublicKey(
                    rsaModulus: attribute(CKA_MODULUS, of: publicObject, session: session),
                    exponent: attribute(CKA_PUBLIC_EXPONENT, of: publicObject, session: session))
            default:
                publicKey = try ecPublicKey(publicObject, session: session)
            }
            let handle = PKCS11KeyHandle(token: self, label: label, id: id, kind: kind, publicKey: publicKey)
            handle.remember(privateObject, epoch: epoch)
            return PrivateKey(token: handle)
        }
    }

    /// Asks the token for the private key's CKA_VALUE. A test hook: it shows what the token answers for a key that
    /// must never leave it (CKR_ATTRIBUTE_SENSITIVE, as a ``CryptoError/Code/tokenFailure`` naming it).
    package func readSecretValue(of key: PrivateKey) throws(CryptoError) -> [UInt8] {
        guard case .token(let handle) = key.backing, handle.token === self else {
            throw CryptoError(.invalidArgument, "the key does not live in this token")
        }
        return try withSession { (session, epoch) throws(CryptoError) -> [UInt8] in
            try attribute(CKA_VALUE, of: handle.handle(session: session, epoch: epoch), session: session)
        }
    }

    /// The one private key with this label and/or id.
    func findPrivateKey(label: String?, id: [UInt8]?, session: UInt) throws(CryptoError) -> UInt {
        let template = AttributeTemplate()
        template.add(CKA_CLASS, ulong: CKO_PRIVATE_KEY)
        if let label { template.add(CKA_LABEL, text: label) }
        if let id { template.add(CKA_ID, bytes: id) }
        let found = try find(template, session: session)
        let named = uri.with(object: label, id: id)
        guard found.count == 1 else {
            throw CryptoError(
                .tokenKeyNotFound,
                found.isEmpty ? "no private key matches \(named)" : "several private keys match \(named)")
        }
        return found[0]
    }

    /// `ECParameters` (the named curve OID) of P-256 and P-384.
    static let p256Parameters: [UInt8] = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]
    static let p384Parameters: [UInt8] = [0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22]

    /// SubjectPublicKeyInfo from CKA_EC_PARAMS and CKA_EC_POINT (the DER OCTET STRING around the uncompressed point
    /// as the specification says; a bare point is accepted too, as some modules return it).
    func ecPublicKey(_ object: UInt, session: UInt) throws(CryptoError) -> PublicKey {
        let parameters = try attribute(CKA_EC_PARAMS, of: object, session: session)
        let size: Int
        switch parameters {
        case Self.p256Parameters: size = 32
        case Self.p384Parameters: size = 48
        default: throw CryptoError(.unsupportedAlgorithm, "the token key's curve is not P-256 or P-384")
        }
        var point = try attribute(CKA_EC_POINT, of: object, session: session)
        if point.count != 1 + 2 * size {
            var reader = DERReader(point)
            let octets = try reader.read(DER.octetString, "an EC point OCTET STRING")
            try reader.expectEnd("the EC point")
            point = Array(octets.content)
        }
        guard point.count == 1 + 2 * size, point[0] == 0x04 else {
            throw CryptoError(.malformedInput, "the token's EC point is not an uncompressed point")
        }
        let spki = DER.sequence(
            DER.sequence(DER.oid(OID.ecPublicKey), parameters), DER.tlv(0x03, [0x00] + point))
        return try PublicKey(spkiDER: spki)
    }

    private func ulong(_ bytes: [UInt8]) throws(CryptoError) -> UInt {
        guard bytes.count == MemoryLayout<UInt>.size else {
            throw CryptoError(.tokenFailure, "C_GetAttributeValue: a CK_ULONG of \(bytes.count) bytes")
        }
        return bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt.self) }
    }
}
