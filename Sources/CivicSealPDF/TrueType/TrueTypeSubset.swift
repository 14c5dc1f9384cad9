/// A subset of a ``TrueTypeFont`` ready to embed as `/FontFile2` (ISO 32000-1 §9.9).
///
/// Glyph ids are kept unchanged: unused glyphs become empty `glyf` entries, so a PDF can use
/// `/CIDToGIDMap /Identity` (§9.7.4.2) and the CIDs in content streams are the original glyph ids.
/// The glyph count is cut after the highest glyph used.
public struct TrueTypeSubset: Sendable {
    /// The font file bytes.
    public let bytes: [UInt8]
    /// Glyph ids present with their outlines: `.notdef`, the requested glyphs and composite components.
    public let glyphs: Set<UInt16>
    /// Six uppercase letters derived from the font and the glyph set (ISO 32000-1 §9.6.4 subset tag), without "+".
    public let tag: String
}

/// A subset as `/FontFile2` stream data.
struct CompressedSubset: Sendable {
    let tag: String
    /// The zlib-compressed font file.
    let data: [UInt8]
    /// The uncompressed length (`/Length1`).
    let length: Int
    /// SHA-256 of what determines the font program: the font file's fingerprint and the glyph set. The file
    /// identifier hashes this instead of the program (see `PDFSerializer.fileIdentifier()`).
    let digest: [UInt8]
}

extension TrueTypeFont {
    static let embeddingCacheLimit = 64

    /// The compressed subset for `used` (sorted glyph ids), from the cache when this glyph set was embedded before.
    func compressedSubset(_ used: [UInt16]) -> CompressedSubset {
        if let cached = embeddingCache.withLock({ $0[used] }) { return cached }
        let subset = subset(used)
        var hashInput = fingerprint
        for glyph in used { hashInput.appendUInt16(glyph) }
        let compressed = CompressedSubset(
            tag: subset.tag, data: Deflate.zlib(subset.bytes), length: subset.bytes.count, digest: SHA256.hash(hashInput))
        embeddingCache.withLock { cache in
            if cache.count >= Self.embeddingCacheLimit { cache.removeAll() }
            cache[used] = compressed
        }
        return compressed
    }

    /// Builds a subset holding `used` and everything it needs (see ``TrueTypeSubset``).
    public func subset(_ used: some Sequence<UInt16>) -> TrueTypeSubset {
        let glyphs = closure(of: used)
        let sorted = glyphs.sorted()
        let newCount = Int(sorted.last!) + 1
        let glyf = tables["glyf"]!.lowerBound
        var keep = [Bool](repeating: false, count: newCount)
        for glyph in sorted { keep[Int(glyph)] = true }

        // glyf and loca: used glyphs copied, each padded to 4 bytes; the others empty.
        var glyphData: [UInt8] = []
        var offsets = [Int](repeating: 0, count: newCount + 1)
        for glyph in 0..<newCount {
            offsets[glyph] = glyphData.count
            if keep[glyph] {
                glyphData.append(contentsOf: data[(glyf + glyphOffsets[glyph])..<(glyf + glyphOffsets[glyph + 1])])
                while glyphData.count % 4 != 0 { glyphData.append(0) }
            }
        }
        offsets[newCount] = glyphData.count
        let longOffsets = glyphData.count > 0x1FFFE
        var loca: [UInt8] = []
        for offset in offsets {
            if longOffsets { loca.appendUInt32(UInt32(offset)) } else { loca.appendUInt16(UInt16(offset / 2)) }
        }

        // hmtx with one long metric per glyph; unused glyphs get zero metrics.
        var hmtx: [UInt8] = []
        hmtx.reserveCapacity(newCount * 4)
        for glyph in 0..<newCount {
            hmtx.appendUInt16(keep[glyph] ? advances[glyph] : 0)
            hmtx.appendUInt16(keep[glyph] ? UInt16(bitPattern: leftSideBearings[glyph]) : 0)
        }

        var head = Array(data[tables["head"]!])
        head.setUInt32(0, at: 8)  // checkSumAdjustment, computed last
        head.setUInt16(longOffsets ? 1 : 0, at: 50)
        var hhea = Array(data[tables["hhea"]!])
        hhea.setUInt16(UInt16(newCount), at: 34)
        var maxp = Array(data[tables["maxp"]!])
        maxp.setUInt16(UInt16(newCount), at: 4)

        var fontTables: [(tag: String, data: [UInt8])] = [
            ("glyf", glyphData), ("loca", loca), ("head", head), ("hhea", hhea), ("hmtx", hmtx), ("maxp", maxp),
            ("cmap", subsetCharacterMap(keep)), ("name", nameTable()),
        ]
        if let post = tables["post"], post.count >= 32 {
            var header = Array(data[post.lowerBound..<(post.lowerBound + 32)])
            header.setUInt32(0x0003_0000, at: 0)  // format 3: no glyph names
            fontTables.append(("post", header))
        }
        // Hinting programs and tables the glyph instructions may depend on are copied as they are.
        for tag in ["OS/2", "cvt ", "fpgm", "prep", "gasp"] {
            if let range = tables[tag] { fontTables.append((tag, Array(data[range]))) }
        }
        var bytes = Self.assemble(fontTables)
        // head.checkSumAdjustment = 0xB1B0AFBA − checksum of the whole font (OpenType `head`).
        let headOffset = Self.tableOffset(in: bytes, tag: "head")
        bytes.setUInt32(0xB1B0_AFBA &- Self.checksum(bytes[...]), at: headOffset + 8)

        var hashInput = Array(postScriptName.utf8)
        for glyph in sorted { hashInput.appendUInt16(glyph) }
        let digest = SHA256.hash(hashInput)
        let tag = String(decoding: digest.prefix(6).map { UInt8(ascii: "A") + $0 % 26 }, as: UTF8.self)
        return TrueTypeSubset(bytes: bytes, glyphs: glyphs, tag: tag)
    }

