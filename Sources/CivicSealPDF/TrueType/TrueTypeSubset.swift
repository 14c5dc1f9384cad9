/// A subset of a ``TrueTypeFont`` ready to embed as `/FontFile2` (ISO 32000-1 §9.9).
///
/// Glyphs are renumbered compactly: the kept glyphs (`.notdef`, the requested glyphs and the components of
/// composite glyphs) keep their relative order and take the ids 0, 1, 2…, so `loca` and `hmtx` hold one
/// entry per kept glyph instead of one per glyph up to the highest id used. Composite glyphs refer to their
/// components by the new ids. A PDF using the subset writes the new ids as CIDs, with `/CIDToGIDMap /Identity`
/// (§9.7.4.2); ``newGlyph(for:)`` gives them.
package struct TrueTypeSubset: Sendable {
    /// The font file bytes.
    package let bytes: [UInt8]
    /// Original glyph ids present with their outlines: `.notdef`, the requested glyphs and composite components.
    package let glyphs: Set<UInt16>
    /// The original glyph id of each new glyph id, ascending (`originalGlyphs[0] == 0`, `.notdef`).
    package let originalGlyphs: [UInt16]
    /// Six uppercase letters derived from the font and the glyph set (ISO 32000-1 §9.6.4 subset tag), without "+".
    package let tag: String

    /// The subset's glyph id for original glyph `glyph`, nil when the subset does not hold it.
    package func newGlyph(for glyph: UInt16) -> UInt16? { originalGlyphs.sortedIndex(of: glyph).map(UInt16.init) }
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
    /// The original glyph id of each subset glyph id, ascending.
    let originalGlyphs: [UInt16]
    /// Original glyph id → subset glyph id (0, `.notdef`, for glyphs left out), for rewriting content streams.
    let newGlyphs: [UInt16]

    init(tag: String, data: [UInt8], length: Int, digest: [UInt8], originalGlyphs: [UInt16], glyphCount: Int) {
        self.tag = tag
        self.data = data
        self.length = length
        self.digest = digest
        self.originalGlyphs = originalGlyphs
        var newGlyphs = [UInt16](repeating: 0, count: glyphCount)
        for (newGlyph, glyph) in originalGlyphs.enumerated() where Int(glyph) < glyphCount {
            newGlyphs[Int(glyph)] = UInt16(newGlyph)
        }
        self.newGlyphs = newGlyphs
    }

    /// The subset's glyph id (the CID written in content streams) for original glyph `glyph`; `.notdef` for a
    /// glyph the subset lacks, which cannot happen for glyphs the subset was built from.
    @inline(__always)
    func newGlyph(for glyph: UInt16) -> UInt16 { Int(glyph) < newGlyphs.count ? newGlyphs[Int(glyph)] : 0 }
}

extension [UInt16] {
    /// The index of `value` in this ascending array, by binary search.
    func sortedIndex(of value: UInt16) -> Int? {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low < count && self[low] == value ? low : nil
    }
}

/// Recently embedded subsets of one font, least recently used first out.
struct SubsetCache {
    static let capacity = 64
    private var entries: [[UInt16]: (subset: CompressedSubset, lastUse: UInt64)] = [:]
    private var clock: UInt64 = 0

    mutating func lookUp(_ glyphs: [UInt16]) -> CompressedSubset? {
        guard let entry = entries[glyphs] else { return nil }
        clock += 1
        entries[glyphs]!.lastUse = clock
        return entry.subset
    }

    mutating func insert(_ subset: CompressedSubset, for glyphs: [UInt16]) {
        clock += 1
        if entries[glyphs] == nil, entries.count >= Self.capacity,
            let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse })
        {
            entries[oldest.key] = nil
        }
        entries[glyphs] = (subset, clock)
    }
}

extension TrueTypeFont {
    /// The compressed subset for `used` (sorted glyph ids), from the cache when this glyph set was embedded recently.
    func compressedSubset(_ used: [UInt16]) -> CompressedSubset {
        if let cached = embeddingCache.withLock({ $0.lookUp(used) }) { return cached }
        let subset = subset(used)
        var hashInput = fingerprint
        for glyph in used { hashInput.appendUInt16(glyph) }
        let compressed = CompressedSubset(
            tag: subset.tag, data: Deflate.zlib(subset.bytes), length: subset.bytes.count,
            digest: SHA256.hash(hashInput),
            originalGlyphs: subset.originalGlyphs, glyphCount: glyphCount)
        embeddingCache.withLock { $0.insert(compressed, for: used) }
        return compressed
    }

