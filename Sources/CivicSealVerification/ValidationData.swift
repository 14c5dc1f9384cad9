import CivicSealCrypto

/// The validation data a file embeds (PAdES B-LT, ETSI EN 319 142-1 §5.4; ISO 32000-2 §12.8.4.3): the Document
/// Security Store's certificates, OCSP responses and CRLs, each with the revision that added it.
struct ValidationData {
    /// One embedded item: its DER and the index (in ``SignedPDF/revisions``) of the revision that wrote it.
    struct Item {
        let der: [UInt8]
        let revision: Int
    }

    /// At most this many items of each kind are read, each at most ``maximumItemSize`` bytes once decoded.
    static let maximumItems = 256
    static let maximumItemSize = 1 << 20

    var certificates: [Item] = []
    var ocspResponses: [Item] = []
    var crls: [Item] = []
    /// The items parsed once: certificates for issuer look-ups, responses and lists with their revision.
    private(set) var parsedCertificates: [Certificate] = []
    private(set) var parsedResponses: [(response: OCSPResponse, revision: Int)] = []
    private(set) var parsedLists: [(list: CertificateRevocationList, revision: Int)] = []

    var isEmpty: Bool { certificates.isEmpty && ocspResponses.isEmpty && crls.isEmpty }

    /// Reads `/DSS` from the last revision's catalog; items that cannot be read are skipped.
    init(_ pdf: SignedPDF) {
        let scanner = pdf.scanner
        var offsets: [Int: Int] = [:]
        for location in scanner.locations { offsets[Int(location.number)] = Int(location.offset) }
        func whole(_ value: PDFValue?) -> PDFObjectScanner.IndirectObject? {
            guard let number = value?.referencedNumber, let offset = offsets[number] else { return nil }
            return scanner.wholeObject(at: offset)
        }
        func revision(of value: PDFValue) -> Int {
            guard let number = value.referencedNumber, let offset = offsets[number] else { return pdf.revisions.count }
            return pdf.revisions.firstIndex { offset < $0.end } ?? pdf.revisions.count
        }
        guard let catalog = whole(scanner.trailer?["Root"])?.value.dictionary,
            let dss = catalog["DSS"].flatMap({ $0.dictionary ?? whole($0)?.value.dictionary })
        else { return }
        func items(_ key: String) -> [Item] {
            guard let value = dss[key] else { return [] }
            let array = value.arrayItems ?? whole(value)?.value.arrayItems ?? []
            var result: [Item] = []
            for entry in array.prefix(Self.maximumItems) {
                guard let stream = whole(entry), let range = stream.stream else { continue }
                let raw = Array(scanner.bytes[range])
                let data: [UInt8]?
                switch stream.value["Filter"] {
                case nil: data = raw
                case .name("FlateDecode")?: data = FlateDecode.inflate(raw, maximumSize: Self.maximumItemSize)
                case .array(let filters, 1)? where filters.first?.nameValue == "FlateDecode":
                    data = FlateDecode.inflate(raw, maximumSize: Self.maximumItemSize)
                default: data = nil
                }
                guard let data, !data.isEmpty, data.count <= Self.maximumItemSize else { continue }
                result.append(Item(der: data, revision: revision(of: entry)))
            }
            return result
        }
        certificates = items("Certs")
        ocspResponses = items("OCSPs")
        crls = items("CRLs")
        parsedCertificates = certificates.compactMap { try? Certificate.known(der: $0.der) }
        parsedResponses = ocspResponses.compactMap { item in
            (try? OCSPResponse(der: item.der)).map { ($0, item.revision) }
        }
        parsedLists = crls.compactMap { item in
            (try? CertificateRevocationList(der: item.der)).map { ($0, item.revision) }
        }
    }
}
