import CivicSealCrypto
import Foundation
import Testing

@Suite struct DigestTests {
    // FIPS 180-2 Appendix B "abc" vectors.
    @Test func sha2MatchesFIPS180Vectors() {
        let abc = Array("abc".utf8)
        #expect(Hex.encode(Digest.sha256(abc)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            Hex.encode(Digest.sha384(abc))
                == "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7")
        #expect(
            Hex.encode(Digest.sha512(abc))
                == "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        )
    }

    @Test func incrementalHashEqualsOneShot() {
        let data = Array((0..<10_000).map { UInt8($0 & 0xFF) })
        let hasher = Hasher(.sha256)
        hasher.update(Array(data[..<1234]))
        hasher.update(Array(data[1234...]))
        #expect(hasher.finalize() == Digest.sha256(data))
    }

    @Test func constantTimeComparisonComparesContentAndLength() {
        #expect(ConstantTime.equals([1, 2, 3] as [UInt8], [1, 2, 3] as [UInt8]))
        #expect(!ConstantTime.equals([1, 2, 3] as [UInt8], [1, 2, 4] as [UInt8]))
        #expect(!ConstantTime.equals([1, 2, 3] as [UInt8], [1, 2] as [UInt8]))
        #expect(ConstantTime.equals([] as [UInt8], [] as [UInt8]))
    }

    @Test func randomBytesAreFreshAndIdentifiersHave128Bits() {
        let a = SecureRandom.bytes(32)
        let b = SecureRandom.bytes(32)
        #expect(a.count == 32 && a != b)
        let id = SecureRandom.identifier()
        #expect(id.count == 32 && Hex.decode(id)?.count == 16)
    }

    @Test func hexRoundTripsAndRejectsGarbage() {
        #expect(Hex.decode("00ffA0") == [0, 255, 160])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
    }
}