    /// Builds a subset holding `used` and everything it needs (see ``TrueTypeSubset``).
    package func subset(_ used: some Sequence<UInt16>) -> TrueTypeSubset {
        let glyphs = closure(of: used)
        let sorted = glyphs.sorted()
        let newCount = sorted.count
        let glyf = tables["glyf"]!.lowerBound
        // Original glyph id → subset id, or −1 for a glyph left out.
        var newIDs = [Int32](repeating: -1, count: glyphCount)
        for (newGlyph, glyph) in sorted.enumerated() { newIDs[Int(glyph)] = Int32(newGlyph) }

        // glyf and loca: the kept glyphs in order, each padded to 4 bytes, composite references renumbered.
        var glyphData: [UInt8] = []
        glyphData.reserveCapacity(sorted.reduce(0) { $0 + glyphOffsets[Int($1) + 1] - glyphOffsets[Int($1)] + 3 })
        var offsets = [Int](repeating: 0, count: newCount + 1)
        for (newGlyph, glyph) in sorted.enumerated() {
            offsets[newGlyph] = glyphData.count
            let start = glyphData.count
            glyphData.append(
                contentsOf: data[(glyf + glyphOffsets[Int(glyph)])..<(glyf + glyphOffsets[Int(glyph) + 1])])
            if glyphData.count - start >= 10, glyphData[start] & 0x80 != 0 {
                renumberComponents(&glyphData, from: start, newIDs)
            }
            while glyphData.count % 4 != 0 { glyphData.append(0) }
        }
        offsets[newCount] = glyphData.count
        let longOffsets = glyphData.count > 0x1FFFE
        var loca: [UInt8] = []
        loca.reserveCapacity((newCount + 1) * 4)
        for offset in offsets {
            if longOffsets { loca.appendUInt32(UInt32(offset)) } else { loca.appendUInt16(UInt16(offset / 2)) }
        }

        // hmtx with one long metric per kept glyph.
        var hmtx: [UInt8] = []
        hmtx.reserveCapacity(newCount * 4)
        for glyph in sorted {
            hmtx.appendUInt16(advances[Int(glyph)])
            hmtx.appendUInt16(UInt16(bitPattern: leftSideBearings[Int(glyph)]))
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
            ("cmap", subsetCharacterMap(newIDs)), ("name", nameTable()),
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
        return TrueTypeSubset(bytes: bytes, glyphs: glyphs, originalGlyphs: sorted, tag: tag)
    }

    /// Rewrites the component glyph ids of the composite glyph at `start` of `glyphData` to subset ids
    /// (OpenType `glyf`, "Composite glyph description"; the walk mirrors ``components(of:)``).
    private func renumberComponents(_ glyphData: inout [UInt8], from start: Int, _ newIDs: [Int32]) {
        let end = glyphData.count
        var offset = start + 10
        while offset + 4 <= end {
            let flags = UInt16(glyphData[offset]) << 8 | UInt16(glyphData[offset + 1])
            let component = UInt16(glyphData[offset + 2]) << 8 | UInt16(glyphData[offset + 3])
            // Components outside the font were left out of the closure; they point at .notdef as before.
            glyphData.setUInt16(
                Int(component) < newIDs.count ? UInt16(max(0, newIDs[Int(component)])) : 0, at: offset + 2)
            offset += 4
            offset += flags & 0x0001 != 0 ? 4 : 2  // ARG_1_AND_2_ARE_WORDS
            if flags & 0x0008 != 0 {
                offset += 2
            }  // WE_HAVE_A_SCALE
            else if flags & 0x0040 != 0 {
                offset += 4
            }  // WE_HAVE_AN_X_AND_Y_SCALE
            else if flags & 0x0080 != 0 {
                offset += 8
            }  // WE_HAVE_A_TWO_BY_TWO
            if flags & 0x0020 == 0 { break }  // MORE_COMPONENTS
        }
    }

    /// A format 4 `cmap` (platform 3, encoding 1) for the BMP characters whose glyphs are kept (mapped to the
    /// subset ids): one segment per
    /// character plus the required final 0xFFFF segment. PDF readers use `/CIDToGIDMap` instead, but some
    /// rasterizers want a valid cmap to be present.
    private func subsetCharacterMap(_ newIDs: [Int32]) -> [UInt8] {
        let pairs = basicPlaneMap.compactMap { pair in
            newIDs[Int(pair.glyph)] < 0 ? nil : (code: pair.code, glyph: UInt16(newIDs[Int(pair.glyph)]))
        }
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
            return Int(font[record]) << 24 | Int(font[record + 1]) << 16 | Int(font[record + 2]) << 8
                | Int(font[record + 3])
        }
        return 0
    }
}
