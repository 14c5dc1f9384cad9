import CivicSealHTTP
import CivicSealHTTPClient
import Foundation

/// The relying party's way to the development provider: `https://idp.civicseal.invalid/dev/...` answered by the
/// provider's handlers in this process, without a socket (the `.invalid` host resolves nowhere, RFC 6761 §6.4).
/// Any other URL is refused as ``OutboundHTTPError/Code/connectFailed``, as an unreachable host would be.
package struct DevelopmentProviderTransport: OutboundHTTPTransport {
    package let provider: DevelopmentProvider

    package init(provider: DevelopmentProvider) { self.provider = provider }

    package func send(_ request: OutboundRequest) async throws(OutboundHTTPError) -> OutboundResponse {
        let issuer = provider.configuration.issuer
        let url = request.url.absoluteString
        guard url.hasPrefix(issuer + "/"), let components = URLComponents(string: url),
            components.user == nil, components.fragment == nil
        else {
            throw OutboundHTTPError(.connectFailed, "the development transport reaches only \(issuer)")
        }
        var target = String(url.dropFirst(issuer.count))
        if let hash = target.firstIndex(of: "#") { target = String(target[..<hash]) }
        let answer = provider.respond(
            to: HTTPRequest(
                method: HTTPMethod(request.method), target: target,
                headers: HTTPHeaders(request.headers + [("Host", components.host ?? "")]), body: request.body))
        return OutboundResponse(
            status: answer.status.code, headers: answer.headers.map { ($0.name, $0.value) }, body: answer.body)
    }
}
