extension HTTPResponse {
    /// A sealed PDF as a download (`civicseal-<document id>.pdf`), never cached: what the API's
    /// `GET /v1/requests/{id}/document` and the citizen's download page both answer.
    package static func sealedDocument(documentID: String, pdf: [UInt8]) -> HTTPResponse {
        var response = HTTPResponse(status: .ok, body: pdf)
        response.headers.replaceOrAdd(name: "Content-Type", value: "application/pdf")
        response.headers.replaceOrAdd(
            name: "Content-Disposition", value: "attachment; filename=\"civicseal-\(documentID).pdf\"")
        response.headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
        return response
    }
}
