/// What a citizen asks for. The raw values are the `kind` discriminator of the JSON body and of routing rules.
package enum RequestKind: String, Codable, Sendable, CaseIterable {
    /// Phiếu lý lịch tư pháp, form 1 or 2 (Law on Judicial Records 28/2009/QH12).
    case criminalRecord = "criminal-record"
    /// A health certificate such as the driver's certificate (Circular 36/2024/TT-BYT).
    case healthCertificate = "health-certificate"
    /// An extract of the electronic health book (Decree 102/2025/NĐ-CP).
    case healthBookExtract = "health-book-extract"
}
