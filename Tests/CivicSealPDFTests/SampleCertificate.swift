import CivicSealPDF
import Foundation

/// The fonts every test shares (parsed once).
enum TestFonts {
    static let regular: TrueTypeFont = try! TrueTypeFont.dejaVuSans()
    static let bold: TrueTypeFont = try! TrueTypeFont.dejaVuSansBold()
}

/// A one-page criminal record certificate with the content the acceptance criteria name.
enum SampleCertificate {
    static let holders = ["Nguyễn Thị Ánh Tuyết", "Trần Đức Lương", "Phạm Quỳnh Hương", "Đặng Thị Ngọc Thịnh"]
    static let stackedDiacritics = "Kiểm tra dấu chồng: Ặ ẫ ệ ộ ữ ỹ Ẩm ướt"
    static let strings =
        holders + [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Phiếu lý lịch tư pháp số 1",
            "Không có án tích",
            "Họ và tên", "Full name", "Ngày sinh", "Date of birth", stackedDiacritics,
        ]
    static let date = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18
    static let documentID = "VN-LLTP-2026-000123"

    static func info(date: Date = date) -> PDFDocumentInfo {
        PDFDocumentInfo(
            title: "Phiếu lý lịch tư pháp số 1 – Nguyễn Thị Ánh Tuyết", author: "Sở Tư pháp Thành phố Hà Nội",
            subject: "Criminal record certificate No. 1 <test & \"escape\">", keywords: ["lý lịch tư pháp"],
            documentID: documentID,
            creationDate: date)
    }

