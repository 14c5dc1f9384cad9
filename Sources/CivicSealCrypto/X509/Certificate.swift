internal import COpenSSL
import Foundation

/// A parsed X.509 certificate (RFC 5280). Parsed once; the fields below are read at load time.
// the X509 is never mutated after init
package final class Certificate: @unchecked Sendable, Hashable, CustomStringConvertible {
    let pointer: OpaquePointer  // X509*, one reference owned

    package let subject: DistinguishedName
    package let issuer: DistinguishedName
    /// Serial number as uppercase hex, as `openssl x509 -serial` prints it.
    package let serialNumber: String
    package let notBefore: Date
    package let notAfter: Date
    /// Key usage bits, or nil when the extension is absent.
    package let keyUsage: KeyUsage?
    /// Extended key usage OIDs in dotted form (empty when absent).
    package let extendedKeyUsage: [String]
    package let subjectKeyIdentifier: [UInt8]?
    package let authorityKeyIdentifier: [UInt8]?
    /// basicConstraints cA.
    package let isCertificateAuthority: Bool
    /// The DER encoding.
    package let der: [UInt8]
    /// SHA-256 of the DER: the fingerprint CivicSeal shows and registers.
    package let sha256Fingerprint: [UInt8]
    /// The subject public key, parsed once.
    package let publicKey: PublicKey
    /// DER of the issuer Name and of the serial INTEGER, as CMS `IssuerAndSerialNumber` and ESS need them.
    let issuerNameDER: [UInt8]
    let serialNumberDER: [UInt8]

    /// Takes ownership of one reference to `pointer`.
    init(taking pointer: OpaquePointer) throws(CryptoError) {
        self.pointer = pointer
        do throws(CryptoError) {
            der = try derEncode { i2d_X509(pointer, $0) }
            subject = Self.name(X509_get_subject_name(pointer))
            issuer = Self.name(X509_get_issuer_name(pointer))
            serialNumber = Self.serial(pointer)
            guard let before = Self.date(X509_get0_notBefore(pointer)),
                let after = Self.date(X509_get0_notAfter(pointer))
            else { throw CryptoError(.malformedInput, "certificate validity is malformed") }
            notBefore = before
            notAfter = after
            let flags = X509_get_extension_flags(pointer)
            if flags & UInt32(EXFLAG_INVALID) != 0 {
                throw CryptoError(.malformedInput, "certificate extensions are malformed")
            }
            keyUsage =
                flags & UInt32(EXFLAG_KUSAGE) != 0 ? KeyUsage(rawValue: X509_get_key_usage(pointer) & 0xFFFF) : nil
            isCertificateAuthority = flags & UInt32(EXFLAG_CA) != 0
            extendedKeyUsage = Self.extendedKeyUsage(pointer)
            subjectKeyIdentifier = Self.octets(X509_get0_subject_key_id(pointer))
            authorityKeyIdentifier = Self.octets(X509_get0_authority_key_id(pointer))
            sha256Fingerprint = Digest.sha256(der)
            (issuerNameDER, serialNumberDER) = try Self.issuerAndSerial(der)
            guard let key = X509_get_pubkey(pointer) else {
                throw CryptoError.openSSL(.malformedInput, "certificate public key is malformed")
            }
            publicKey = PublicKey(try EVPKey(taking: key))
        } catch {
            X509_free(pointer)
            throw error
        }
    }

    /// Shares an `X509*` owned elsewhere by taking a new reference.
    convenience init(sharing pointer: OpaquePointer) throws(CryptoError) {
        X509_up_ref(pointer)
        try self.init(taking: pointer)
    }

    deinit { X509_free(pointer) }

    /// Parses one DER certificate; trailing bytes are refused.
    package convenience init(der: [UInt8]) throws(CryptoError) {
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            let certificate = d2i_X509(nil, &cursor, buffer.count)
            if certificate != nil, cursor != buffer.baseAddress! + buffer.count {
                X509_free(certificate)
                return nil
            }
            return certificate
        }
        guard let parsed else { throw .openSSL(.malformedInput, "not a DER X.509 certificate") }
        try self.init(taking: parsed)
    }

    /// Parses the first `CERTIFICATE` block of a PEM text.
    package convenience init(pem: String) throws(CryptoError) {
        guard let first = PEM.decodeAll(label: "CERTIFICATE", from: pem).first else {
            throw CryptoError(.malformedInput, "no PEM CERTIFICATE block found")
        }
        try self.init(der: first)
    }

    /// Every certificate of a PEM bundle, in order.
    package static func chain(pem: String) throws(CryptoError) -> [Certificate] {
        var certificates: [Certificate] = []
        for der in PEM.decodeAll(label: "CERTIFICATE", from: pem) { certificates.append(try Certificate(der: der)) }
        guard !certificates.isEmpty else { throw CryptoError(.malformedInput, "no PEM CERTIFICATE block found") }
        return certificates
    }

    package var pem: String { PEM.encode(label: "CERTIFICATE", der: der) }

    /// Fingerprint as colon-less lowercase hex.
    package var fingerprintHex: String { Hex.encode(sha256Fingerprint) }

    /// Whether the certificate is issued by itself and verifies with its own key (whatever its key usage).
    package var isSelfSigned: Bool { X509_self_signed(pointer, 1) == 1 }

    /// True when `at` lies inside [notBefore, notAfter].
    package func isValid(at time: Date) -> Bool { time >= notBefore && time <= notAfter }

    package var description: String { "\(subject) (serial \(serialNumber), SHA-256 \(fingerprintHex))" }

    package static func == (lhs: Certificate, rhs: Certificate) -> Bool { lhs.der == rhs.der }
    package func hash(into hasher: inout Swift.Hasher) { hasher.combine(sha256Fingerprint) }

    // MARK: - Field extraction

    /// Reads `TBSCertificate.serialNumber` and `.issuer` as raw DER (RFC 5280 §4.1).
    private static func issuerAndSerial(_ der: [UInt8]) throws(CryptoError) -> ([UInt8], [UInt8]) {
        var outer = DERReader(der)
        var certificate = try outer.read(DER.sequence, "Certificate").children()
        var tbs = try certificate.read(DER.sequence, "TBSCertificate").children()
        _ = try tbs.readIfPresent(0xA0)  // version
        let serial = try tbs.read(DER.integer, "serialNumber")
        _ = try tbs.read(DER.sequence, "signature")
        let issuer = try tbs.read(DER.sequence, "issuer")
        return (Array(issuer.encoded), Array(serial.encoded))
    }

    static func name(_ name: OpaquePointer?) -> DistinguishedName {
        guard let name else { return DistinguishedName([]) }
        var attributes: [DistinguishedName.Attribute] = []
        for index in 0..<X509_NAME_entry_count(name) {
            guard let entry = X509_NAME_get_entry(name, index) else { continue }
            let nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(entry))
            let type = nid == NID_undef ? "UNKNOWN" : String(cString: OBJ_nid2sn(nid))
            var utf8: UnsafeMutablePointer<UInt8>?
            let length = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(entry))
            guard length >= 0, let utf8 else { continue }
            attributes.append(
                .init(type, String(decoding: UnsafeBufferPointer(start: utf8, count: Int(length)), as: UTF8.self)))
            cs_OPENSSL_free(utf8)
        }
        return DistinguishedName(attributes)
    }

    private static func serial(_ certificate: OpaquePointer) -> String {
        guard let number = ASN1_INTEGER_to_BN(X509_get0_serialNumber(certificate), nil) else { return "" }
        defer { BN_free(number) }
        guard let hex = BN_bn2hex(number) else { return "" }
        defer { cs_OPENSSL_free(hex) }
        return String(cString: hex)
    }

    static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date? {
        guard let time else { return nil }
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }

    private static func octets(_ string: UnsafePointer<ASN1_OCTET_STRING>?) -> [UInt8]? {
        guard let string, let data = ASN1_STRING_get0_data(string) else { return nil }
        return Array(UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(string))))
    }

    private static func extendedKeyUsage(_ certificate: OpaquePointer) -> [String] {
        guard let raw = X509_get_ext_d2i(certificate, NID_ext_key_usage, nil, nil) else { return [] }
        let usages = OpaquePointer(raw)
        defer { cs_EXTENDED_KEY_USAGE_free(usages) }
        var oids: [String] = []
        for index in 0..<cs_sk_ASN1_OBJECT_num(usages) {
            var buffer = [CChar](repeating: 0, count: 128)
            let length = OBJ_obj2txt(&buffer, Int32(buffer.count), cs_sk_ASN1_OBJECT_value(usages, index), 1)
            if length > 0 {
                oids.append(String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
        }
        return oids
    }
}
