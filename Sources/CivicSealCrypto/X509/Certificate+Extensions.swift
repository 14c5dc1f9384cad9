internal import COpenSSL
import Foundation

/// The certificate extensions revocation and long-term validation read (RFC 5280 §4.2), decoded from the DER
/// OpenSSL already accepted. Each accessor reads the extension list afresh; none is on a hot path.
extension Certificate {
    /// One extension as it appears in `TBSCertificate.extensions`.
    struct RawExtension {
        let oid: String
        let isCritical: Bool
        /// The contents of `extnValue` (the DER of the extension's own type).
        let value: ArraySlice<UInt8>
    }

    /// The serial number as an unsigned big-endian magnitude without leading zero bytes: the form OCSP, CRLs and
    /// the revocation store key on (`serialNumber` is the same number as hex text).
    package var serialNumberBytes: [UInt8] {
        guard let number = ASN1_INTEGER_to_BN(X509_get0_serialNumber(pointer), nil) else { return [] }
        defer { BN_free(number) }
        var bytes = [UInt8](repeating: 0, count: Int((BN_num_bits(number) + 7) / 8))
        _ = BN_bn2bin(number, &bytes)
        return bytes
    }

    /// Authority information access `id-ad-ocsp` URIs (RFC 5280 §4.2.2.1).
    package var ocspURLs: [String] { accessLocations(method: "1.3.6.1.5.5.7.48.1") }

    /// Authority information access `id-ad-caIssuers` URIs.
    package var caIssuersURLs: [String] { accessLocations(method: "1.3.6.1.5.5.7.48.2") }

    /// The full-name URIs of the CRL distribution points (RFC 5280 §4.2.1.13).
    package var crlDistributionPointURLs: [String] {
        guard let value = extensionValue("2.5.29.31") else { return [] }
        var urls: [String] = []
        do throws(CryptoError) {
            var reader = DERReader(value)
            var points = try reader.read(DER.sequence, "CRLDistributionPoints").children()
            while !points.isAtEnd {
                var point = try points.read(DER.sequence, "DistributionPoint").children()
                guard var name = try point.readIfPresent(0xA0)?.children() else { continue }
                guard var fullName = try name.readIfPresent(0xA0)?.children() else { continue }
                while !fullName.isAtEnd {
                    let general = try fullName.read()
                    if general.tag == 0x86 { urls.append(String(decoding: general.content, as: UTF8.self)) }
                }
            }
        } catch { return urls }
        return urls
    }

    /// Certificate policy OIDs in dotted form (RFC 5280 §4.2.1.4); CivicSeal tells an officer's certificate from a
    /// seal's by these (``CivicSealPolicy``).
    package var certificatePolicies: [String] {
        guard let value = extensionValue("2.5.29.32") else { return [] }
        var policies: [String] = []
        do throws(CryptoError) {
            var reader = DERReader(value)
            var list = try reader.read(DER.sequence, "certificatePolicies").children()
            while !list.isAtEnd {
                var information = try list.read(DER.sequence, "PolicyInformation").children()
                policies.append(OID.dotted(try information.read(DER.objectIdentifier, "policyIdentifier").content))
            }
        } catch { return policies }
        return policies
    }

    /// Whether the extended key usage extension is marked critical (RFC 3161 §2.3 requires it of a TSA).
    package var isExtendedKeyUsageCritical: Bool { rawExtensions.first { $0.oid == "2.5.29.37" }?.isCritical ?? false }

    /// Whether the certificate carries `id-pkix-ocsp-nocheck` (RFC 6960 §4.2.2.2.1): a delegated OCSP responder
    /// whose own status need not be checked.
    package var hasOCSPNoCheck: Bool { rawExtensions.contains { $0.oid == "1.3.6.1.5.5.7.48.1.5" } }

    /// The DER of the subject Name (what an OCSP CertID's issuerNameHash covers).
    var subjectNameDER: [UInt8] {
        (try? derEncode { i2d_X509_NAME(X509_get_subject_name(pointer), $0) }) ?? []
    }

    func extensionValue(_ oid: String) -> ArraySlice<UInt8>? { rawExtensions.first { $0.oid == oid }?.value }

    /// `TBSCertificate.extensions`, in order; empty for a v1 certificate.
    var rawExtensions: [RawExtension] {
        do throws(CryptoError) {
            var outer = DERReader(der)
            var certificate = try outer.read(DER.sequence, "Certificate").children()
            var tbs = try certificate.read(DER.sequence, "TBSCertificate").children()
            _ = try tbs.readIfPresent(0xA0)
            for _ in 0..<6 { _ = try tbs.read() }  // serial, signature, issuer, validity, subject, key
            _ = try tbs.readIfPresent(0x81)
            _ = try tbs.readIfPresent(0x82)
            guard let wrapper = try tbs.readIfPresent(0xA3) else { return [] }
            var wrapped = try wrapper.children()
            var list = try wrapped.read(DER.sequence, "Extensions").children()
            var extensions: [RawExtension] = []
            while !list.isAtEnd {
                var item = try list.read(DER.sequence, "Extension").children()
                let oid = OID.dotted(try item.read(DER.objectIdentifier, "extnID").content)
                var critical = false
                if let flag = try item.readIfPresent(0x01) { critical = flag.content.first.map { $0 != 0 } ?? false }
                let value = try item.read(DER.octetString, "extnValue").content
                extensions.append(RawExtension(oid: oid, isCritical: critical, value: value))
            }
            return extensions
        } catch {
            return []
        }
    }

    private func accessLocations(method: String) -> [String] {
        guard let value = extensionValue("1.3.6.1.5.5.7.1.1") else { return [] }
        var urls: [String] = []
        do throws(CryptoError) {
            var reader = DERReader(value)
            var list = try reader.read(DER.sequence, "AuthorityInfoAccessSyntax").children()
            while !list.isAtEnd {
                var description = try list.read(DER.sequence, "AccessDescription").children()
                let accessMethod = OID.dotted(try description.read(DER.objectIdentifier, "accessMethod").content)
                let location = try description.read()
                if accessMethod == method, location.tag == 0x86 {
                    urls.append(String(decoding: location.content, as: UTF8.self))
                }
            }
        } catch { return urls }
        return urls
    }
}

/// CivicSeal's object identifiers, under the UUID arc of ITU-T X.667 (no registration needed).
package enum CivicSealPolicy {
    /// `2.25.213434514593947064134081311862153508573`.
    package static let arc = "2.25.213434514593947064134081311862153508573"
    /// The timestamp authority's policy (`TSTInfo.policy`).
    package static let timeStamping = arc + ".1"
    /// Carried by officer (personal) certificates.
    package static let officer = arc + ".2"
    /// Carried by department seal certificates.
    package static let seal = arc + ".3"
    /// Carried by the document-status signer's certificate.
    package static let statusSigner = arc + ".4"
}

extension Certificate {
    /// Whether `issuer` issued this certificate: the issuer name and key identifiers match
    /// (`X509_check_issued`) and the signature verifies with the issuer's key. Says nothing about validity periods.
    package func isIssued(by issuer: Certificate) -> Bool {
        guard X509_check_issued(issuer.pointer, pointer) == X509_V_OK else { return false }
        guard let key = X509_get0_pubkey(issuer.pointer) else { return false }
        let verified = X509_verify(pointer, key) == 1
        OpenSSLErrorQueue.clear()
        return verified
    }
}
