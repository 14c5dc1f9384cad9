import CivicSealJSON

/// Typed, strict reads of one JSON object's members, with errors naming the field path.
struct MemberReader {
    let file: String
    let prefix: String

    func field(_ name: String) -> String { "\(prefix).\(name)" }

    func error(_ code: IdentityConfigurationError.Code, _ name: String, _ message: String)
        -> IdentityConfigurationError
    {
        IdentityConfigurationError(code, file: file, field: field(name), message)
    }

    func object(_ value: JSONValue, allowed: Set<String>) throws(IdentityConfigurationError) -> [String: JSONValue] {
        guard let members = value.objectValue else {
            throw IdentityConfigurationError(.invalidValue, file: file, field: prefix, "must be an object")
        }
        if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw error(.invalidValue, unknown, "unknown member")
        }
        return members
    }

    func string(_ members: [String: JSONValue], _ name: String) throws(IdentityConfigurationError) -> String {
        guard let text = try optionalString(members, name) else { throw error(.missingField, name, "required") }
        return text
    }

    func optionalString(_ members: [String: JSONValue], _ name: String) throws(IdentityConfigurationError)
        -> String?
    {
        guard let value = members[name] else { return nil }
        guard let text = value.stringValue, !text.isEmpty else {
            throw error(.invalidValue, name, "must be a non-empty string")
        }
        return text
    }

    func bool(_ members: [String: JSONValue], _ name: String) throws(IdentityConfigurationError) -> Bool? {
        guard let value = members[name] else { return nil }
        guard let flag = value.boolValue else { throw error(.invalidValue, name, "must be true or false") }
        return flag
    }

    func strings(_ members: [String: JSONValue], _ name: String, required: Bool = true)
        throws(IdentityConfigurationError) -> [String]?
    {
        guard let value = members[name] else {
            if required { throw error(.missingField, name, "required") }
            return nil
        }
        guard let array = value.arrayValue, !array.isEmpty || !required else {
            throw error(.invalidValue, name, "must be a non-empty array of strings")
        }
        var result: [String] = []
        for (position, element) in array.enumerated() {
            guard let text = element.stringValue, !text.isEmpty else {
                throw error(.invalidValue, "\(name)[\(position)]", "must be a non-empty string")
            }
            result.append(text)
        }
        return result
    }

    func nested(_ name: String) -> MemberReader { MemberReader(file: file, prefix: field(name)) }
}

extension TrustedIssuersFile {
    static let clientAuthenticationMembers: Set<String> = ["method", "key", "kid", "secretFile"]

    static func parseIssuer(_ entry: JSONValue, reader: MemberReader) throws(IdentityConfigurationError) -> Issuer {
        let members = try reader.object(entry, allowed: issuerMembers)
        var issuer = Issuer(
            issuer: try reader.string(members, "issuer"), audience: try reader.optionalString(members, "audience"),
            jwks: try reader.optionalString(members, "jwks"), principals: try reader.strings(members, "principals")!,
            algorithms: try reader.strings(members, "algorithms")!,
            development: try reader.bool(members, "development") ?? false,
            discovery: try reader.bool(members, "discovery"), clientID: try reader.optionalString(members, "clientID"),
            caBundle: try reader.optionalString(members, "caBundle"),
            scopes: try reader.strings(members, "scopes", required: false))
        if let value = members["clientAuthentication"] {
            issuer.clientAuthentication = try parseClientAuthentication(
                value, reader: reader.nested("clientAuthentication"))
        }
        if let value = members["claims"] {
            let claims = reader.nested("claims")
            let object = try claims.object(value, allowed: ["roles", "department"])
            issuer.claims = Claims(
                roles: try claims.optionalString(object, "roles"),
                department: try claims.optionalString(object, "department"))
        }
        if let value = members["acr"] {
            let acr = reader.nested("acr")
            let object = try acr.object(value, allowed: ["level1", "level2"])
            issuer.acr = AcrValues(level1: try acr.string(object, "level1"), level2: try acr.string(object, "level2"))
            if issuer.acr?.level1 == issuer.acr?.level2 {
                throw acr.error(.invalidValue, "level2", "must differ from level1")
            }
        }
        try checkShape(issuer, reader: reader)
        return issuer
    }

    static func parseClientAuthentication(_ value: JSONValue, reader: MemberReader) throws(IdentityConfigurationError)
        -> ClientAuthentication
    {
        let object = try reader.object(value, allowed: clientAuthenticationMembers)
        let method = try reader.string(object, "method")
        let result = ClientAuthentication(
            method: method, key: try reader.optionalString(object, "key"),
            kid: try reader.optionalString(object, "kid"),
            secretFile: try reader.optionalString(object, "secretFile"))
        switch method {
        case "private_key_jwt":
            guard result.key != nil else { throw reader.error(.missingField, "key", "required for private_key_jwt") }
            guard result.kid != nil else { throw reader.error(.missingField, "kid", "required for private_key_jwt") }
            guard result.secretFile == nil else {
                throw reader.error(.invalidValue, "secretFile", "not used with private_key_jwt")
            }
        case "client_secret_basic":
            guard result.secretFile != nil else {
                throw reader.error(.missingField, "secretFile", "required for client_secret_basic")
            }
            if result.key != nil { throw reader.error(.invalidValue, "key", "not used with client_secret_basic") }
            if result.kid != nil { throw reader.error(.invalidValue, "kid", "not used with client_secret_basic") }
        default:
            throw reader.error(
                .invalidValue, "method", "\"\(method)\" is not supported (private_key_jwt, client_secret_basic)")
        }
        return result
    }

    /// The combinations: exactly one of `jwks` and `discovery: true`; a client (`clientID` with
    /// `clientAuthentication`) needs discovery; `caBundle` needs discovery, `scopes` a client; `audience` is required
    /// unless a client id stands for it.
    static func checkShape(_ issuer: Issuer, reader: MemberReader) throws(IdentityConfigurationError) {
        let discovery = issuer.discovery ?? false
        switch (issuer.jwks != nil, discovery) {
        case (true, true):
            throw reader.error(.invalidValue, "jwks", "give either jwks or \"discovery\": true, not both")
        case (false, false):
            throw reader.error(.missingField, "jwks", "required unless \"discovery\": true")
        default: break
        }
        if issuer.clientID != nil, issuer.clientAuthentication == nil {
            throw reader.error(.missingField, "clientAuthentication", "required with clientID")
        }
        if issuer.clientAuthentication != nil, issuer.clientID == nil {
            throw reader.error(.missingField, "clientID", "required with clientAuthentication")
        }
        if issuer.clientID != nil, !discovery {
            throw reader.error(.invalidValue, "clientID", "a sign-in provider needs \"discovery\": true")
        }
        if issuer.caBundle != nil, !discovery {
            throw reader.error(.invalidValue, "caBundle", "only with \"discovery\": true")
        }
        if issuer.scopes != nil, issuer.clientID == nil {
            throw reader.error(.invalidValue, "scopes", "only with clientID")
        }
        if issuer.audience == nil, issuer.clientID == nil {
            throw reader.error(.missingField, "audience", "required (or clientID)")
        }
    }
}
