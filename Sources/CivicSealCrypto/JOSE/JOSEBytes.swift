import Foundation

/// `withUnsafeBytes` over bytes as `UInt8`, keeping the closure's typed ``JOSEError``.
func withJOSEBytes<R>(
    _ data: some ContiguousBytes, _ body: (UnsafeBufferPointer<UInt8>) throws(JOSEError) -> R
) throws(JOSEError) -> R {
    let result: Result<R, JOSEError> = data.withUnsafeBytes { raw in
        do throws(JOSEError) { return .success(try body(raw.bindMemory(to: UInt8.self))) } catch {
            return .failure(error)
        }
    }
    return try result.get()
}

/// `String.withUTF8` keeping the closure's typed ``JOSEError`` (native strings are contiguous: no copy).
func withJOSEUTF8<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) throws(JOSEError) -> R) throws(JOSEError) -> R
{
    var text = text
    let result: Result<R, JOSEError> = text.withUTF8 { buffer in
        do throws(JOSEError) { return .success(try body(buffer)) } catch { return .failure(error) }
    }
    return try result.get()
}
