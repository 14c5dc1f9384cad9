import CivicSealJSON
import CivicSealTestSupport
import Foundation
import Testing

@testable import CivicSealCrypto

/// Runs python3 with `joserfc`, an independent JOSE implementation, as an external validator.
enum Joserfc {
    static var isCI: Bool { ExternalTool.isCI }
    static let isAvailable: Bool = (try? python(["-c", "import joserfc"]).status) == 0

    /// Runs `python3 arguments…` (found on PATH) and returns its exit status and stderr.
    static func python(_ arguments: [String]) throws -> (status: Int32, errors: String) {
        let result = try ExternalTool.run("python3", arguments)
        return (result.status, result.errorText)
    }

    /// Issues tokens with joserfc (mode `issue`) or verifies ours (mode `verify`); data goes through files in
    /// `directory`.
    static let script = #"""
        import json, sys, warnings
        warnings.filterwarnings("ignore")
        from joserfc import jws
        from joserfc.errors import BadSignatureError
        from joserfc.jwk import ECKey, RSAKey, OKPKey, KeySet

        mode, directory = sys.argv[1], sys.argv[2]
        if mode == "issue":
            specs = [("ES256", ECKey.generate_key("P-256", parameters={"kid": "py-es256"})),
                     ("ES384", ECKey.generate_key("P-384", parameters={"kid": "py-es384"})),
                     ("RS256", RSAKey.generate_key(2048, parameters={"kid": "py-rs256"})),
                     ("PS256", RSAKey.generate_key(2048, parameters={"kid": "py-ps256"})),
                     ("EdDSA", OKPKey.generate_key("Ed25519", parameters={"kid": "py-eddsa"}))]
            tokens = []
            for alg, key in specs:
                payload = json.dumps({"iss": "joserfc", "alg": alg, "nested": {"n": [1, 2.5, None]}}).encode()
                token = jws.serialize_compact({"alg": alg, "kid": key.kid, "typ": "JWT"}, payload, key,
                algorithms=[alg])
                tokens.append({"alg": alg, "kid": key.kid, "token": token, "payload": payload.decode()})
            with open(f"{directory}/jwks.json", "w") as f:
                json.dump({"keys": [key.as_dict(private=False) for _, key in specs]}, f)
            with open(f"{directory}/tokens.json", "w") as f:
                json.dump(tokens, f)
        elif mode == "verify":
            with open(f"{directory}/jwks.json") as f:
                keyset = KeySet.import_key_set(json.load(f))
            with open(f"{directory}/tokens.json") as f:
                tokens = json.load(f)
            outcome = []
            for entry in tokens:
                obj = jws.deserialize_compact(entry["token"], keyset, algorithms=[entry["alg"]])
                assert obj.payload.decode() == entry["payload"], entry["alg"]
                assert obj.headers()["kid"] == entry["kid"], entry["alg"]
                header, payload, signature = entry["token"].split(".")
                tampered = ".".join([header, payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1],
                signature])
                try:
                    jws.deserialize_compact(tampered, keyset, algorithms=[entry["alg"]])
                    outcome.append(entry["alg"] + ":tampered-accepted")
                except (BadSignatureError, ValueError):
                    outcome.append(entry["alg"])
            with open(f"{directory}/verified.json", "w") as f:
                json.dump(outcome, f)
        """#

    struct IssuedToken: Codable {
        let alg: String
        let kid: String
        let token: String
        let payload: String
    }

    /// A fresh directory holding the script; removed by the caller.
    static func workspace() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "civicseal-joserfc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try script.write(to: directory.appendingPathComponent("interop.py"), atomically: true, encoding: .utf8)
        return directory
    }

    static func run(_ mode: String, in directory: URL) throws {
        let result = try python([directory.appendingPathComponent("interop.py").path, mode, directory.path])
        guard result.status == 0 else {
            throw InteropFailure(message: "joserfc \(mode) exited \(result.status): \(result.errors)")
        }
    }

    struct InteropFailure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}

@Suite(
    "JOSE interoperability with joserfc",
    .enabled(
        if: Joserfc.isAvailable || Joserfc.isCI,
        "python3 with joserfc is not installed; skipped (with CI=true this is a failure)"))
struct JOSEInteropTests {
    @Test("tokens and a JWK Set made by joserfc verify here (ES256, ES384, RS256, PS256, EdDSA)")
    func joserfcTokensVerifyHere() throws {
        try #require(Joserfc.isAvailable, "CI=true but python3 with joserfc is missing")
        let directory = try Joserfc.workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Joserfc.run("issue", in: directory)

        let keySet = try JSONWebKeySet(json: Data(contentsOf: directory.appendingPathComponent("jwks.json")))
        #expect(keySet.keys.count == 5 && keySet.ignoredKeys.isEmpty)
        let tokens = try JSONDecoder().decode(
            [Joserfc.IssuedToken].self, from: Data(contentsOf: directory.appendingPathComponent("tokens.json")))
        #expect(Set(tokens.map(\.alg)) == ["ES256", "ES384", "RS256", "PS256", "EdDSA"])
        let verifier = JWSVerifier(keySet: keySet)
        for issued in tokens {
            let verified = try verifier.verify(issued.token)
            #expect(verified.payload == Array(issued.payload.utf8), "\(issued.alg)")
            #expect(verified.header.algorithm.rawValue == issued.alg && verified.key.keyID == issued.kid)
            #expect(try verified.payloadJSONObject()["iss"] == "joserfc")
        }
    }

    @Test("tokens and the JWK Set made here verify in joserfc, and joserfc rejects them tampered")
    func ourTokensVerifyInJoserfc() throws {
        try #require(Joserfc.isAvailable, "CI=true but python3 with joserfc is missing")
        let directory = try Joserfc.workspace()
        defer { try? FileManager.default.removeItem(at: directory) }

        let algorithms: [JWSAlgorithm] = [
            .es256, .es384, .rs256, .rs384, .rs512, .ps256, .ps384, .ps512, .edDSA, .ed25519,
        ]
        var issued: [Joserfc.IssuedToken] = []
        var keys: [JSONWebKey] = []
        for algorithm in algorithms {
            let signer = try JWSSigner(
                privateKey: JOSEFixtures.key(for: algorithm), keyID: "cs-\(algorithm)", algorithm: algorithm)
            let claims: JSONValue = ["iss": "civicseal", "alg": .string(algorithm.rawValue), "name": "Nguyễn Văn A"]
            issued.append(
                .init(
                    alg: algorithm.rawValue, kid: signer.keyID, token: try signer.sign(claims: claims.objectValue!),
                    payload: claims.serialized()))
            keys.append(try signer.publicJWK())
        }
        try JSONWebKeySet(keys: keys).json().write(
            to: directory.appendingPathComponent("jwks.json"), atomically: true, encoding: .utf8)
        try JSONEncoder().encode(issued).write(to: directory.appendingPathComponent("tokens.json"))

        try Joserfc.run("verify", in: directory)
        let outcome = try JSONDecoder().decode(
            [String].self, from: Data(contentsOf: directory.appendingPathComponent("verified.json")))
        #expect(outcome == algorithms.map(\.rawValue))
    }
}
