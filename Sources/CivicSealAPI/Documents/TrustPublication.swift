import CivicSealJSON
import Foundation

/// What `GET /v1/trust` publishes for offline verifiers: trust anchors and every department certificate, active and
/// retired, as PEM.
package struct TrustPublication: Sendable {
    package struct Anchor: Sendable {
        package let subject: String
        package let sha256: String
        package let pem: String

        package init(subject: String, sha256: String, pem: String) {
            self.subject = subject
            self.sha256 = sha256
            self.pem = pem
        }
    }

    package struct DepartmentCertificate: Sendable {
        package let name: String
        /// `active` (seals new documents) or `retired` (verification only).
        package let status: String
        package let subject: String
        package let sha256: String
        package let notBefore: Date
        package let notAfter: Date
        /// The certificate followed by its chain, PEM.
        package let pem: String

        package init(
            name: String, status: String, subject: String, sha256: String, notBefore: Date, notAfter: Date, pem: String
        ) {
            self.name = name
            self.status = status
            self.subject = subject
            self.sha256 = sha256
            self.notBefore = notBefore
            self.notAfter = notAfter
            self.pem = pem
        }
    }

    package struct Department: Sendable {
        package let id: String
        package let name: String
        package let englishName: String
        package let certificates: [DepartmentCertificate]

        package init(id: String, name: String, englishName: String, certificates: [DepartmentCertificate]) {
            self.id = id
            self.name = name
            self.englishName = englishName
            self.certificates = certificates
        }
    }

    package let anchors: [Anchor]
    package let departments: [Department]

    package init(anchors: [Anchor] = [], departments: [Department] = []) {
        self.anchors = anchors
        self.departments = departments
    }

    func body() -> [UInt8] {
        var output = JSONWriter(capacity: 8192)
        output.beginObject()
        output.key("trustAnchors")
        output.beginArray()
        for anchor in anchors {
            output.beginObject()
            output.key("subject")
            output.string(anchor.subject)
            output.key("sha256")
            output.string(anchor.sha256)
            output.key("pem")
            output.string(anchor.pem)
            output.endObject()
        }
        output.endArray()
        output.key("departments")
        output.beginArray()
        for department in departments {
            output.beginObject()
            output.key("id")
            output.string(department.id)
            output.key("name")
            output.string(department.name)
            output.key("nameEnglish")
            output.string(department.englishName)
            output.key("certificates")
            output.beginArray()
            for certificate in department.certificates {
                output.beginObject()
                output.key("name")
                output.string(certificate.name)
                output.key("status")
                output.string(certificate.status)
                output.key("subject")
                output.string(certificate.subject)
                output.key("sha256")
                output.string(certificate.sha256)
                output.key("notBefore")
                output.date(certificate.notBefore)
                output.key("notAfter")
                output.date(certificate.notAfter)
                output.key("pem")
                output.string(certificate.pem)
                output.endObject()
            }
            output.endArray()
            output.endObject()
        }
        output.endArray()
        output.endObject()
        return output.bytes
    }
}
