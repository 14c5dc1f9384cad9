import CivicSealApp
import CivicSealCrypto
import CivicSealHTTPClient
import CivicSealIdentity
import CivicSealJSON
import CivicSealOIDC
import Foundation
import Synchronization

/// The bearer-token read again with the development issuer's keys fetched as a provider's are (discovery, then
/// `jwks_uri`, through an in-process provider) and one JWKS refresh forced half-way through the run: the provider
/// adds a key, the set changes, the verified-token cache starts over, and every connection's token is verified
/// again while the load goes on.
extension HTTPBenchmark {
    static func runWithKeyRefresh(
        service: Service, url: String, authorizationScript: String, keysDirectory: String, duration: Int
    ) throws {
        let provider = try BenchIdentityProvider(jwks: keysDirectory + "/idp/jwks.json")
        guard let development = service.api.verifier.issuers.development else {
            throw LoadGenerator.Failure(description: "no development issuer to make dynamic")
        }
        let issuer = TrustedIssuer(
            issuer: development.issuer, audience: development.audience, keys: IssuerKeys(),
            algorithms: development.algorithms, principals: development.principals, isDevelopment: true,
            usesDiscovery: true)
        let openID = OpenIDProvider(issuer: issuer, transport: provider)
        let ready = DispatchSemaphore(value: 0)
        Task {
            _ = await openID.prefetch()
            ready.signal()
        }
        ready.wait()
        service.api.verifier.replaceIssuers(TrustedIssuers([issuer]))

        // Half-way through, the provider rotates in a key and CivicSeal refreshes (as for an unknown kid).
        Thread.detachNewThread {
            usleep(useconds_t(duration) * 500_000)
            provider.addKey()
            let done = DispatchSemaphore(value: 0)
            Task {
                _ = await issuer.keys.refreshed(forUnknownKeyID: nil)
                done.signal()
            }
            done.wait()
        }
        let read = try LoadGenerator.wrk(url: url, connections: 64, seconds: duration, script: authorizationScript)
        Report.figure(
            "get_request_jwks_refresh_rps", read.requestsPerSecond,
            "requests/s (floor 10000: \(read.requestsPerSecond >= 10_000 ? "met" : "NOT MET"))")
        Report.figure(
            "get_request_jwks_refresh_p99", read.p99Milliseconds,
            "ms (floor < 10: \(read.p99Milliseconds < 10 ? "met" : "NOT MET"))")
        Report.figure(
            "get_request_jwks_refresh_errors", Double(read.non2xx + read.socketErrors), "non-2xx or socket errors")
        Report.figure(
            "jwks_fetches_during_run", Double(provider.jwksFetches), "(1 at start, 1 forced refresh half-way)")
        Report.figure("jwks_key_generation", Double(issuer.keys.generation), "(2: the set changed once mid-run)")
    }
}

/// The development provider's discovery document and JWK set, answered in process (no socket), counting fetches.
final class BenchIdentityProvider: OutboundHTTPTransport, Sendable {
    private let state: Mutex<(keys: [JSONWebKey], fetches: Int)>

    init(jwks path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadGenerator.Failure(description: "cannot read \(path)")
        }
        state = Mutex((try JSONWebKeySet(json: data).keys, 0))
    }

    var jwksFetches: Int { state.withLock { $0.fetches } }

    func addKey() {
        let key = try! JWSSigner(
            privateKey: try! PrivateKey.generate(.ecP256), keyID: "bench-rotated", algorithm: .es256
        ).publicJWK()
        state.withLock { $0.keys.append(key) }
    }

    func send(_ request: OutboundRequest) async throws(OutboundHTTPError) -> OutboundResponse {
        let issuer = DevelopmentPKI.developmentIssuer
        switch request.url.absoluteString {
        case issuer + "/.well-known/openid-configuration":
            let document: JSONValue = [
                "issuer": .string(issuer), "authorization_endpoint": .string(issuer + "/authorize"),
                "token_endpoint": .string(issuer + "/token"), "jwks_uri": .string(issuer + "/jwks"),
                "response_types_supported": ["code"],
            ]
            return OutboundResponse(status: 200, headers: [], body: Array(document.serialized().utf8))
        case issuer + "/jwks":
            let keys = state.withLock { state in
                state.fetches += 1
                return state.keys
            }
            return OutboundResponse(
                status: 200, headers: [("Cache-Control", "max-age=300")],
                body: Array(JSONWebKeySet(keys: keys).json().utf8))
        default:
            return OutboundResponse(status: 404, headers: [], body: [])
        }
    }
}
