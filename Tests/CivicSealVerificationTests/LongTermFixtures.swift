import CivicSealTestSupport
import Foundation

/// Two-signature, timestamped, long-term documents made by pyHanko — a signer nobody here wrote — from our rendered
/// form, with certificates the script issues from the fixture's development root: an officer's (policy ARC.2), a
/// seal's (policy ARC.3), a TSA's (critical timeStamping), and OCSP responses and a CRL signed by the root.
enum LongTermFixtures {
    /// The files the script writes, by name: `officer.pdf` (the officer's signature), `sealed.pdf` (then the seal,
    /// locking every field), `lta.pdf` (then a DSS and a document timestamp), and updates after the seal that are
    /// not allowed: `page.pdf` (new page contents), `field.pdf` (a field's value replaced), `third.pdf` (a third
    /// approval signature).
    ///
    /// `revocation`: `good`, `revoked-after` (the seal certificate revoked ten minutes after the signatures'
    /// timestamps, half an hour ago), or `revoked-before` (ten minutes before them). `sealDays`: the seal certificate's
    /// validity from two days before the signatures.
    static func make(
        in directory: TemporaryDirectory, rootKey: String, rootCertificate: String, unsigned: String,
        revocation: String = "good", sealDays: Int = 3650, embedRevocation: Bool = true
    ) throws -> [String: [UInt8]] {
        let script = try directory.write("long_term.py", text: self.script)
        let output = "\(directory.path)/long-term-\(revocation)"
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let result = try ExternalTool.run(
            "python3",
            [
                script, rootKey, rootCertificate, unsigned, output, revocation, String(sealDays),
                embedRevocation ? "embed" : "none",
            ])
        guard result.status == 0 else {
            throw FixtureMissing(description: "pyHanko fixture failed: \(result.text)\(result.errorText)")
        }
        var files: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: output) where name.hasSuffix(".pdf") {
            files[name] = Array(try Data(contentsOf: URL(fileURLWithPath: "\(output)/\(name)")))
        }
        return files
    }

    static let script = #"""
        import sys, datetime, io
        from cryptography import x509
        from cryptography.x509.oid import NameOID, ExtendedKeyUsageOID
        from cryptography.x509 import ocsp
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec, rsa
        from asn1crypto import x509 as ax509, keys as akeys, crl as acrl, ocsp as aocsp
        from pyhanko.sign import signers, fields, timestamps
        from pyhanko.sign.fields import SigFieldSpec, FieldMDPSpec, FieldMDPAction, MDPPerm, SigSeedSubFilter
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
        from pyhanko.sign.validation.dss import DocumentSecurityStore
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.pdf_utils import generic
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        root_key_path, root_cert_path, unsigned, out, revocation, seal_days, embed = sys.argv[1:8]
        ARC = "2.25.213434514593947064134081311862153508573"
        root_key = serialization.load_pem_private_key(open(root_key_path, "rb").read(), None)
        root = x509.load_pem_x509_certificate(open(root_cert_path, "rb").read())
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        # Signed half an hour ago (the fixture's root is back-dated one hour): revocations fall ten minutes either side.
        signed_at = now - datetime.timedelta(minutes=30)

        def issue(cn, ou, policy, days_before, days, usage, eku=None, title=None):
            # pyHanko's dummy timestamper signs with RSA only.
            key = rsa.generate_private_key(65537, 2048) if eku else ec.generate_private_key(ec.SECP256R1())
            names = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                     x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Sở Tư pháp thử nghiệm"),
                     x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou)]
            if title: names.append(x509.NameAttribute(NameOID.TITLE, title))
            names.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
            start = signed_at - datetime.timedelta(days=days_before)
            b = (x509.CertificateBuilder().subject_name(x509.Name(names)).issuer_name(root.subject)
                 .public_key(key.public_key()).serial_number(x509.random_serial_number())
                 .not_valid_before(start).not_valid_after(start + datetime.timedelta(days=days))
                 .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=usage, key_encipherment=False,
                                              data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                              crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
                 .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), False)
                 .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False))
            if policy: b = b.add_extension(x509.CertificatePolicies([x509.PolicyInformation(
                x509.ObjectIdentifier(policy), None)]), critical=False)
            if eku: b = b.add_extension(x509.ExtendedKeyUsage(eku), critical=True)
            return key, b.sign(root_key, hashes.SHA256())

        officer_key, officer = issue("Lê Văn Hưởng", "justice-test", ARC + ".2", 1, 730, True,
                                     title="Phó Giám đốc")
        seal_key, seal = issue("Sở Tư pháp thử nghiệm", "justice-test", ARC + ".3", 2, int(seal_days), True)
        tsa_key, tsa = issue("CivicSeal TSA thử nghiệm", "tsa", None, 1, 2190, True,
                             eku=[ExtendedKeyUsageOID.TIME_STAMPING])

        def a_cert(c): return ax509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
        def a_key(k): return akeys.PrivateKeyInfo.load(k.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        store = SimpleCertificateStore.from_certs([a_cert(root)])
        def stamper(at=None):
            return DummyTimeStamper(tsa_cert=a_cert(tsa), tsa_key=a_key(tsa_key),
                                    certs_to_embed=SimpleCertificateStore.from_certs([a_cert(root)]), fixed_dt=at)

        def sign(data, name, key, cert, lock, at):
            signer = signers.SimpleSigner(signing_cert=a_cert(cert), signing_key=a_key(key), cert_registry=store)
            spec = SigFieldSpec(name, box=(300, 60, 540, 120) if name != "Third" else (40, 60, 200, 120))
            if lock:
                spec = SigFieldSpec(name, box=(40, 60, 260, 120), field_mdp_spec=FieldMDPSpec(FieldMDPAction.ALL),
                                    doc_mdp_update_value=MDPPerm.NO_CHANGES)
            meta = signers.PdfSignatureMetadata(field_name=name, subfilter=SigSeedSubFilter.PADES,
                                                md_algorithm="sha256")
            pdf_signer = signers.PdfSigner(meta, signer=signer, timestamper=stamper(at), new_field_spec=spec)
            output = io.BytesIO()
            pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data), strict=False), output=output)
            return output.getvalue()

        original = open(unsigned, "rb").read()
        officer_pdf = sign(original, "Officer", officer_key, officer, False, signed_at)
        open(f"{out}/officer.pdf", "wb").write(officer_pdf)
        sealed = sign(officer_pdf, "Seal", seal_key, seal, True, signed_at + datetime.timedelta(seconds=30))
        open(f"{out}/sealed.pdf", "wb").write(sealed)

        # Revocation data signed by the root itself (RFC 6960 §4.2.2.2: the issuer may answer).
        revoked_at = {"good": None, "revoked-after": signed_at + datetime.timedelta(minutes=10),
                      "revoked-before": signed_at - datetime.timedelta(minutes=10)}[revocation]
        def ocsp_for(cert, revoked):
            b = ocsp.OCSPResponseBuilder()
            if revoked:
                b = b.add_response(cert=cert, issuer=root, algorithm=hashes.SHA1(),
                                   cert_status=ocsp.OCSPCertStatus.REVOKED, this_update=now,
                                   next_update=now + datetime.timedelta(days=7), revocation_time=revoked,
                                   revocation_reason=x509.ReasonFlags.key_compromise)
            else:
                b = b.add_response(cert=cert, issuer=root, algorithm=hashes.SHA1(),
                                   cert_status=ocsp.OCSPCertStatus.GOOD, this_update=now,
                                   next_update=now + datetime.timedelta(days=7), revocation_time=None,
                                   revocation_reason=None)
            b = b.responder_id(ocsp.OCSPResponderEncoding.HASH, root)
            return b.sign(root_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
        crl = x509.CertificateRevocationListBuilder().issuer_name(root.subject).last_update(now).next_update(
            now + datetime.timedelta(days=7))
        if revoked_at:
            crl = crl.add_revoked_certificate(x509.RevokedCertificateBuilder().serial_number(seal.serial_number)
                                              .revocation_date(revoked_at).build())
        crl_der = crl.sign(root_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

        if embed == "embed":
            certs = [a_cert(c) for c in (officer, seal, tsa, root)]
            ocsps = [aocsp.OCSPResponse.load(ocsp_for(officer, None)),
                     aocsp.OCSPResponse.load(ocsp_for(seal, revoked_at)),
                     aocsp.OCSPResponse.load(ocsp_for(tsa, None))]
            output = io.BytesIO(sealed)
            DocumentSecurityStore.add_dss(output, None, certs=certs, ocsps=ocsps,
                                          crls=[acrl.CertificateList.load(crl_der)], force_write=True)
            with_dss = output.getvalue()
        else:
            with_dss = sealed
        output = io.BytesIO()
        signers.PdfTimeStamper(stamper()).timestamp_pdf(
            IncrementalPdfFileWriter(io.BytesIO(with_dss), strict=False), "sha256", output=output)
        open(f"{out}/lta.pdf", "wb").write(output.getvalue())

        if revocation == "good":
            # Not allowed after the seal: the page's contents replaced.
            w = IncrementalPdfFileWriter(io.BytesIO(sealed), strict=False)
            page = w.root["/Pages"]["/Kids"][0].get_object()
            stream = generic.StreamObject(stream_data=b"BT /F1 14 Tf 72 420 Td (Co an tich) Tj ET")
            page["/Contents"] = w.add_object(stream)
            w.update_container(page)
            output = io.BytesIO()
            w.write(output)
            open(f"{out}/page.pdf", "wb").write(output.getvalue())
            # A field's value replaced: the officer's field now points at the seal's signature value.
            w = IncrementalPdfFileWriter(io.BytesIO(sealed), strict=False)
            form_fields = {str(f.get_object()["/T"]): f.get_object() for f in w.root["/AcroForm"]["/Fields"]}
            form_fields["Officer"]["/V"] = form_fields["Seal"].raw_get("/V")
            w.update_container(form_fields["Officer"])
            output = io.BytesIO()
            w.write(output)
            open(f"{out}/field.pdf", "wb").write(output.getvalue())
            # A third approval signature after the seal's lock.
            try:
                third = sign(sealed, "Third", officer_key, officer, False, None)
                open(f"{out}/third.pdf", "wb").write(third)
            except Exception as error:
                print("third signature refused by pyHanko:", error, file=sys.stderr)
                raise
        """#
}
