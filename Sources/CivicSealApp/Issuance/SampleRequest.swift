/// The criminal-record request (form 1, for oneself, electronic delivery) the demo walkthrough, the multi-instance
/// benchmark and the multi-instance tests submit through the API: one text, so a change to the request schema is
/// made once. `email` varies it per submitter.
package enum SampleRequest {
    package static func criminalRecord(email: String) -> String {
        """
        {"request": {"kind": "criminal-record", "form": 1, "purpose": "Xin việc", "statesBans": false},
         "relation": "self",
         "particulars": {"birthPlace": "Hà Nội", "ethnicity": "Kinh", "nationality": "VN",
           "permanentResidence": {"line": "12 Phố Huế, Hai Bà Trưng", "provinceCode": "001"},
           "currentResidence": {"line": "12 Phố Huế, Hai Bà Trưng", "provinceCode": "001"}},
         "residenceHistory": [{"from": "2004-05-14", "address": "12 Phố Huế, Hai Bà Trưng, Hà Nội",
           "provinceCode": "001", "occupation": "Kỹ sư"}],
         "contact": {"phone": "0912345678", "email": "\(email)"}, "copies": 1,
         "delivery": {"method": "electronic"}}
        """
    }
}
