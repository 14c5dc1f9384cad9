/// Whether `serve` runs in development mode, and why: decided once at start from the bind address, the operator's
/// `--development` and the development material in use.
///
/// - Development material is a trusted issuer marked `development` (anyone holding the keys directory mints
///   citizen and staff tokens) or development seals (the keyring still holds the development root's private key).
/// - On a loopback bind, development mode is on by default whenever such material is in use: the two-command start
///   (`swift run civicseal serve`) stays as easy as it was, and the banner says so loudly.
/// - On any other bind, such material refuses the start unless `--development` is given.
/// - Without development material, development mode is on only when asked for.
struct DevelopmentMode: Sendable, Equatable {
    let isOn: Bool
    /// The lines the operator sees at start (empty outside development mode).
    let banner: [String]

    static func decide(
        host: String, requested: Bool?, developmentIssuer: String?, developmentSeals: Bool, keysDirectory: String
    ) throws(AppError) -> DevelopmentMode {
        var material: [String] = []
        if let developmentIssuer {
            material.append(
                "the development identity provider \(developmentIssuer) is trusted: anyone with \(keysDirectory)/ "
                    + "can mint citizen and staff tokens"
            )
        }
        if developmentSeals {
            material.append(
                "documents are sealed with development keys (the development root's private key is in "
                    + "\(keysDirectory)/)"
            )
        }
        let loopback = Service.isLoopback(host)
        let isOn: Bool
        switch requested {
        case true?: isOn = true
        case false?: isOn = false
        case nil: isOn = loopback && !material.isEmpty
        }
        if !isOn && !material.isEmpty {
            throw AppError(
                .developmentModeRequired,
                "refusing to serve on \(host) outside development mode: " + material.joined(separator: "; ")
                    + ". Configure real identity issuers and seals, or pass --development to accept this deliberately.")
        }
        guard isOn else { return DevelopmentMode(isOn: false, banner: []) }
        let rule = String(repeating: "=", count: 78)
        var lines = [rule, "DEVELOPMENT MODE — never for real people or real documents"]
        lines += material.map { "  - " + $0 }
        lines.append(
            loopback
                ? "  - listening on a loopback address only; a public --host refuses to start with these keys unless "
                    + "--development"
                : "  - --development was given: this non-loopback address accepts development tokens and seals")
        lines.append(rule)
        return DevelopmentMode(isOn: true, banner: lines)
    }
}
