internal import COpenSSL

/// An owned OpenSSL memory BIO: read-only over a copy of bytes, or writable and read back.
final class MemoryBIO {
    let pointer: OpaquePointer
    /// Keeps the bytes a read-only BIO points into alive as long as the BIO.
    private let storage: UnsafeMutableRawBufferPointer?

    /// A writable, growing memory BIO.
    init() throws(CryptoError) {
        guard let bio = BIO_new(BIO_s_mem()) else { throw .openSSL("BIO_new failed") }
        pointer = bio
        storage = nil
    }

    /// A read-only BIO over a private copy of `bytes`.
    init(_ bytes: some Collection<UInt8>) throws(CryptoError) {
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        _ = copy.initializeMemory(as: UInt8.self, from: bytes)
        guard let bio = BIO_new_mem_buf(copy.baseAddress, Int32(bytes.count)) else {
            copy.deallocate()
            throw .openSSL("BIO_new_mem_buf failed")
        }
        pointer = bio
        storage = copy
    }

    deinit {
        BIO_free(pointer)
        storage?.deallocate()
    }

    /// Everything written to the BIO so far.
    var bytes: [UInt8] {
        var data: UnsafeMutablePointer<CChar>?
        let length = cs_BIO_get_mem_data(pointer, &data)
        guard length > 0, let data else { return [] }
        return data.withMemoryRebound(to: UInt8.self, capacity: length) {
            Array(UnsafeBufferPointer(start: $0, count: length))
        }
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }
}

/// Calls an OpenSSL `i2d_*` function twice (size, then bytes) and returns the DER.
func derEncode(_ encode: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32) throws(CryptoError) -> [UInt8]
{
    let length = encode(nil)
    guard length > 0 else { throw .openSSL("DER encoding failed") }
    var output = [UInt8](repeating: 0, count: Int(length))
    let written = output.withUnsafeMutableBufferPointer { buffer -> Int32 in
        var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
        return encode(&cursor)
    }
    guard written == length else { throw .openSSL("DER encoding changed length") }
    return output
}
