/// Size and count caps applied while parsing a form, so a hostile body costs bounded memory and time.
package struct FormLimits: Sendable, Equatable {
    /// Largest `application/x-www-form-urlencoded` body, in bytes (64 KiB). Multipart bodies are bounded by the
    /// server's request-body cap and by ``maximumParts`` × ``maximumFileBytes``.
    package var maximumBodyBytes: Int
    /// Most fields in a urlencoded body (200).
    package var maximumFields: Int
    /// Largest decoded text value, urlencoded or a multipart part without a filename, in bytes (16 KiB).
    package var maximumValueBytes: Int
    /// Largest decoded field name, in bytes (100).
    package var maximumNameBytes: Int
    /// Largest file part of a multipart body, in bytes (10 MiB).
    package var maximumFileBytes: Int
    /// Most parts in a multipart body (20).
    package var maximumParts: Int
    /// Most header lines in one multipart part (8).
    package var maximumPartHeaders: Int
    /// Longest header line in a multipart part, without its CRLF, in bytes (2 KiB: room for a long UTF-8 filename).
    package var maximumPartHeaderLineBytes: Int

    /// Limits with the defaults above, any of them overridden.
    package init(
        maximumBodyBytes: Int = 64 * 1024, maximumFields: Int = 200, maximumValueBytes: Int = 16 * 1024,
        maximumNameBytes: Int = 100, maximumFileBytes: Int = 10 * 1024 * 1024, maximumParts: Int = 20,
        maximumPartHeaders: Int = 8, maximumPartHeaderLineBytes: Int = 2048
    ) {
        self.maximumBodyBytes = maximumBodyBytes
        self.maximumFields = maximumFields
        self.maximumValueBytes = maximumValueBytes
        self.maximumNameBytes = maximumNameBytes
        self.maximumFileBytes = maximumFileBytes
        self.maximumParts = maximumParts
        self.maximumPartHeaders = maximumPartHeaders
        self.maximumPartHeaderLineBytes = maximumPartHeaderLineBytes
    }
}
