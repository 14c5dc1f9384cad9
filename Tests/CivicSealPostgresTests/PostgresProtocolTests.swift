import Foundation
import Testing

@testable import CivicSealPostgres

/// The protocol pieces from literal bytes: SCRAM against RFC 7677's vector, strict message decoding.
@Suite("Postgres protocol")
struct PostgresProtocolTests {
    @Test("SCRAM-SHA-256 computes RFC 7677's client proof and accepts only its server signature")
    func scramRFC7677Vector() throws {
        var client = try SCRAMClient(
            password: "pencil", binding: .unsupported, nonce: "rOprNGfwEbeRWgbNEkqO", username: "user")
        #expect(String(decoding: client.clientFirst(), as: UTF8.self) == "n,,n=user,r=rOprNGfwEbeRWgbNEkqO")
        let serverFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
        let final = try client.clientFinal(serverFirst: Array(serverFirst.utf8))
        #expect(
            String(decoding: final, as: UTF8.self)
                == "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")
        try client.verify(serverFinal: Array("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=".utf8))
        #expect(throws: PostgresError.self) {
            try client.verify(serverFinal: Array("v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=".utf8))
        }
        #expect(throws: PostgresError.self) { try client.verify(serverFinal: Array("e=invalid-proof".utf8)) }
    }

    @Test("A server-first message that does not extend our nonce or asks for absurd work is refused")
    func scramRefusesHostileServerFirst() throws {
        for serverFirst in [
            "r=someoneElsesNonce,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", "r=abcXYZ,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0",
            "r=abcXYZ,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=100000000", "r=abcXYZ,i=4096",
            "r=abc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1",
        ] {
            var client = try SCRAMClient(password: "pencil", binding: .unsupported, nonce: "abc")
            _ = client.clientFirst()
            #expect(throws: PostgresError.self, "\(serverFirst)") {
                _ = try client.clientFinal(serverFirst: Array(serverFirst.utf8))
            }
        }
    }

    @Test("Channel binding puts the certificate hash after the gs2 header")
    func scramPlusBindsTheHash() throws {
        var client = try SCRAMClient(password: "pencil", binding: .serverEndPoint([1, 2, 3]), nonce: "abc")
        #expect(client.mechanism == "SCRAM-SHA-256-PLUS")
        #expect(String(decoding: client.clientFirst(), as: UTF8.self) == "p=tls-server-end-point,,n=,r=abc")
        let final = try client.clientFinal(serverFirst: Array("r=abcdef,s=c2FsdA==,i=16".utf8))
        let channel = Data("p=tls-server-end-point,,".utf8 + [1, 2, 3]).base64EncodedString()
        #expect(String(decoding: final, as: UTF8.self).hasPrefix("c=\(channel),r=abcdef,p="))
    }

    @Test("MD5 passwords answer as libpq does")
    func md5Answer() throws {
        // "md5" + md5(hex(md5("secret" + "alice")) + salt), computed independently with Python's hashlib.
        let answer = try SCRAMClient.md5Answer(user: "alice", password: "secret", salt: [1, 2, 3, 4])
        #expect(answer == "md598a0412b9c31436fc53776e863350083")
    }

    @Test("Messages decode strictly: truncated, overlong and trailing bytes are protocol errors")
    func malformedMessagesAreProtocolErrors() throws {
        #expect(
            try BackendMessage.decode(type: UInt8(ascii: "Z"), body: [UInt8(ascii: "I")])
                == .readyForQuery(transactionStatus: UInt8(ascii: "I")))
        #expect(
            try BackendMessage.decode(type: UInt8(ascii: "D"), body: [0, 2, 0, 0, 0, 1, 65, 255, 255, 255, 255])
                == .dataRow([[65], nil]))
        let malformed: [(Character, [UInt8])] = [
            ("Z", []), ("Z", [UInt8(ascii: "X")]), ("Z", [UInt8(ascii: "I"), 0]),
            ("D", [0, 1, 0, 0, 0, 5, 65]),  // a value longer than the message
            ("D", [0, 1, 255, 255, 255, 254]),  // a negative length other than -1
            ("D", [255, 255]),  // a negative count
            ("S", [65, 0, 66]),  // an unterminated string
            ("S", [0xFF, 0, 0]),  // not UTF-8
            ("T", [0, 1, 65, 0, 0, 0]),  // a column cut short
            ("R", [0, 0, 0]), ("K", [0, 0, 0, 1]), ("E", [UInt8(ascii: "M"), 65]), ("?", []),
        ]
        for (type, body) in malformed {
            #expect(throws: PostgresError.self, "\(type) \(body)") {
                _ = try BackendMessage.decode(type: UInt8(ascii: type.unicodeScalars.first!), body: body)
            }
        }
    }

    @Test("Binary values of the wrong width are refused, not read past")
    func binaryValuesAreChecked() throws {
        #expect(try PostgresValue.decode([0, 0, 0, 7], typeOID: PostgresValue.TypeOID.int4, binary: true) == .int32(7))
        #expect(throws: PostgresError.self) {
            _ = try PostgresValue.decode([0, 7], typeOID: PostgresValue.TypeOID.int4, binary: true)
        }
        #expect(throws: PostgresError.self) {
            _ = try PostgresValue.decode([2, 65], typeOID: PostgresValue.TypeOID.jsonb, binary: true)
        }
        #expect(throws: PostgresError.self) {
            _ = try PostgresValue.decode([1], typeOID: 1700, binary: true)
        }
    }

    @Test("A configuration prints where and as whom, never its password")
    func configurationHidesThePassword() {
        let configuration = PostgresConfiguration(
            endpoint: .tcp(host: "db.internal", port: 5432), user: "civicseal", password: "hunter2-secret",
            database: "records")
        #expect("\(configuration)" == "postgres://civicseal@db.internal:5432/records (tls: disable, password: set)")
        #expect(!"\(configuration)".contains("hunter2"))
    }

    @Test("Frontend messages carry their lengths, and start-up speaks protocol 3.0")
    func frontendEncoding() {
        var buffer = FrontendBuffer()
        buffer.startup([("user", "u")])
        #expect(buffer.bytes == [0, 0, 0, 16, 0, 3, 0, 0] + Array("user\0u\0\0".utf8))
        var sync = FrontendBuffer()
        sync.sync()
        #expect(sync.bytes == [UInt8(ascii: "S"), 0, 0, 0, 4])
        var cancel = FrontendBuffer()
        cancel.cancelRequest(processID: 1, secretKey: 2)
        #expect(cancel.bytes == [0, 0, 0, 16, 4, 210, 22, 46, 0, 0, 0, 1, 0, 0, 0, 2])
    }
}
