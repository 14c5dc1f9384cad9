import Foundation
import Testing

@testable import CivicSealWorkflow

@Suite("Text: NFC, trimming, control characters, lengths")
struct TextNormalizationTests {
    static let decomposedTuyet = "Nguye\u{0302}\u{0303}n Thi\u{0323} A\u{0301}nh Tuye\u{0302}\u{0301}t"

    @Test("decomposed Vietnamese comes out NFC, trimmed, names with single spaces")
    func nfc() throws {
        #expect(Self.decomposedTuyet.unicodeScalars.count == 26)
        let nfc = TextNormalization.normalise(Self.decomposedTuyet)
        #expect(nfc.unicodeScalars.count == 20)
        #expect(nfc.unicodeScalars.map(\.value).contains(0x1EC5))  // ễ precomposed
        #expect(
            TextNormalization.normalise("  Nguyễn   Thị\u{00A0}Tuyết ", collapsingSpaces: true) == "Nguyễn Thị Tuyết")

        var submission = Fixtures.criminalRecord()
        submission.particulars?.motherName = "  " + Self.decomposedTuyet + " "
        submission.particulars?.birthPlace = "Ha\u{0300} No\u{0302}\u{0323}i"
        let request = try Fixtures.validate(submission).get()
        let mother = try #require(request.submission.particulars?.motherName)
        #expect(Array(mother.unicodeScalars) == Array("Nguyễn Thị Ánh Tuyết".unicodeScalars))
        #expect(
            Array(try #require(request.submission.particulars?.birthPlace).unicodeScalars)
                == Array("Hà Nội".unicodeScalars))
    }

    @Test(
        "C0, DEL and C1 control characters are refused anywhere in a name",
        arguments: [0x00, 0x07, 0x09, 0x0A, 0x0D, 0x1B, 0x1F, 0x7F, 0x80, 0x85, 0x9F] as [UInt32])
    func controlCharactersInName(value: UInt32) {
        var submission = Fixtures.criminalRecord(relation: .parentOfMinor)
        submission.subject = Fixtures.maiSubject
        submission.subject?.fullName = "Lê Thị\(Character(Unicode.Scalar(value)!))Mai"
        submission.residenceHistory = nil
        let failure = Fixtures.issues(Fixtures.validate(submission))
        #expect(failure.codes == [.fullNameControlCharacters])
        #expect(failure.issues.first?.field == "subject.fullName")
    }

    @Test("control characters in free text are text.control-characters; printable neighbours are fine")
    func controlCharactersInText() {
        var submission = Fixtures.criminalRecord()
        submission.residenceHistory?[1].address = "12 Phố Huế\r\nHà Nội"
        #expect(
            Fixtures.issues(Fixtures.validate(submission)).contains(
                .textControlCharacters, at: "residenceHistory[1].address"))
        #expect(!TextNormalization.containsControlCharacters("Số 5, ngõ 12 — Hà Nội ☎ \u{00A0}\u{00A1}"))
    }

    @Test("lengths are bounded in characters after NFC")
    func lengths() {
        var submission = Fixtures.criminalRecord()
        // 100 decomposed "ễ" are 300 scalars but 100 characters: accepted.
        submission.particulars?.fatherName = String(repeating: "e\u{0302}\u{0303}", count: 100)
        #expect(Fixtures.validated(Fixtures.validate(submission)) != nil)
        submission.particulars?.fatherName = String(repeating: "ễ", count: 101)
        #expect(Fixtures.issues(Fixtures.validate(submission)).contains(.fullNameTooLong, at: "particulars.fatherName"))
        submission.particulars?.fatherName = "   "
        #expect(Fixtures.validated(Fixtures.validate(submission))?.submission.particulars?.fatherName == nil)
    }
}

/// The NFC fast path must agree with Foundation's normaliser, and trimming with `whitespacesAndNewlines`.
@Suite struct TextNormalizationFastPathTests {
    @Test func fastPathAgreesWithFoundation() {
        for text in [
            "Nguyễn Thị Ánh Tuyết", "  Trần Văn Minh\u{00A0}", "Nguye\u{0302}\u{0303}n", "e\u{0301}", "Đặng Hữu Ơn",
            "\u{2003}Phố Huế\u{2028}", "\u{0958}", "\u{212B}", "", " \t\n ", "x\u{0085}", "ẞ ƒ ǅ ȷ", "\u{1EC5}\u{0323}",
        ] {
            let expected = text.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespacesAndNewlines)
            let actual = TextNormalization.normalise(text)
            #expect(Array(actual.unicodeScalars) == Array(expected.unicodeScalars), "\(Array(text.unicodeScalars))")
        }
    }
}

/// Collapsing spaces in a name skips the grapheme walk when the name is already single-spaced; the result must be
/// what the walk gives (split on white-space characters, joined with one space) for any text.
@Suite struct NameSpacingFastPathTests {
    static let alphabet: [String] = [
        "a", "Z", "ễ", "Đ", "ơ", " ", " ", "\t", "\n", "\r\n", "\u{00A0}", "\u{0085}", "\u{2003}", "\u{0301}",
        "\u{0323}",
        "\u{200D}", "·", "-", "'",
    ]

    @Test func agreesWithTheGraphemeWalkOnRandomNames() {
        var generator = SystemRandomNumberGenerator()
        var checked = 0
        for _ in 0..<5_000 {
            let length = Int.random(in: 0...12, using: &generator)
            let text = (0..<length).map { _ in Self.alphabet.randomElement(using: &generator)! }.joined()
            let nfc = text.precomposedStringWithCanonicalMapping
            let expected = nfc.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
            let actual = TextNormalization.normalise(text, collapsingSpaces: true)
            #expect(Array(actual.unicodeScalars) == Array(expected.unicodeScalars), "\(Array(text.unicodeScalars))")
            checked += 1
        }
        #expect(checked == 5_000)
    }

    @Test func singleSpacedNamesAreRecognisedAndOthersAreNot() {
        #expect(TextNormalization.isSingleSpaced("Nguyễn Thị Ánh Tuyết"))
        for text in ["", " An", "An ", "An  Bình", "An\u{00A0}Bình", "An\tBình", "An\u{0085}Bình"] {
            #expect(!TextNormalization.isSingleSpaced(text), "\(Array(text.unicodeScalars))")
        }
    }

    @Test func lengthsCountCharactersNotBytes() {
        var submission = Fixtures.criminalRecord()
        // 100 precomposed "ễ" are 300 UTF-8 bytes: the byte count passes the limit, the character count does not.
        submission.particulars?.fatherName = String(repeating: "ễ", count: 100)
        #expect(Fixtures.validated(Fixtures.validate(submission))?.submission.particulars?.fatherName?.count == 100)
    }
}
