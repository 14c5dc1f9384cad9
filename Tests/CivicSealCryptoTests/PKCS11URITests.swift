import CivicSealCrypto
import CivicSealTestSupport
import Foundation
import Testing

@Suite("PKCS #11 URIs and PIN sources")
struct PKCS11URITests {
    @Test("RFC 7512's examples parse into their attributes")
    func rfcExamples() throws {
        #expect(try PKCS11URI("pkcs11:") == PKCS11URI())
        let pub = try PKCS11URI("pkcs11:object=my-pubkey;type=public")
        #expect(pub.object == "my-pubkey" && pub.type == "public" && pub.token == nil)
        let withPIN = try PKCS11URI("pkcs11:object=my-key;type=private?pin-source=file:/etc/token")
        #expect(withPIN.object == "my-key" && withPIN.pinSource == "file:/etc/token")
        let full = try PKCS11URI(
            "pkcs11:token=The%20Software%20PKCS%2311%20Softtoken;manufacturer=Snake%20Oil,%20Inc.;model=1.0;"
                + "object=my-certificate;type=cert;id=%69%95%3E%5C%F4%BD%EC%91;serial=?pin-source=file:/etc/token_pin")
        #expect(full.token == "The Software PKCS#11 Softtoken" && full.manufacturer == "Snake Oil, Inc.")
        #expect(full.model == "1.0" && full.type == "cert" && full.serial == "")
        #expect(full.id == [0x69, 0x95, 0x3E, 0x5C, 0xF4, 0xBD, 0xEC, 0x91])
        #expect(try PKCS11URI("pkcs11:object=my-sign-key;type=private?module-name=mypkcs11").moduleName == "mypkcs11")
        #expect(
            try PKCS11URI("pkcs11:object=my-sign-key;type=private?module-path=/mnt/libmypkcs11.so.1").modulePath
                == "/mnt/libmypkcs11.so.1")
        #expect(try PKCS11URI("pkcs11:slot-description=Sun%20Metaslot").slotDescription == "Sun Metaslot")
        let library = try PKCS11URI(
            "pkcs11:library-manufacturer=Snake%20Oil,%20Inc.;library-description=Soft%20Token%20Library;"
                + "library-version=1.23")
        #expect(library.libraryVersion == "1.23" && library.libraryDescription == "Soft Token Library")
        #expect(
            try PKCS11URI("pkcs11:token=A%20name%20with%20a%20substring%20%25%3B;object=my-certificate;type=cert")
                .token == "A name with a substring %;")
        #expect(
            try PKCS11URI("pkcs11:token=Name%20with%20a%20small%20A%20with%20acute:%20%C3%A1;object=c;type=cert")
                .token == "Name with a small A with acute: á")
        #expect(try PKCS11URI("pkcs11:slot-id=12345").slotID == 12345)
    }

    @Test("Unknown path attributes are refused (they match nothing, RFC 7512 §3.3); unknown query ones are ignored")
    func unknownAttributes() throws {
        #expect(throws: CryptoError(.invalidArgument, "")) {
            try PKCS11URI("pkcs11:token=my-token;object=my-certificate;type=cert;vendor-aaa=value-a")
        }
        #expect(throws: CryptoError(.invalidArgument, "")) { try PKCS11URI("pkcs11:token=t;x-vendor=1") }
        let query = try PKCS11URI("pkcs11:token=my-token?pin-source=file:/etc/token_pin&vendor-bbb=value-b")
        #expect(query.token == "my-token" && query.pinSource == "file:/etc/token_pin")
        #expect(try PKCS11URI("pkcs11:token=t?module-path=/opt/p11?/lib.so").modulePath == "/opt/p11?/lib.so")
        #expect(throws: CryptoError(.invalidArgument, "")) { try PKCS11URI("pkcs11:token=t?x;object=o") }
    }

    @Test("A PIN in the URI is refused, and the error does not repeat it")
    func pinValueRefused() {
        for text in ["pkcs11:token=t?pin-value=123456", "pkcs11:token=t;pin-value=123456"] {
            let error = #expect(throws: CryptoError.self) { try PKCS11URI(text) }
            #expect(error?.code == .invalidArgument && error?.message.contains("123456") == false)
            #expect(error?.message.contains("PIN never goes in a URI") == true)
        }
    }

    @Test("Malformed URIs are refused: scheme, duplicates, escapes, lengths, types, slot ids, control characters")
    func malformed() {
        let bad = [
            "", "pkcs11", "pk11:token=a", "https://example.com", "pkcs11:token=a;token=b", "pkcs11:token=%4",
            "pkcs11:token=%G1", "pkcs11:token", "pkcs11:=a", "pkcs11:Token=a", "pkcs11:type=secret",
            "pkcs11:slot-id=-1", "pkcs11:slot-id=1x", "pkcs11:slot-id=99999999999999999999", "pkcs11:object=a%0Ab",
            "pkcs11:object=a%00b", "pkcs11:object=%FF%FE", "pkcs11:object=a b", "pkcs11:object=a\"b",
            "pkcs11:token=" + String(repeating: "a", count: 300),
            "pkcs11:token=a?" + String(repeating: "b", count: 5000),
            "pkcs11:token=a?module-path=/x&module-path=/y",
        ]
        for text in bad {
            #expect(throws: CryptoError(.invalidArgument, ""), "\(text.prefix(60))") { try PKCS11URI(text) }
        }
    }

    @Test("The canonical text parses back to the same URI and %-encodes what it must")
    func canonicalRoundTrip() throws {
        var uri = PKCS11URI()
        uri.token = "Sở Tư pháp; seals"
        uri.serial = "0a1b"
        uri.object = "seal/justice|2026"
        uri.id = [0x00, 0xFF, 0x41]
        uri.type = "private"
        uri.modulePath = "/usr/lib/softhsm/libsofthsm2.so"
        uri.pinSource = "file:/run/secrets/pin"
        let text = uri.description
        #expect(text.hasPrefix("pkcs11:token=S%E1%BB%9F%20T%C6%B0%20ph%C3%A1p%3B%20seals;serial=0a1b;"))
        #expect(text.contains(";object=seal%2Fjustice%7C2026;id=%00%FF%41;type=private?"))
        #expect(text.hasSuffix("?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/secrets/pin"))
        #expect(try PKCS11URI(text) == uri)
        let key = try PKCS11URI("pkcs11:token=CivicSeal").with(object: "seal-justice", id: [1, 2])
        #expect(key.description == "pkcs11:token=CivicSeal;object=seal-justice;id=%01%02;type=private")
        #expect(key.with(object: nil, id: nil).description == "pkcs11:token=CivicSeal")
    }

    @Test("PIN sources: file: (with or without an empty authority) and env:, nothing else")
    func pinSourceParsing() throws {
        #expect(try PINSource("file:/run/secrets/pin") == .file("/run/secrets/pin"))
        #expect(try PINSource("file:///run/secrets/pin") == .file("/run/secrets/pin"))
        #expect(try PINSource("env:CIVICSEAL_TOKEN_PIN") == .environment("CIVICSEAL_TOKEN_PIN"))
        #expect(try PINSource("env:CIVICSEAL_TOKEN_PIN").description == "env:CIVICSEAL_TOKEN_PIN")
        for text in [
            "", "1234", "file:", "file:relative/pin", "file://host/pin", "env:", "env:1PIN", "env:A-B", "env:A B",
            "pin:1234", "FILE:/x", "file:/",
        ] {
            #expect(throws: CryptoError(.invalidArgument, ""), "\(text)") { try PINSource(text) }
        }
    }

    @Test("Reading a PIN: one trailing newline stripped; empty, multi-line, missing or unset refused without the PIN")
    func pinSourceReading() throws {
        let directory = TemporaryDirectory()
        #expect(try PINSource.file(try directory.write("a", text: "123456\n")).read() == "123456")
        #expect(try PINSource.file(try directory.write("b", text: "123456")).read() == "123456")
        #expect(try PINSource.file(try directory.write("c", text: "12 34\r\n")).read() == "12 34")
        for (name, text) in [("d", ""), ("e", "\n"), ("f", "secret-pin-9876\nsecond line\n")] {
            let error = #expect(throws: CryptoError.self) {
                try PINSource.file(try directory.write(name, text: text)).read()
            }
            #expect(error?.code == .invalidArgument && error?.message.contains("secret-pin-9876") == false)
        }
        #expect(throws: CryptoError(.invalidArgument, "")) { try PINSource.file(directory.path + "/none").read() }
        #expect(throws: CryptoError(.invalidArgument, "")) { try PINSource.file(directory.path).read() }
        #expect(throws: CryptoError(.invalidArgument, "")) {
            try PINSource.file(try directory.write("big", Array(repeating: UInt8(ascii: "1"), count: 10_000))).read()
        }
        setenv("CIVICSEAL_TEST_TOKEN_PIN", "654321", 1)
        #expect(try PINSource.environment("CIVICSEAL_TEST_TOKEN_PIN").read() == "654321")
        #expect(throws: CryptoError(.invalidArgument, "")) {
            try PINSource.environment("CIVICSEAL_TEST_UNSET_PIN_\(getpid())").read()
        }
    }
}
