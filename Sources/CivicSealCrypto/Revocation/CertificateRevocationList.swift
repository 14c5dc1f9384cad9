internal import COpenSSL
import Foundation

/// An X.509 v2 CRL (RFC 5280 §5): issued by a CA with a CRL number, authority key identifier and reason codes;
/// parsed strictly and within bounds.
package struct CertificateRevocationList: Sendable {
    /// Larger CRLs are refused unread.
    package static let maximumSize = 4 * 1024 * 1024
    static let maximumEntries = 100_000

    /// One revoked certificate.
    package struct Entry: Sendable, Equatable {
        /// Unsigned big-endian serial.
        package let serialNumber: [UInt8]
        package let revocationDate: Date
        package let reason: CRLReason?

        package init(serialNumber: [UInt8], revocationDate: Date, reason: CRLReason?) {
            self.serialNumber = serialNumber
            self.revocationDate = revocationDate
            self.reason = reason
        }
    }

    package let der: [UInt8]
    package let thisUpdate: Date
    package let nextUpdate: Date?
    package let entries: [Entry]
    /// The `cRLNumber` extension, when present and small enough.
    package let number: UInt64?

    /// Issues and signs a CRL with `issuer`'s key (which must match the certificate).
    package static func issue(
        by issuer: Certificate, key: PrivateKey, entries: [Entry], number: UInt64, thisUpdate: Date, nextUpdate: Date
    ) throws(CryptoError) -> CertificateRevocationList {
        guard (try? key.publicKey.spkiDER()) == (try? issuer.publicKey.spkiDER()) else {
            throw CryptoError(.invalidArgument, "the CRL key does not match the issuer certificate")
        }
        guard thisUpdate < nextUpdate else { throw CryptoError(.invalidArgument, "thisUpdate must precede nextUpdate") }
        guard entries.count <= maximumEntries else { throw CryptoError(.invalidArgument, "too many CRL entries") }
        guard let crl = X509_CRL_new() else { throw .openSSL("X509_CRL_new failed") }
        defer { X509_CRL_free(crl) }
        guard X509_CRL_set_version(crl, 1) == 1,
            X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer.pointer)) == 1
        else { throw .openSSL("setting the CRL issuer failed") }
        let last = try RevocationASN1.time(thisUpdate)
        defer { ASN1_TIME_free(last) }
        let next = try RevocationASN1.time(nextUpdate)
        defer { ASN1_TIME_free(next) }
        guard X509_CRL_set1_lastUpdate(crl, last) == 1, X509_CRL_set1_nextUpdate(crl, next) == 1 else {
            throw .openSSL("setting the CRL times failed")
        }
        for entry in entries { try add(entry, to: crl) }
        guard let crlNumber = ASN1_INTEGER_new() else { throw .openSSL("ASN1_INTEGER_new failed") }
        defer { ASN1_INTEGER_free(crlNumber) }
        guard ASN1_INTEGER_set_uint64(crlNumber, number) == 1,
            X509_CRL_add1_ext_i2d(crl, NID_crl_number, crlNumber, 0, 0) == 1
        else { throw .openSSL("adding the CRL number failed") }
        var context = X509V3_CTX()
        cs_X509V3_set_ctx_nodb(&context)
        X509V3_set_ctx(&context, issuer.pointer, nil, nil, crl, 0)
        guard let keyIdentifier = X509V3_EXT_conf_nid(nil, &context, NID_authority_key_identifier, "keyid:always")
        else { throw .openSSL("the CRL authority key identifier failed") }
        defer { X509_EXTENSION_free(keyIdentifier) }
        guard X509_CRL_add_ext(crl, keyIdentifier, -1) == 1, X509_CRL_sort(crl) == 1 else {
            throw .openSSL("adding CRL extensions failed")
        }
        let digest: OpaquePointer? =
            switch key.kind {
            case .ed25519: nil
            case .ecP384: DigestAlgorithm.sha384.evpMD
            default: DigestAlgorithm.sha256.evpMD
            }
        guard X509_CRL_sign(crl, try key.evpKey(for: "signing a CRL").pointer, digest) > 0 else {
            throw .openSSL("signing the CRL failed")
        }
        return try CertificateRevocationList(der: try derEncode { i2d_X509_CRL(crl, $0) })
    }

    /// Parses a DER `CertificateList`; trailing bytes are refused.
    package init(der: [UInt8]) throws(CryptoError) {
        guard der.count <= Self.maximumSize else {
            throw CryptoError(.malformedInput, "a CRL larger than \(Self.maximumSize) bytes is refused")
        }
        let crl = try Self.parse(der)
        defer { X509_CRL_free(crl) }
        guard let last = RevocationASN1.date(X509_CRL_get0_lastUpdate(crl)) else {
            throw CryptoError(.malformedInput, "the CRL thisUpdate is malformed")
        }
        let nextTime = X509_CRL_get0_nextUpdate(crl)
        let next = RevocationASN1.date(nextTime)
        if nextTime != nil, next == nil { throw CryptoError(.malformedInput, "the CRL nextUpdate is malformed") }
        var parsed: [Entry] = []
        if let revoked = X509_CRL_get_REVOKED(crl) {
            let count = cs_sk_X509_REVOKED_num(revoked)
            guard count <= Int32(Self.maximumEntries) else {
                throw CryptoError(.malformedInput, "the CRL lists \(count) certificates")
            }
            for index in 0..<count {
                guard let item = cs_sk_X509_REVOKED_value(revoked, index) else { continue }
                parsed.append(try Self.entry(item))
            }
        }
        var critical: Int32 = 0
        if let raw = X509_CRL_get_ext_d2i(crl, NID_crl_number, &critical, nil) {
            let integer = raw.assumingMemoryBound(to: ASN1_INTEGER.self)
            var value: UInt64 = 0
            number = ASN1_INTEGER_get_uint64(&value, integer) == 1 ? value : nil
            ASN1_INTEGER_free(integer)
        } else {
            number = nil
        }
        OpenSSLErrorQueue.clear()
        self.der = der
        thisUpdate = last
        nextUpdate = next
        entries = parsed
    }

    /// Whether `issuer` signed this CRL: the issuer names match and the signature verifies with its key.
    package func isSigned(by issuer: Certificate) -> Bool {
        guard let crl = try? Self.parse(der) else { return false }
        defer { X509_CRL_free(crl) }
        defer { OpenSSLErrorQueue.clear() }
        guard X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(issuer.pointer)) == 0,
            let key = X509_get0_pubkey(issuer.pointer)
        else { return false }
        return X509_CRL_verify(crl, key) == 1
    }

    /// The entry for `certificate`'s serial, if listed.
    package func entry(for certificate: Certificate) -> Entry? {
        let serial = certificate.serialNumberBytes
        return entries.first { $0.serialNumber == serial }
    }

    // MARK: - Internals

    private static func add(_ entry: Entry, to crl: OpaquePointer) throws(CryptoError) {
        guard let revoked = X509_REVOKED_new() else { throw .openSSL("X509_REVOKED_new failed") }
        var owned = true
        defer { if owned { X509_REVOKED_free(revoked) } }
        let serial = try RevocationASN1.integer(entry.serialNumber)
        defer { ASN1_INTEGER_free(serial) }
        let date = try RevocationASN1.time(entry.revocationDate)
        defer { ASN1_TIME_free(date) }
        guard X509_REVOKED_set_serialNumber(revoked, serial) == 1, X509_REVOKED_set_revocationDate(revoked, date) == 1
        else { throw .openSSL("setting a CRL entry failed") }
        if let reason = entry.reason {
            guard let code = ASN1_ENUMERATED_new() else { throw .openSSL("ASN1_ENUMERATED_new failed") }
            defer { ASN1_ENUMERATED_free(code) }
            guard ASN1_ENUMERATED_set(code, reason.rawValue) == 1,
                X509_REVOKED_add1_ext_i2d(revoked, NID_crl_reason, code, 0, 0) == 1
            else { throw .openSSL("adding a CRL reason failed") }
        }
        guard X509_CRL_add0_revoked(crl, revoked) == 1 else { throw .openSSL("X509_CRL_add0_revoked failed") }
        owned = false
    }

    private static func entry(_ item: OpaquePointer) throws(CryptoError) -> Entry {
        guard let serial = RevocationASN1.magnitude(X509_REVOKED_get0_serialNumber(item)),
            let date = RevocationASN1.date(X509_REVOKED_get0_revocationDate(item))
        else { throw CryptoError(.malformedInput, "a CRL entry is malformed") }
        var reason: CRLReason?
        var critical: Int32 = 0
        if let raw = X509_REVOKED_get_ext_d2i(item, NID_crl_reason, &critical, nil) {
            let code = raw.assumingMemoryBound(to: ASN1_ENUMERATED.self)
            reason = CRLReason(rawValue: ASN1_ENUMERATED_get(code))
            ASN1_ENUMERATED_free(code)
            guard reason != nil else { throw CryptoError(.malformedInput, "a CRL reason code is unknown") }
        } else if critical == -2 {
            throw CryptoError(.malformedInput, "a CRL entry repeats its reason code")
        }
        return Entry(serialNumber: serial, revocationDate: date, reason: reason)
    }

    private static func parse(_ der: [UInt8]) throws(CryptoError) -> OpaquePointer {
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            var cursor: UnsafePointer<UInt8>? = base
            let crl = d2i_X509_CRL(nil, &cursor, buffer.count)
            guard let crl, cursor == base + buffer.count else {
                X509_CRL_free(crl)
                return nil
            }
            return crl
        }
        guard let parsed else { throw .openSSL(.malformedInput, "not a DER CRL") }
        return parsed
    }
}
