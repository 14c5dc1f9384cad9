internal import COpenSSL
import Foundation

/// One `SSL_CTX` for connections to a server: TLS 1.2 minimum, no compression or renegotiation; for verify-full
/// the peer is checked against the CA bundle (and each connection checks the host name).
package final class PostgresTLSContext: @unchecked Sendable {
    // @unchecked Sendable: the SSL_CTX is configured once in init and only read afterwards (SSL_new takes its own
    // reference), which OpenSSL documents as safe from many threads.
    let context: OpaquePointer
    let verifies: Bool

    package init(_ mode: PostgresConfiguration.TLSMode) throws(PostgresError) {
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw PostgresError(.tls, "the TLS context could not be created")
        }
        self.context = context
        guard cs_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) == 1 else {
            throw PostgresError(.tls, "TLS 1.2 could not be set as the minimum version")
        }
        _ = SSL_CTX_set_options(context, UInt64(cs_SSL_OP_NO_COMPRESSION() | cs_SSL_OP_NO_RENEGOTIATION()))
        _ = cs_SSL_CTX_set_mode(context, cs_SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER())
        switch mode {
        case .disable, .require:
            verifies = false
            SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        case .verifyFull(let bundle):
            verifies = true
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
            guard SSL_CTX_load_verify_locations(context, bundle, nil) == 1 else {
                ERR_clear_error()
                throw PostgresError(.tls, "the CA bundle \(bundle) holds no usable certificate")
            }
        }
    }

    deinit { SSL_CTX_free(context) }

    func isIPLiteral(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    /// The typed reason a handshake failed: the certificate verdict when there is one, else the TLS error.
    func handshakeFailure(_ ssl: OpaquePointer, endpoint: PostgresConfiguration.Endpoint) -> PostgresError {
        let verdict = Int32(SSL_get_verify_result(ssl))
        let code = ERR_get_error()
        ERR_clear_error()
        let reason = code == 0 ? "no detail" : ERR_reason_error_string(code).map { String(cString: $0) } ?? "no detail"
        switch verdict {
        case X509_V_OK: return PostgresError(.tls, "\(endpoint): TLS handshake failed (\(reason))")
        case X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH:
            return PostgresError(.tls, "\(endpoint): the server certificate names another host")
        default:
            let text = String(cString: X509_verify_cert_error_string(Int(verdict)))
            return PostgresError(.tls, "\(endpoint): the server certificate is not trusted (\(text))")
        }
    }
}
