import Foundation
import Testing

@testable import CivicSealWorkflow

@Suite("Departments and routing")
struct RoutingTests {
    @Test("defaults: criminal records to justice-hanoi, health documents to health-hanoi, from any province")
    func defaults() {
        let authority = AuthorityConfiguration()
        #expect(authority.problems().isEmpty)
        #expect(authority.route(.criminalRecord, province: .hoChiMinhCity)?.id == "justice-hanoi")
        #expect(authority.route(.criminalRecord, province: nil)?.nameVietnamese == "Sở Tư pháp thành phố Hà Nội")
        #expect(authority.route(.healthCertificate, province: .hanoi)?.nameEnglish == "Hanoi Department of Health")
        #expect(authority.route(.healthBookExtract, province: .hanoi)?.id == "health-hanoi")
    }

    @Test("moving criminal records to the police is a configuration change, with a province override")
    func override() throws {
        let json = """
            {
              "departments": [
                {"id": "police-hanoi", "nameVietnamese": "Công an thành phố Hà Nội", "nameEnglish": "Hanoi City Police",
                 "roles": ["receiver", "officer", "signer"]},
                {"id": "police-hcmc", "nameVietnamese": "Công an Thành phố Hồ Chí Minh",
                 "nameEnglish": "Ho Chi Minh City Police", "roles": ["receiver", "officer", "signer"]},
                {"id": "health-hanoi", "nameVietnamese": "Sở Y tế thành phố Hà Nội",
                 "nameEnglish": "Hanoi Department of Health", "roles": ["officer", "signer"]}
              ],
              "routing": {"rules": [
                {"kind": "criminal-record", "province": "*", "department": "police-hanoi"},
                {"kind": "criminal-record", "province": "079", "department": "police-hcmc"},
                {"kind": "health-certificate", "province": "*", "department": "health-hanoi"},
                {"kind": "health-book-extract", "province": "*", "department": "health-hanoi"}
              ]}
            }
            """
        let authority = try WorkflowJSON.decode(AuthorityConfiguration.self, from: Data(json.utf8)).get()
        #expect(authority.problems().isEmpty)
        #expect(authority.route(.criminalRecord, province: .hoChiMinhCity)?.id == "police-hcmc")
        #expect(authority.route(.criminalRecord, province: .hanoi)?.id == "police-hanoi")
        #expect(authority.route(.criminalRecord, province: nil)?.id == "police-hanoi")

        let validated = try Fixtures.validate(Fixtures.criminalRecord()).get()
        #expect(authority.route(validated.kind, province: validated.routingProvince)?.id == "police-hanoi")
    }

    @Test("configuration mistakes are reported")
    func problems() {
        let authority = AuthorityConfiguration(
            departments: [.justiceHanoi, .justiceHanoi],
            routing: RoutingTable(rules: [
                RoutingRule(kind: .criminalRecord, department: "justice-hanoi"),
                RoutingRule(kind: .healthCertificate, province: "003", department: "health-hanoi"),
            ]))
        let codes = authority.problems().map(\.code)
        #expect(codes.contains(.listDuplicate))
        #expect(codes.contains(.provinceUnknown))
        #expect(codes.filter { $0 == .fieldRequired }.count == 3)  // unknown health-hanoi, two kinds without *
    }

    @Test("the default configuration survives a JSON round trip")
    func roundTrip() throws {
        let data = try WorkflowJSON.encode(AuthorityConfiguration())
        #expect(try WorkflowJSON.decodeStored(AuthorityConfiguration.self, from: data) == AuthorityConfiguration())
    }
}
