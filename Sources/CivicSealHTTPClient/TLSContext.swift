internal import COpenSSL

/// The client's one `SSL_CTX`: TLS 1.2 minimum, peer verification against the configured roots, no compression or
/// renegotiation. Every connection makes its own `SSL` from it.
final class TLSContext: @unchecked Sendable {
    // @unchecked Sendable: the SSL_CTX is configured once in init and only read afterwards (SSL_new takes its own
    // reference), which OpenSSL documents as safe from many threads.
    let context: OpaquePointer

    init(trust: HTTPClientConfiguration.Trust) throws(OutboundHTTPError) {
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw OutboundHTTPError(.tlsHandshake, "the TLS context could not be created")
        }
        self.context = context
        guard cs_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) == 1 else {
            throw OutboundHTTPError(.tlsHandshake, "TLS 1.2 could not be set as the minimum version")
        }
        // A peer closing without close_notify reads as end of stream; the response's framing then decides whether
        // it was complete (a Content-Length or chunked body cut short is `closed`).
        let options = cs_SSL_OP_NO_COMPRESSION() | cs_SSL_OP_NO_RENEGOTIATION() | cs_SSL_OP_IGNORE_UNEXPECTED_EOF()
        _ = SSL_CTX_set_options(context, UInt64(options))
        // A write retried after WANT_WRITE may come from a copied buffer: Swift arrays move.
        _ = cs_SSL_CTX_set_mode(context, cs_SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER())
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        switch trust {
        case .system:
            guard SSL_CTX_set_default_verify_paths(context) == 1 else {
                ERR_clear_error()
                throw OutboundHTTPError(.certificateUntrusted, "the system certificate store could not be loaded")
            }
        case .caBundle(let path):
            guard SSL_CTX_load_verify_locations(context, path, nil) == 1 else {
                ERR_clear_error()
                throw OutboundHTTPError(.certificateUntrusted, "the CA bundle \(path) holds no usable certificate")
            }
        }
    }

    deinit { SSL_CTX_free(context) }
}