    static func page() -> PDFPage {
        let regular = TestFonts.regular
        let bold = TestFonts.bold
        var page = PDFPage()
        let left = 56.0
        let width = page.width - 2 * left

        // Header: department on the left, national motto on the right.
        page.text(
            "SỞ TƯ PHÁP", font: bold, size: 10, x: left, width: 200, baseline: page.fromTop(60), alignment: .center)
        page.text(
            "THÀNH PHỐ HÀ NỘI", font: bold, size: 10, x: left, width: 200, baseline: page.fromTop(73),
            alignment: .center)
        page.line(
            from: PDFPoint(x: left + 70, y: page.fromTop(78)), to: PDFPoint(x: left + 130, y: page.fromTop(78)),
            width: 0.6)
        page.text(
            "Số / No.: 123/2026/LLTP", font: regular, size: 9, x: left, width: 200, baseline: page.fromTop(92),
            alignment: .center)
        let right = left + 200
        page.text(
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font: bold, size: 10, x: right, width: width - 200,
            baseline: page.fromTop(60), alignment: .center)
        page.text(
            "Độc lập - Tự do - Hạnh phúc", font: bold, size: 11, x: right, width: width - 200,
            baseline: page.fromTop(74), alignment: .center)
        let mottoWidth = bold.measure("Độc lập - Tự do - Hạnh phúc", size: 11)
        let mottoLeft = right + (width - 200 - mottoWidth) / 2
        page.line(
            from: PDFPoint(x: mottoLeft, y: page.fromTop(78)),
            to: PDFPoint(x: mottoLeft + mottoWidth, y: page.fromTop(78)), width: 0.6)
        page.text(
            "Socialist Republic of Viet Nam – Independence, Freedom, Happiness", font: regular, size: 6.5, x: right,
            width: width - 200, baseline: page.fromTop(88), alignment: .center)

        // Title.
        page.text(
            "Phiếu lý lịch tư pháp số 1", font: bold, size: 17, x: left, width: width, baseline: page.fromTop(130),
            alignment: .center)
        page.text(
            "Criminal Record Certificate No. 1", font: regular, size: 10, x: left, width: width,
            baseline: page.fromTop(145), alignment: .center)

        // Identity block: Vietnamese label, English beneath in a smaller size, value to the right.
        let fields: [(String, String, String)] = [
            ("Họ và tên", "Full name", holders[0]), ("Ngày sinh", "Date of birth", "02/09/1990"),
            ("Số định danh cá nhân", "Personal ID number", "001190012345"),
            ("Nơi cư trú", "Place of residence", "Số 12 phố Hàng Bạc, phường Hoàn Kiếm, Thành phố Hà Nội"),
        ]
        var y = page.fromTop(175)
        for (vietnamese, english, value) in fields {
            page.text(vietnamese, font: bold, size: 10, at: PDFPoint(x: left, y: y))
            page.text(english, font: regular, size: 7.5, at: PDFPoint(x: left, y: y - 10))
            let bottom = page.paragraph(value, font: regular, size: 10.5, x: left + 150, top: y + 9, width: width - 150)
            y = min(y - 28, bottom - 12)
        }

        // Findings.
        page.line(from: PDFPoint(x: left, y: y + 6), to: PDFPoint(x: left + width, y: y + 6), width: 0.8)
        y -= 14
        page.text("Tình trạng án tích", font: bold, size: 10, at: PDFPoint(x: left, y: y))
        page.text("Criminal record status", font: regular, size: 7.5, at: PDFPoint(x: left, y: y - 10))
        page.text("Không có án tích", font: bold, size: 12, at: PDFPoint(x: left + 150, y: y))
        page.text("No criminal record", font: regular, size: 8, at: PDFPoint(x: left + 150, y: y - 11))
        y -= 34
        y = page.paragraph(
            "Phiếu này được cấp theo yêu cầu của người có tên trên để bổ sung hồ sơ xin việc. Thông tin trong phiếu "
                + "được đối chiếu "
                + "với cơ sở dữ liệu lý lịch tư pháp quốc gia tại thời điểm cấp; mọi tẩy xóa, sửa chữa làm phiếu mất "
                + "giá trị.",
            font: regular, size: 9.5, x: left, top: y, width: width, alignment: .left)
        y -= 12

        // Table with a bold header row and row rules.
        let table = PDFTable(
            columns: [
                PDFTable.Column("STT\nNo.", width: 40, alignment: .center),
                PDFTable.Column("Họ và tên\nFull name", width: 170),
                PDFTable.Column("Quan hệ\nRelationship", width: 120),
                PDFTable.Column("Ghi chú\nNotes", width: width - 330),
            ],
            rows: [
                ["1", holders[1], "Cha / Father", "Không có án tích"],
                ["2", holders[2], "Mẹ / Mother", "Đã xóa án tích theo quy định của pháp luật"],
                ["3", holders[3], "Chị / Sister", "—"],
            ], font: regular, boldFont: bold, size: 9)
        y = page.table(table, x: left, top: y)
        y -= 16
        page.text(stackedDiacritics, font: regular, size: 10, at: PDFPoint(x: left, y: y))

        // Signing block.
        let signX = left + width - 220
        page.text(
            "Hà Nội, ngày 18 tháng 11 năm 2026", font: regular, size: 9.5, x: signX, width: 220,
            baseline: page.fromTop(600), alignment: .center)
        page.text(
            "GIÁM ĐỐC", font: bold, size: 10.5, x: signX, width: 220, baseline: page.fromTop(616), alignment: .center)
        page.text(
            "Director", font: regular, size: 7.5, x: signX, width: 220, baseline: page.fromTop(626), alignment: .center)
        page.text(
            "Lê Văn Hưởng", font: bold, size: 10.5, x: signX, width: 220, baseline: page.fromTop(716),
            alignment: .center)

        // A QR-like module pattern with its quiet zone, and the verification address beneath.
        var modules: [(column: Int, row: Int)] = []
        for row in 0..<29 {
            for column in 0..<29 where (row * 31 + column * 17 + row * column) % 3 == 0 || (row < 7 && column < 7) {
                modules.append((column, row))
            }
        }
        page.modules(modules, topLeft: PDFPoint(x: left + 8, y: page.fromTop(590)), moduleSize: 3)
        page.text(
            "https://civicseal.gov.vn/v/VN-LLTP-2026-000123", font: regular, size: 7,
            at: PDFPoint(x: left, y: page.fromTop(690)))
        page.text(
            "Trang 1/1 · Page 1 of 1", font: regular, size: 7, x: left, width: width, baseline: 40, alignment: .right)
        return page
    }

    static func document(date: Date = date, signature: PDFSignatureField? = nil) -> PDFDocument {
        PDFDocument(info: info(date: date), pages: [page()], signatureField: signature)
    }
}
