import CivicSealDocuments
import CivicSealPages
import Foundation

/// `Templates/web/messages.json` as the tests read it: key → [Vietnamese, English].
package enum PageText {
    package static let directory = WebSite.repositoryDirectory(
        templates: DocumentRenderer.repositoryTemplateDirectory())

    package static let catalogue: [String: [String]] = {
        guard let data = FileManager.default.contents(atPath: directory + "/messages.json"),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: [String]]
        else { return [:] }
        return object
    }()

    package static func vi(_ key: String) -> String { catalogue[key]?.first ?? "<no message \(key)>" }
    package static func en(_ key: String) -> String { catalogue[key]?.last ?? "<no message \(key)>" }
}
