internal import COpenSSL
import Foundation

/// The client side of SCRAM-SHA-256 and SCRAM-SHA-256-PLUS (RFC 5802, RFC 7677; channel binding
/// tls-server-end-point, RFC 5929) as PostgreSQL runs it ("SASL Authentication"): the user name in the messages
/// is empty (the server takes the start-up user), the password is used as its UTF-8 bytes (SASLprep is skipped, as
/// libpq does when preparation fails; ASCII passwords are unaffected).
struct SCRAMClient {
    enum Binding: Equatable {
        /// The client cannot bind (no TLS): "n".
        case unsupported
        /// TLS is on but the server offers no -PLUS mechanism: "y".
        case notOffered
        /// SCRAM-SHA-256-PLUS with the hash of the server certificate.
        case serverEndPoint([UInt8])
    }

    /// The iteration counts accepted from a server (PostgreSQL's default is 4096): a hostile server cannot make the
    /// client spin for minutes.
    static let iterations = 1...1_000_000

    let binding: Binding
    let password: String
    let clientNonce: String
    private(set) var clientFirstBare = ""
    private(set) var expectedServerSignature: [UInt8] = []

    /// The user name in client-first-message: empty for PostgreSQL (it uses the start-up user); RFC test vectors
    /// set one (no `=` or `,` in it).
    let username: String

    init(password: String, binding: Binding, nonce: String? = nil, username: String = "") throws(PostgresError) {
        self.password = password
        self.username = username
        self.binding = binding
        if let nonce {
            clientNonce = nonce
        } else {
            var random = [UInt8](repeating: 0, count: 18)
            guard RAND_bytes(&random, Int32(random.count)) == 1 else {
                throw PostgresError(.authentication, "no random nonce could be drawn")
            }
            clientNonce = Data(random).base64EncodedString()
        }
    }

    var mechanism: String {
        if case .serverEndPoint = binding { return "SCRAM-SHA-256-PLUS" }
        return "SCRAM-SHA-256"
    }

    private var gs2Header: String {
        switch binding {
        case .unsupported: "n,,"
        case .notOffered: "y,,"
        case .serverEndPoint: "p=tls-server-end-point,,"
        }
    }

    mutating func clientFirst() -> [UInt8] {
        clientFirstBare = "n=\(username),r=\(clientNonce)"
        return Array((gs2Header + clientFirstBare).utf8)
    }

    /// The client-final-message for the server-first-message `serverFirst`.
    mutating func clientFinal(serverFirst data: [UInt8]) throws(PostgresError) -> [UInt8] {
        guard let serverFirst = String(validating: data, as: UTF8.self) else { throw Self.refused("not UTF-8") }
        var nonce: String?
        var salt: [UInt8]?
        var iterations: Int?
        for attribute in serverFirst.split(separator: ",", omittingEmptySubsequences: false) {
            if attribute.hasPrefix("r=") { nonce = String(attribute.dropFirst(2)) }
            if attribute.hasPrefix("s=") { salt = Data(base64Encoded: String(attribute.dropFirst(2))).map(Array.init) }
            if attribute.hasPrefix("i=") { iterations = Int(attribute.dropFirst(2)) }
            if attribute.hasPrefix("m=") { throw Self.refused("a mandatory extension") }
        }
        guard let nonce, nonce.hasPrefix(clientNonce), nonce.count > clientNonce.count else {
            throw Self.refused("a nonce that does not extend the client's")
        }
        guard let salt, !salt.isEmpty else { throw Self.refused("no salt") }
        guard let iterations, Self.iterations.contains(iterations) else {
            throw Self.refused("an iteration count outside \(Self.iterations)")
        }
        var channel = Array(gs2Header.utf8)
        if case .serverEndPoint(let hash) = binding { channel += hash }
        let withoutProof = "c=\(Data(channel).base64EncodedString()),r=\(nonce)"
        let salted = try Self.pbkdf2(Array(password.utf8), salt: salt, iterations: iterations)
        let clientKey = try Self.hmac(key: salted, Array("Client Key".utf8))
        let storedKey = try Self.sha256(clientKey)
        let authMessage = Array("\(clientFirstBare),\(serverFirst),\(withoutProof)".utf8)
        let clientSignature = try Self.hmac(key: storedKey, authMessage)
        let proof = zip(clientKey, clientSignature).map { $0 ^ $1 }
        let serverKey = try Self.hmac(key: salted, Array("Server Key".utf8))
        expectedServerSignature = try Self.hmac(key: serverKey, authMessage)
        return Array("\(withoutProof),p=\(Data(proof).base64EncodedString())".utf8)
    }

    /// Checks the server-final-message: the server proves it knows the password too (compared in constant time).
    func verify(serverFinal data: [UInt8]) throws(PostgresError) {
        guard let text = String(validating: data, as: UTF8.self) else { throw Self.refused("not UTF-8") }
        if text.hasPrefix("e=") {
            throw PostgresError(.authentication, "the server refused SCRAM authentication (\(text.dropFirst(2)))")
        }
        let field = text.split(separator: ",").first { $0.hasPrefix("v=") }
        guard let field, let signature = Data(base64Encoded: String(field.dropFirst(2))).map(Array.init),
            !expectedServerSignature.isEmpty, signature.count == expectedServerSignature.count,
            CRYPTO_memcmp(signature, expectedServerSignature, signature.count) == 0
        else {
            throw PostgresError(.authentication, "the server's SCRAM signature is wrong: it does not know the password")
        }
    }

    private static func refused(_ what: String) -> PostgresError {
        PostgresError(.authentication, "the server's SCRAM message has \(what)")
    }

    static func pbkdf2(_ password: [UInt8], salt: [UInt8], iterations: Int) throws(PostgresError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        let status = password.withUnsafeBufferPointer { secret in
            PKCS5_PBKDF2_HMAC(
                secret.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                Int32(secret.count),
                salt, Int32(salt.count), Int32(iterations), EVP_sha256(), 32, &output)
        }
        guard status == 1 else { throw PostgresError(.authentication, "PBKDF2 failed") }
        return output
    }

    static func hmac(key: [UInt8], _ data: [UInt8]) throws(PostgresError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        guard HMAC(EVP_sha256(), key, Int32(key.count), data, data.count, &output, &length) != nil, length == 32 else {
            throw PostgresError(.authentication, "HMAC-SHA-256 failed")
        }
        return output
    }

    static func sha256(_ data: [UInt8]) throws(PostgresError) -> [UInt8] { try digest(data, EVP_sha256()) }

    static func digest(_ data: [UInt8], _ type: OpaquePointer?) throws(PostgresError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard EVP_Digest(data, data.count, &output, &length, type, nil) == 1 else {
            throw PostgresError(.authentication, "a digest failed")
        }
        return Array(output[0..<Int(length)])
    }

    /// PostgreSQL's MD5 password answer: "md5" + hex(md5(hex(md5(password + user)) + salt)).
    static func md5Answer(user: String, password: String, salt: [UInt8]) throws(PostgresError) -> String {
        func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
        let inner = hex(try digest(Array((password + user).utf8), EVP_md5()))
        return "md5" + hex(try digest(Array(inner.utf8) + salt, EVP_md5()))
    }
}
