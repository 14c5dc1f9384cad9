import CivicSealDocuments
import CivicSealQR
import CivicSealWorkflow
import Foundation

/// `civicseal-bench render`: form-1 certificates rendered per second on one core (same holder, so the font
/// subset cache hits; and varied holders, so subsets are rebuilt for new glyph sets), and QR encodes per second
/// for a 150-byte URL. The varied-holder figure also reports CPU time per document, which a busy machine does
/// not disturb the way it disturbs wall-clock rates.
enum RenderBenchmark {
    static let floor = 1_000.0

    static func run(seconds: Double) throws {
        let renderer = try DocumentRenderer(templateDirectory: DocumentRenderer.repositoryTemplateDirectory())
        let given = [
            "Ánh Tuyết", "Đức Lương", "Quỳnh Hương", "Ngọc Thịnh", "Văn Hưởng", "Thị Mỹ", "Quốc Bảo", "Hữu Nghĩa",
            "Thị Yến", "Đình Khang",
        ]
        let family = [
            "Nguyễn", "Trần", "Phạm", "Đặng", "Lê", "Hoàng", "Vũ", "Đỗ", "Bùi", "Huỳnh", "Ngô", "Dương", "Lý",
        ]
        let middle = ["Thị", "Văn", "Minh", "Ngọc", "Khắc", "Phương", "Xuân", "Quỳnh"]
        var names: [String] = []
        for (index, first) in family.enumerated() {
            for (other, last) in given.enumerated() {
                names.append("\(first) \(middle[(index + other) % middle.count]) \(last)")
            }
        }
        func record(_ name: String, _ index: Int) -> DocumentRecord {
            DocumentRecord(
                documentID: String(format: "7QH2KX9V4M3TBCJ5RW8ZN%05d", index % 100_000), number: "\(index)/2026/LLTP",
                issuedAt: Date(timeIntervalSince1970: 1_795_000_000 + Double(index)), place: "Hà Nội",
                department: .justiceHanoi,
                officer: DocumentOfficer(
                    fullName: "Lê Văn Hưởng", titleVietnamese: "GIÁM ĐỐC", titleEnglish: "Director"),
                holder: DocumentHolder(
                    fullName: name, sex: .female, birthDate: CalendarDate("1990-09-02")!,
                    birthPlace: "Phường Hàng Bạc, Hà Nội",
                    ethnicity: "Kinh", residence: "Số 12 phố Hàng Bạc, phường Hoàn Kiếm, thành phố Hà Nội",
                    personalID: "001190012345"),
                findings: .criminalRecord(CriminalRecordFindings(form: .form1)))
        }
        let fixed = record(names[0], 0)
        let size = try renderer.render(fixed, signature: SignaturePlaceholder()).bytes.count
        print(
            "# civicseal-bench render — one core, \(Report.format(seconds)) s per figure; \(names.count) distinct "
                + "holder names"
        )
        Report.figure("form1_pdf_bytes_with_signature_placeholder", Double(size), "bytes")

        var counter = 0
        let same = try Measure.rate(seconds: seconds) {
            counter += 1
            var next = fixed
            next.issuedAt = fixed.issuedAt + Double(counter)
            _ = try renderer.render(next)
        }
        Report.figure("render_form1_same_holder", same, "docs/s")
        counter = 0
        let (varied, cpuPerDocument) = try Measure.rateAndCPU(seconds: seconds) {
            counter += 1
            _ = try renderer.render(record(names[counter % names.count], counter))
        }
        Report.figure("render_form1_varied_holders", varied, "docs/s")
        // CPU time per varied-holder render (getrusage): stable on a shared machine; 10⁶ / it is the one-core rate.
        Report.figure("render_form1_cpu_per_doc", cpuPerDocument, "µs")
        Report.figure("render_form1_varied_holders_per_cpu_second", 1e6 / cpuPerDocument, "docs/s")
        counter = 0
        let (sealed, sealedCPU) = try Measure.rateAndCPU(seconds: seconds) {
            counter += 1
            _ = try renderer.render(record(names[counter % names.count], counter), signature: SignaturePlaceholder())
        }
        Report.figure("render_form1_varied_holders_with_signature_placeholder", sealed, "docs/s")
        Report.figure("render_form1_with_signature_placeholder_cpu_per_doc", sealedCPU, "µs")
        // The floor is per core: judged on the wall clock (which a busy machine drags down) and on CPU time.
        let wallClock = min(same, varied, sealed) >= floor ? "met" : "NOT MET"
        let perCPUSecond = 1e6 / max(cpuPerDocument, sealedCPU) >= floor ? "met" : "NOT MET"
        print(
            "render_form1_floor: \(Report.format(floor)) docs/s (wall clock: \(wallClock); per CPU-second: "
                + "\(perCPUSecond))"
        )

        var url = "https://verify.civicseal.invalid/v/7QH2KX9V4M3TBCJ5RW8ZNPYD6A?"
        var filler = 0
        while url.utf8.count < 150 {
            url += String(filler % 10)
            filler += 1
        }
        precondition(url.utf8.count == 150)
        let qr = try Measure.rate(seconds: seconds) { _ = try QRCode(encoding: url, level: .medium) }
        Report.figure("qr_encode_150B_url_level_M", qr, "ops/s")
    }
}
