import CivicSealJSON
import Foundation
import Testing

@testable import CivicSealWorkflow

/// The rules the OpenAPI document states and the server must hold to exactly: integers by value, text bounded in
/// code points as sent, members present but not applicable still checked.
@Suite("Contract rules of request bodies")
struct ContractRulesTests {
    @Test(
        "an integer is read by its value, in any notation; a fraction is refused",
        arguments: [
            ("2", Int64(2)), ("2.0", 2), ("2e0", 2), ("20E-1", 2), ("-12.50e1", -125), ("0.0", 0), ("1e3", 1000),
            ("9223372036854775807", .max),
        ])
    func integersByValue(_ literal: String, _ value: Int64) throws {
        #expect(try JSONValue(parsing: Array(literal.utf8)).integralValue == value)
    }

    @Test("fractions and integers beyond Int64 have no integral value", arguments: ["2.5", "1e-1", "25e-1", "1e40"])
    func fractionsAreNotIntegers(_ literal: String) throws {
        #expect(try JSONValue(parsing: Array(literal.utf8)).integralValue == nil)
    }

    @Test("copies written 3.0 decode as 3; 3.5 is a 400-class json.* issue")
    func copiesByValue() throws {
        let whole = try SubmissionJSONTests.decode(
            SubmissionJSONTests.sample(replacing: "\"copies\": 3", with: "\"copies\": 3.0")
        ).get()
        #expect(whole.copies == 3)
        guard
            case .failure(let failure) = SubmissionJSONTests.decode(
                SubmissionJSONTests.sample(replacing: "\"copies\": 3", with: "\"copies\": 3.5"))
        else {
            Issue.record("3.5 copies decoded")
            return
        }
        #expect(failure.issues.map(\.field) == ["copies"])
        #expect(failure.codes.allSatisfy { $0.rawValue.hasPrefix("json.") })
    }

    @Test("text is bounded at 4 code points per character as sent, whatever NFC makes of it")
    func rawTextIsBounded() {
        var submission = Fixtures.criminalRecord()
        // 100 characters of 4 code points each (a letter and three marks): at the bound, accepted.
        submission.particulars?.fatherName = String(repeating: "e\u{0302}\u{0303}\u{0323}", count: 100)
        #expect(Fixtures.validated(Fixtures.validate(submission)) != nil)
        // One more code point (a leading space that trimming would remove) is past what maxLength allows.
        submission.particulars?.fatherName = " " + String(repeating: "e\u{0302}\u{0303}\u{0323}", count: 100)
        #expect(Fixtures.issues(Fixtures.validate(submission)).contains(.fullNameTooLong, at: "particulars.fatherName"))
    }

    @Test("a postal address given with electronic delivery is still checked, then dropped")
    func inapplicableAddressIsChecked() {
        var submission = Fixtures.criminalRecord()
        submission.delivery = DeliveryChoice(method: .electronic, postalAddress: Address(line: "5 Hàng Bài"))
        #expect(Fixtures.validated(Fixtures.validate(submission))?.submission.delivery.postalAddress == nil)
        submission.delivery.postalAddress = Address(line: "5 Hàng Bài", provinceCode: "999")
        #expect(
            Fixtures.issues(Fixtures.validate(submission)).contains(
                .provinceUnknown, at: "delivery.postalAddress.provinceCode"))
    }
}
