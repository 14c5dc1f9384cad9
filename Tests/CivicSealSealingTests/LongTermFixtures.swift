import CivicSealCrypto
import CivicSealPDF
import CivicSealTestSupport
import Foundation

/// A throwaway PKI (root, officer, seal), an `openssl ts` authority, and the validators nobody here wrote, for the
/// two-signature, DSS and document-timestamp sequence.
final class LongTermFixtures: Sendable {
    let directory = TemporaryDirectory("civicseal-lta")
    let root: Certificate
    let officer: CMSSigner
    let seal: CMSSigner
    let responder: OCSPResponder
    let responderCertificate: Certificate
    /// The root's CRL (empty), DER.
    let crl: [UInt8]
    let signingTime: Date

    init() throws {
        signingTime = Date().addingTimeInterval(-60)
        let validity = (Date().addingTimeInterval(-3600), Date().addingTimeInterval(86400 * 30))
        let rootKey = try PrivateKey.generate(.ecP256)
        root = try CertificateBuilder.rootAuthority(
            subject: DistinguishedName([.init("C", "VN"), .init("CN", "Gốc thử dài hạn")]),
            publicKey: rootKey.publicKey, notBefore: validity.0, notAfter: validity.1
        ).selfSigned(with: rootKey)
        let root = self.root
        func signer(_ name: String, officer: Bool = false) throws -> CMSSigner {
            let key = try PrivateKey.generate(.ecP256)
            let subject = DistinguishedName([.init("C", "VN"), .init("CN", name)])
            let builder =
                officer
                ? CertificateBuilder.officer(
                    subject: subject, publicKey: key.publicKey, notBefore: validity.0, notAfter: validity.1)
                : CertificateBuilder.documentSigner(
                    subject: subject, publicKey: key.publicKey, notBefore: validity.0, notAfter: validity.1)
            return try CMSSigner(key: key, certificate: try builder.issued(by: root, key: rootKey), chain: [root])
        }
        officer = try signer("Nguyễn Văn Thử", officer: true)
        seal = try signer("Sở Tư pháp thử nghiệm")
        let responderKey = try PrivateKey.generate(.ecP256)
        responderCertificate = try CertificateBuilder.ocspResponder(
            subject: DistinguishedName([.init("C", "VN"), .init("CN", "OCSP thử")]), publicKey: responderKey.publicKey,
            notBefore: validity.0, notAfter: validity.1
        ).issued(by: root, key: rootKey)
        responder = try OCSPResponder(
            signer: try CMSSigner(key: responderKey, certificate: responderCertificate, chain: [root]), issuer: root
        ) { _ in .good }
        crl = try CertificateRevocationList.issue(
            by: root, key: rootKey, entries: [], number: 1, thisUpdate: validity.0,
            nextUpdate: Date().addingTimeInterval(7 * 86400)
        ).der
        try directory.write("root.pem", text: root.pem)
    }

    /// The page text a reader must still find after every update.
    static let pageText = "Phiếu lý lịch tư pháp thử nghiệm"

    func rendered() throws -> PDFFile {
        let font = try TrueTypeFont.dejaVuSans()
        var page = PDFPage()
        page.text(Self.pageText, font: font, size: 12, at: PDFPoint(x: 56, y: 760))
        let info = PDFDocumentInfo(
            title: "Phiếu thử", author: "Sở Tư pháp thử nghiệm", documentID: "7QH2KX9V4M3TBCJ5RW8ZNPYD6A",
            creationDate: signingTime)
        let field = PDFSignatureField(
            fieldName: "CanBo", rect: PDFRect(x: 56, y: 80, width: 220, height: 44),
            appearance: .init(
                font: font, lines: ["Người ký / Signed by: Nguyễn Văn Thử", "Chức vụ / Title: Phó Giám đốc"]),
            contentsCapacity: 16_000, signingTime: signingTime, signerName: "Nguyễn Văn Thử")
        return PDFDocument(info: info, pages: [page], signatureField: field).render()
    }

    func sealField() throws -> PDFSignatureField {
        PDFSignatureField(
            fieldName: "Dau", rect: PDFRect(x: 320, y: 80, width: 220, height: 44),
            appearance: .init(font: try TrueTypeFont.dejaVuSans()), contentsCapacity: 16_000,
            signingTime: signingTime, signerName: "Sở Tư pháp thử nghiệm")
    }

