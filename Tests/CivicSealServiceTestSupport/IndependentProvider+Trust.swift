import CivicSealJSON
import Foundation

extension IndependentProvider {
    /// Makes this provider CivicSeal's only identity provider, for citizens and staff, as an operator configures a
    /// real one in `<keysDirectory>/trusted-issuers.json`: discovery, the private_key_jwt client and its key, the
    /// test CA as the CA bundle, the claim names of roles and department, and the acr values of the two levels.
    package func trustAsOnlyProvider(keysDirectory: String) throws {
        let file: JSONValue = [
            "issuers": [
                [
                    "issuer": .string(issuer), "discovery": true, "principals": ["citizen", "staff"],
                    "algorithms": ["ES256", "RS256"], "development": false,
                    "clientID": .string(Self.privateKeyJWTClientID),
                    "clientAuthentication": [
                        "method": "private_key_jwt", "key": .string(clientKeyPath), "kid": .string(clientKeyID),
                    ],
                    "caBundle": .string(caBundlePath),
                    "claims": ["roles": "roles", "department": "department"],
                    "acr": ["level1": "level1", "level2": "level2"],
                ]
            ]
        ]
        try Data(file.serialized().utf8).write(to: URL(fileURLWithPath: keysDirectory + "/trusted-issuers.json"))
    }
}