    /// A format 4 `cmap` (platform 3, encoding 1) for the BMP characters whose glyphs are kept: one segment per
    /// character plus the required final 0xFFFF segment. PDF readers use `/CIDToGIDMap` instead, but some
    /// rasterizers want a valid cmap to be present.
    private func subsetCharacterMap(_ keep: [Bool]) -> [UInt8] {
        let pairs = basicPlaneMap.filter { Int($0.glyph) < keep.count && keep[Int($0.glyph)] }
        let segments = pairs.count + 1
        var searchRange = 1
        var entrySelector = 0
        while searchRange * 2 <= segments {
            searchRange *= 2
            entrySelector += 1
        }
        var table: [UInt8] = []
        table.appendUInt16(0)  // version
        table.appendUInt16(1)
        table.appendUInt16(3)
        table.appendUInt16(1)
        table.appendUInt32(12)
        table.appendUInt16(4)  // format
        table.appendUInt16(UInt16(16 + 8 * segments))
        table.appendUInt16(0)  // language
        table.appendUInt16(UInt16(2 * segments))
        table.appendUInt16(UInt16(2 * searchRange))
        table.appendUInt16(UInt16(entrySelector))
        table.appendUInt16(UInt16(2 * segments - 2 * searchRange))
        for pair in pairs { table.appendUInt16(pair.code) }
        table.appendUInt16(0xFFFF)
        table.appendUInt16(0)  // reservedPad
        for pair in pairs { table.appendUInt16(pair.code) }
        table.appendUInt16(0xFFFF)
        for pair in pairs { table.appendUInt16(pair.glyph &- pair.code) }
        table.appendUInt16(1)
        for _ in 0..<segments { table.appendUInt16(0) }
        return table
    }

    /// A minimal `name` table (format 0, Windows Unicode) with family, subfamily, full and PostScript names.
    private func nameTable() -> [UInt8] {
        let bold = weightClass >= 600
        let family = postScriptName.split(separator: "-").first.map(String.init) ?? postScriptName
        let names: [(id: UInt16, text: String)] = [
            (1, family), (2, bold ? "Bold" : "Book"), (4, family + (bold ? " Bold" : "")), (6, postScriptName),
        ]
        var storage: [UInt8] = []
        var table: [UInt8] = []
        table.appendUInt16(0)
        table.appendUInt16(UInt16(names.count))
        table.appendUInt16(UInt16(6 + 12 * names.count))
        for name in names {
            let encoded = name.text.utf16.flatMap { [UInt8($0 >> 8), UInt8(truncatingIfNeeded: $0)] }
            table.appendUInt16(3)
            table.appendUInt16(1)
            table.appendUInt16(0x0409)
            table.appendUInt16(name.id)
            table.appendUInt16(UInt16(encoded.count))
            table.appendUInt16(UInt16(storage.count))
            storage.append(contentsOf: encoded)
        }
        return table + storage
    }

    /// The sfnt wrapper: offset table, table records sorted by tag, tables 4-byte aligned.
    static func assemble(_ tables: [(tag: String, data: [UInt8])]) -> [UInt8] {
        let sorted = tables.sorted { Array($0.tag.utf8).lexicographicallyPrecedes(Array($1.tag.utf8)) }
        var searchRange = 1
        var entrySelector = 0
        while searchRange * 2 <= sorted.count {
            searchRange *= 2
            entrySelector += 1
        }
        var bytes: [UInt8] = []
        bytes.appendUInt32(0x0001_0000)
        bytes.appendUInt16(UInt16(sorted.count))
        bytes.appendUInt16(UInt16(searchRange * 16))
        bytes.appendUInt16(UInt16(entrySelector))
        bytes.appendUInt16(UInt16(sorted.count * 16 - searchRange * 16))
        var offset = 12 + 16 * sorted.count
        for table in sorted {
            bytes.append(contentsOf: Array(table.tag.utf8))
            bytes.appendUInt32(checksum(table.data[...]))
            bytes.appendUInt32(UInt32(offset))
            bytes.appendUInt32(UInt32(table.data.count))
            offset += (table.data.count + 3) & ~3
        }
        for table in sorted {
            bytes.append(contentsOf: table.data)
            while bytes.count % 4 != 0 { bytes.append(0) }
        }
        return bytes
    }

    /// The OpenType table checksum: the sum of big-endian 32-bit words, the data zero-padded to a multiple of 4.
    static func checksum(_ data: ArraySlice<UInt8>) -> UInt32 {
        var sum: UInt32 = 0
        var index = data.startIndex
        while index < data.endIndex {
            var word: UInt32 = 0
            for k in 0..<4 { word = word << 8 | UInt32(index + k < data.endIndex ? data[index + k] : 0) }
            sum &+= word
            index += 4
        }
        return sum
    }

    static func tableOffset(in font: [UInt8], tag: String) -> Int {
        let count = Int(font[4]) << 8 | Int(font[5])
        let tagBytes = Array(tag.utf8)
        for index in 0..<count where Array(font[(12 + 16 * index)..<(16 + 16 * index)]) == tagBytes {
            let record = 12 + 16 * index + 8
            return Int(font[record]) << 24 | Int(font[record + 1]) << 16 | Int(font[record + 2]) << 8 | Int(font[record + 3])
        }
        return 0
    }
}