    /// An `openssl ts` authority with a self-signed certificate whose timeStamping EKU is critical.
    func makeAuthority() throws {
        let path = directory.path
        try directory.write(
            "tsa.cnf",
            text: """
                [ req ]
                distinguished_name = dn
                prompt = no
                [ dn ]
                CN = CivicSeal Test TSA
                C = VN
                [ ext ]
                basicConstraints = critical,CA:false
                keyUsage = critical,digitalSignature
                extendedKeyUsage = critical,timeStamping
                [ tsa ]
                default_tsa = tsa1
                [ tsa1 ]
                serial = \(path)/serial
                crypto_device = builtin
                signer_cert = \(path)/tsa.pem
                signer_key = \(path)/tsa.key
                signer_digest = sha256
                default_policy = 1.2.3.4.1
                digests = sha256
                accuracy = secs:1
                ordering = yes
                tsa_name = no
                ess_cert_id_chain = no
                ess_cert_id_alg = sha256

                """)
        try directory.write("serial", text: "01\n")
        let made = try ExternalTool.run(
            "openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                "\(path)/tsa.key", "-out", "\(path)/tsa.pem", "-days", "30", "-config", "\(path)/tsa.cnf",
                "-extensions", "ext",
            ])
        guard made.status == 0 else { throw ToolFailure(made.errorText) }
    }

    /// The authority's certificate (DER).
    func authorityCertificate() throws -> [UInt8] {
        let path = directory.path
        let converted = try ExternalTool.run(
            "openssl", ["x509", "-in", "\(path)/tsa.pem", "-outform", "DER", "-out", "\(path)/tsa.der"])
        guard converted.status == 0 else { throw ToolFailure(converted.errorText) }
        return Array(try directory.read("tsa.der"))
    }

    /// An RFC 3161 TimeStampToken (DER) over a SHA-256 `digest`, from `openssl ts -reply`.
    func token(digest: [UInt8]) throws -> [UInt8] {
        let path = directory.path
        let hex = digest.map { String(format: "%02x", $0) }.joined()
        let query = try ExternalTool.run(
            "openssl", ["ts", "-query", "-digest", hex, "-sha256", "-cert", "-out", "\(path)/request.tsq"])
        guard query.status == 0 else { throw ToolFailure(query.errorText) }
        let reply = try ExternalTool.run(
            "openssl",
            [
                "ts", "-reply", "-config", "\(path)/tsa.cnf", "-queryfile", "\(path)/request.tsq", "-token_out",
                "-out", "\(path)/token.der",
            ])
        guard reply.status == 0 else { throw ToolFailure(reply.errorText) }
        return Array(try directory.read("token.der"))
    }

    struct ToolFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// `qpdf --check` output, or nil when the file passes.
    func qpdfProblems(_ path: String) throws -> String? {
        let check = try ExternalTool.run("qpdf", ["--check", path])
        return check.status == 0 ? nil : check.text + check.errorText
    }

    /// What pyHanko says about each signature, in file order.
    struct PyHankoSignature: Decodable {
        let field: String
        let kind: String
        let intact: Bool
        let valid: Bool
        let trusted: Bool
        let coverage: String
        let modificationLevel: String?
        let docmdpOK: Bool?
        let bottomLine: Bool
        let summary: String
        /// Whether the signature-time-stamp in the CMS is intact, valid and trusted; nil when there is none.
        let signatureTimeStamp: Bool?

        enum CodingKeys: String, CodingKey {
            case field, kind, intact, valid, trusted, coverage, summary
            case signatureTimeStamp = "signature_timestamp"
            case modificationLevel = "modification_level"
            case docmdpOK = "docmdp_ok"
            case bottomLine = "bottom_line"
        }
    }

    /// What pyHanko reads from the DSS, and whether each signature validates with revocation checked strictly
    /// from the DSS alone.
    struct PyHankoStore: Decodable {
        let certs: Int
        let ocspStatus: [String]
        let crls: Int
        let strict: [Bool]

        enum CodingKeys: String, CodingKey {
            case certs, crls, strict
            case ocspStatus = "ocsp_status"
        }
    }

    struct PyHankoReport: Decodable {
        let signatures: [PyHankoSignature]
        let dss: PyHankoStore?
    }

    func pyHanko(_ path: String) throws -> [PyHankoSignature] { try pyHankoReport(path).signatures }

    func pyHankoReport(_ path: String) throws -> PyHankoReport {
        let script = try directory.write("validate.py", text: Self.pyHankoScript)
        var trust = ["\(directory.path)/root.pem"]
        if FileManager.default.fileExists(atPath: "\(directory.path)/tsa.pem") {
            trust.append("\(directory.path)/tsa.pem")
        }
        let run = try ExternalTool.run("python3", [script, path] + trust)
        guard run.status == 0 else { throw ToolFailure("pyHanko: \(run.errorText)") }
        return try JSONDecoder().decode(PyHankoReport.self, from: run.standardOutput)
    }

    static let pyHankoScript = """
        import json, sys
        from pyhanko.keys import load_cert_from_pemder
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
        from pyhanko_certvalidator import ValidationContext

        from pyhanko.sign.validation.dss import DocumentSecurityStore
        from asn1crypto import ocsp, crl

        roots = [load_cert_from_pemder(p) for p in sys.argv[2:]]
        context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode='soft-fail')
        out = []
        dss = None
        with open(sys.argv[1], 'rb') as f:
            reader = PdfFileReader(f)
            try:
                store = DocumentSecurityStore.read_dss(reader)
            except Exception:
                store = None
            if store is not None:
                ocsp_status = [
                    ocsp.OCSPResponse.load(r.get_object().data)['response_status'].native for r in store.ocsps
                ]
                crl_count = len([crl.CertificateList.load(r.get_object().data) for r in store.crls])
                # Revocation checked strictly, from nothing but what the DSS holds.
                strict = store.as_validation_context(
                    {'trust_roots': roots, 'allow_fetching': False, 'revocation_mode': 'hard-fail'})
                strict_ok = []
                for s in reader.embedded_signatures:
                    if s.sig_object.get('/Type') != '/DocTimeStamp':
                        st = validate_pdf_signature(s, signer_validation_context=strict)
                        strict_ok.append(bool(st.bottom_line))
                dss = {'certs': len(store.certs), 'ocsp_status': ocsp_status, 'crls': crl_count,
                       'strict': strict_ok}
            for s in reader.embedded_signatures:
                timestamp = s.sig_object.get('/Type') == '/DocTimeStamp'
                if timestamp:
                    st = validate_pdf_timestamp(s, validation_context=context)
                else:
                    st = validate_pdf_signature(s, signer_validation_context=context, ts_validation_context=context)
                level = getattr(st, 'modification_level', None)
                tv = getattr(st, 'timestamp_validity', None)
                out.append({
                    'field': s.field_name, 'kind': 'timestamp' if timestamp else 'signature',
                    'intact': bool(st.intact), 'valid': bool(st.valid), 'trusted': bool(st.trusted),
                    'coverage': st.coverage.name if st.coverage else '',
                    'modification_level': level.name if level is not None else None,
                    'docmdp_ok': getattr(st, 'docmdp_ok', None),
                    'bottom_line': bool(getattr(st, 'bottom_line', st.intact and st.valid and st.trusted)),
                    'summary': st.summary(),
                    'signature_timestamp': None if tv is None else bool(tv.intact and tv.valid and tv.trusted),
                })
        print(json.dumps({'signatures': out, 'dss': dss}))
        """

    /// The DER the sealer wrote at the start of a `/Contents` hex string (the rest stays zero).
    static func embeddedCMS(_ file: [UInt8], _ contents: Range<Int>) throws -> [UInt8] {
        let hex = Array(file[(contents.lowerBound + 1)..<(contents.upperBound - 1)])
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: hex.count, by: 2) {
            guard let byte = UInt8(String(decoding: hex[index..<(index + 2)], as: UTF8.self), radix: 16) else {
                throw ToolFailure("not hex")
            }
            bytes.append(byte)
        }
        guard bytes.count > 4, bytes[0] == 0x30, bytes[1] & 0x80 != 0 else { throw ToolFailure("not a long DER") }
        let lengthOctets = Int(bytes[1] & 0x7F)
        let length = bytes[2..<(2 + lengthOctets)].reduce(0) { $0 << 8 | Int($1) }
        return Array(bytes[0..<(2 + lengthOctets + length)])
    }

    /// Runs `body` on a thread of its own: the external tools block, and the test pool is shared.
    static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }
}
