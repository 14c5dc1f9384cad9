import Synchronization

/// Time-stamp serial numbers handed out from blocks that something shared reserves: hi/lo allocation over a
/// database row on PostgreSQL, where several instances (on several machines, each with its own data directory) sign
/// with one TSA identity and must never repeat a serial.
///
/// `reserve(blockSize)` returns the first serial of a block of `blockSize` that nobody else will ever be given; the
/// source hands the block out from memory and reserves the next one when it is used up. A crash loses at most the
/// unused rest of a block. Serials are positive 64-bit counters, as minimal DER INTEGER content.
package final class BlockTimeStampSerialSource: TimeStampSerialSource {
    package typealias Reserve = @Sendable (_ blockSize: UInt64) throws(CryptoError) -> UInt64
    package let blockSize: UInt64
    private let reserve: Reserve
    private let range = Mutex<(next: UInt64, end: UInt64)>((0, 0))

    /// - Parameter blockSize: serials reserved per call of `reserve` (1–1,000,000).
    package init(blockSize: UInt64 = 4096, reserve: @escaping Reserve) throws(CryptoError) {
        guard (1...1_000_000).contains(blockSize) else {
            throw CryptoError(.invalidArgument, "blockSize must be 1...1000000")
        }
        self.blockSize = blockSize
        self.reserve = reserve
    }

    package func next() throws(CryptoError) -> [UInt8] {
        let value = try range.withLock { (range) throws(CryptoError) -> UInt64 in
            if range.next == range.end {
                let start = try reserve(blockSize)
                let (end, overflow) = start.addingReportingOverflow(blockSize)
                guard start >= 1, !overflow else {
                    throw CryptoError(.invalidArgument, "time-stamp serials are exhausted")
                }
                range = (start, end)
            }
            defer { range.next += 1 }
            return range.next
        }
        return TSPEncoding.positiveIntegerContent(withUnsafeBytes(of: value.bigEndian) { Array($0) })
    }
}
