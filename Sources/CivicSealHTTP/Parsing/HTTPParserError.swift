/// Why a request was refused while parsing. Every case maps to one status; all of them close the connection,
/// since after a framing error the parser cannot know where the next request would start.
package enum HTTPParserError: Error, Sendable, Hashable, CaseIterable {
    // 414
    case requestLineTooLong
    // 431
    case headerSectionTooLarge
    case tooManyHeaderFields
    // 413
    case contentTooLarge
    // 505
    case unsupportedVersion
    // 501
    case unsupportedTransferCoding
    case unsupportedMethodConnect
    // 400
    case bareLineFeed
    case bareCarriageReturn
    case malformedRequestLine
    case invalidMethod
    case invalidRequestTarget
    case invalidVersion
    case obsoleteLineFolding
    case invalidFieldName
    case whitespaceBeforeColon
    case invalidFieldValue
    case missingHost
    case multipleHost
    case invalidHost
    case contentLengthWithTransferEncoding
    case conflictingContentLength
    case invalidContentLength
    case transferEncodingInHTTP10
    case chunkedNotFinal
    case invalidChunkSize
    case invalidChunkExtension
    case missingChunkDataTerminator

    /// The status the server answers with.
    package var status: HTTPStatus {
        switch self {
        case .requestLineTooLong: .uriTooLong
        case .headerSectionTooLarge, .tooManyHeaderFields: .requestHeaderFieldsTooLarge
        case .contentTooLarge: .contentTooLarge
        case .unsupportedVersion: .httpVersionNotSupported
        case .unsupportedTransferCoding, .unsupportedMethodConnect: .notImplemented
        default: .badRequest
        }
    }

    /// A one-line explanation for the problem document; it names the rule, never echoes input.
    package var detail: String {
        switch self {
        case .requestLineTooLong: "The request line is longer than the server accepts."
        case .headerSectionTooLarge: "The header section is larger than the server accepts."
        case .tooManyHeaderFields: "The request has more header fields than the server accepts."
        case .contentTooLarge: "The request content is larger than the server accepts."
        case .unsupportedVersion: "Only HTTP/1.1 and HTTP/1.0 are supported."
        case .unsupportedTransferCoding: "The only supported transfer coding is chunked."
        case .unsupportedMethodConnect: "CONNECT is not supported."
        case .bareLineFeed: "Lines must end with CRLF; a bare LF was received."
        case .bareCarriageReturn: "A CR not followed by LF was received."
        case .malformedRequestLine: "The request line is malformed."
        case .invalidMethod: "The method is not a valid token."
        case .invalidRequestTarget: "The request target is not in origin-form or absolute-form."
        case .invalidVersion: "The HTTP version is malformed."
        case .obsoleteLineFolding: "Obsolete line folding is not accepted."
        case .invalidFieldName: "A header field name is invalid."
        case .whitespaceBeforeColon: "Whitespace between a field name and the colon is not allowed."
        case .invalidFieldValue: "A header field value contains a forbidden character."
        case .missingHost: "An HTTP/1.1 request must carry a Host header field."
        case .multipleHost: "A request must carry at most one Host header field."
        case .invalidHost: "The Host header field is invalid."
        case .contentLengthWithTransferEncoding: "Transfer-Encoding and Content-Length must not both be present."
        case .conflictingContentLength: "Content-Length is given more than once with different values."
        case .invalidContentLength: "Content-Length must be a decimal number."
        case .transferEncodingInHTTP10: "Transfer-Encoding is not allowed in HTTP/1.0 requests."
        case .chunkedNotFinal: "Transfer-Encoding must end with a single chunked coding."
        case .invalidChunkSize: "A chunk size is malformed."
        case .invalidChunkExtension: "A chunk extension is malformed."
        case .missingChunkDataTerminator: "Chunk data must be followed by CRLF."
        }
    }

    /// The slug of the problem `type` URI.
    package var problemSlug: String {
        switch status.code {
        case 414: "uri-too-long"
        case 431: "header-fields-too-large"
        case 413: "content-too-large"
        case 505: "http-version-not-supported"
        case 501: "not-implemented"
        default: "malformed-request"
        }
    }
}
