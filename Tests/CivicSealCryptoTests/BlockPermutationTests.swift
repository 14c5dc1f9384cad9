import CivicSealCrypto
import CivicSealTestSupport
import Foundation
import Testing

@Suite struct BlockPermutationTests {
    static func bytes(_ hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return result
    }

    // FIPS 197 Appendix C.1 (AES-128).
    @Test func matchesFIPS197Vector() throws {
        let permutation = try BlockPermutation(key: Self.bytes("000102030405060708090a0b0c0d0e0f"))
        let image = permutation.apply(Self.bytes("00112233445566778899aabbccddeeff"))
        #expect(Hex.encode(image) == "69c4e0d86a7b0430d8cdb78070b4c55a")
        #expect(Hex.encode(permutation.invert(image)) == "00112233445566778899aabbccddeeff")
    }

    @Test func invertUndoesApplyAndKeysDiffer() throws {
        let a = try BlockPermutation(key: SecureRandom.bytes(16))
        let b = try BlockPermutation(key: SecureRandom.bytes(16))
        var images = Set<[UInt8]>()
        for counter in 0..<1_000 {
            var block = [UInt8](repeating: 0, count: 16)
            withUnsafeBytes(of: UInt64(counter).bigEndian) { block.replaceSubrange(0..<8, with: $0) }
            let image = a.apply(block)
            #expect(a.invert(image) == block)
            #expect(b.apply(block) != image)
            images.insert(image)
        }
        #expect(images.count == 1_000)
    }

    @Test func refusesKeysOfOtherLengths() {
        for length in [0, 15, 17, 32] {
            #expect(throws: CryptoError(.invalidArgument, "")) {
                try BlockPermutation(key: [UInt8](repeating: 1, count: length))
            }
        }
    }

    @Test func usableFromManyTasksAtOnce() async throws {
        let permutation = try BlockPermutation(key: SecureRandom.bytes(16))
        let failures = await withTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var failures = 0
                    for counter in 0..<2_000 {
                        let block = (0..<16).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ counter &+ task) }
                        if permutation.invert(permutation.apply(block)) != block { failures += 1 }
                    }
                    return failures
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
    }

    /// The `openssl` CLI, with the same key, computes the same image of a random block.
    @Test(.enabled(if: ExternalTool.isUsable("openssl")))
    func agreesWithOpenSSLCommandLine() throws {
        let key = SecureRandom.bytes(16)
        let block = SecureRandom.bytes(16)
        let permutation = try BlockPermutation(key: key)
        let output = try ExternalTool.run(
            "openssl", ["enc", "-aes-128-ecb", "-nopad", "-K", Hex.encode(key)], input: Data(block))
        #expect(output.status == 0, "\(output.errorText)")
        #expect(Array(output.standardOutput) == permutation.apply(block))
    }
}
