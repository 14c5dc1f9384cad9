import CivicSealJSON

extension RequestSubmission {
    /// The submission as JSON with sorted keys and no whitespace: the same bytes as `WorkflowJSON.encode(_:)` and
    /// as Foundation's `JSONEncoder` wrote before it, written member by member because the generic path (then
    /// `JSONEncoder`) was a fifth of the cost of storing a submission. The store keeps this text and hashes it for
    /// idempotency, so equal submissions give equal bytes. Tests compare it with `JSONEncoder` and with
    /// `WorkflowJSON.encode(_:)` on every field; a new field must be added here too.
    package func sortedKeysJSON() -> [UInt8] {
        var writer = JSONWriter(escaping: .foundation)
        writer.beginObject()
        writer.key("contact")
        contact.write(to: &writer)
        writer.key("copies")
        writer.int(copies)
        writer.key("delivery")
        delivery.write(to: &writer)
        writer.optionalMember("feeGroup", feeGroup)
        if let particulars {
            writer.key("particulars")
            particulars.write(to: &writer)
        }
        if let proxy {
            writer.key("proxy")
            writer.beginObject()
            writer.optionalMember("authorisationReference", proxy.authorisationReference)
            writer.key("kinship")
            writer.string(proxy.kinship.rawValue)
            writer.endObject()
        }
        writer.key("relation")
        writer.string(relation.rawValue)
        writer.key("request")
        request.write(to: &writer)
        if let residenceHistory {
            writer.key("residenceHistory")
            writer.beginArray()
            for period in residenceHistory {
                period.write(to: &writer)
            }
            writer.endArray()
        }
        if let subject {
            writer.key("subject")
            writer.beginObject()
            writer.key("birthDate")
            writer.string(subject.birthDate)
            writer.key("fullName")
            writer.string(subject.fullName)
            writer.key("personalId")
            writer.string(subject.personalId)
            writer.key("sex")
            writer.string(subject.sex.rawValue)
            writer.endObject()
        }
        writer.endObject()
        return writer.bytes
    }
}

extension ContactDetails {
    fileprivate func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.optionalMember("email", email)
        writer.optionalMember("phone", phone)
        writer.endObject()
    }
}

extension Address {
    fileprivate func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.optionalMember("countryCode", countryCode)
        writer.key("line")
        writer.string(line)
        writer.optionalMember("provinceCode", provinceCode)
        writer.endObject()
    }
}

extension DeliveryChoice {
    fileprivate func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("method")
        writer.string(method.rawValue)
        if let postalAddress {
            writer.key("postalAddress")
            postalAddress.write(to: &writer)
        }
        writer.endObject()
    }
}

extension Particulars {
    fileprivate func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.optionalMember("birthPlace", birthPlace)
        if let currentResidence {
            writer.key("currentResidence")
            currentResidence.write(to: &writer)
        }
        writer.optionalMember("ethnicity", ethnicity)
        writer.optionalMember("fatherName", fatherName)
        writer.optionalMember("motherName", motherName)
        writer.optionalMember("nationality", nationality)
        if let otherNames {
            writer.key("otherNames")
            writer.beginArray()
            for name in otherNames {
                writer.string(name)
            }
            writer.endArray()
        }
        if let permanentResidence {
            writer.key("permanentResidence")
            permanentResidence.write(to: &writer)
        }
        writer.optionalMember("spouseName", spouseName)
        writer.endObject()
    }
}

extension ResidencePeriod {
    fileprivate func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("address")
        writer.string(address)
        writer.optionalMember("countryCode", countryCode)
        writer.key("from")
        writer.string(from)
        writer.key("occupation")
        writer.string(occupation)
        writer.optionalMember("provinceCode", provinceCode)
        writer.optionalMember("to", to)
        writer.endObject()
    }
}

extension RequestDetails {
    /// One object: `kind` merged with the kind's own members, as ``encode(to:)`` does.
    fileprivate func write(to writer: inout JSONWriter) {
        writer.beginObject()
        switch self {
        case .criminalRecord(let details):
            writer.optionalMember("expungementToVerify", details.expungementToVerify)
            writer.key("form")
            writer.int(details.form.rawValue)
            writer.key("kind")
            writer.string(kind.rawValue)
            writer.key("purpose")
            writer.string(details.purpose)
            writer.optionalMember("statesBans", details.statesBans)
        case .healthCertificate(let details):
            writer.key("certificateType")
            writer.string(details.certificateType)
            writer.key("kind")
            writer.string(kind.rawValue)
            writer.optionalMember("licenceClass", details.licenceClass)
            writer.optionalMember("purpose", details.purpose)
        case .healthBookExtract(let details):
            writer.optionalMember("from", details.from)
            writer.key("kind")
            writer.string(kind.rawValue)
            writer.optionalMember("purpose", details.purpose)
            writer.key("sections")
            writer.beginArray()
            for section in details.sections {
                writer.string(section.rawValue)
            }
            writer.endArray()
            writer.optionalMember("to", details.to)
        }
        writer.endObject()
    }
}

extension PersonIdentity {
    /// The same bytes as `WorkflowJSON.encode(_:)` (sorted keys, no white space), without the generic path's cost:
    /// the identity block is written on every submission.
    package func sortedKeysJSON() -> [UInt8] {
        var writer = JSONWriter(escaping: .foundation)
        writer.beginObject()
        writer.key("birthDate")
        writer.string(birthDate.description)
        writer.key("fullName")
        writer.string(fullName)
        writer.key("personalId")
        writer.string(personalID.digits)
        writer.key("sex")
        writer.string(sex.rawValue)
        writer.endObject()
        return writer.bytes
    }
}
