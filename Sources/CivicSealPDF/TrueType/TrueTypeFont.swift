import Foundation
import Synchronization

/// A parsed TrueType font (OpenType with `glyf` outlines): the tables a PDF writer needs to map text to glyphs,
/// measure it, describe the font (ISO 32000-1 §9.8) and embed a subset as `/FontFile2`.
///
/// Immutable after parsing, so one instance is shared by every render.
/// Table layouts follow the OpenType specification (https://learn.microsoft.com/typography/opentype/spec/).
package final class TrueTypeFont: Sendable {
    /// The `name` table's PostScript name (nameID 6), e.g. `DejaVuSans-Bold`.
    package let postScriptName: String
    /// `head.unitsPerEm`: font units per em (2048 for DejaVu).
    package let unitsPerEm: Int
    /// `hhea.ascender` and `hhea.descender` in font units (descender is negative).
    package let ascender: Int
    package let descender: Int
    /// `hhea.lineGap` in font units.
    package let lineGap: Int
    /// The height of capital H in font units (OS/2 `sCapHeight`, or the outline of "H" for OS/2 version < 2).
    package let capHeight: Int
    /// `head` xMin, yMin, xMax, yMax in font units.
    package let boundingBox: [Int]
    /// `post.italicAngle` in degrees.
    package let italicAngle: Double
    package let isFixedPitch: Bool
    /// OS/2 `usWeightClass` (400 regular, 700 bold).
    package let weightClass: Int
    /// `maxp.numGlyphs`.
    package let glyphCount: Int

    let data: [UInt8]
    /// SHA-256 of the font file, so what is derived from the font (e.g. a subset) can be identified cheaply.
    let fingerprint: [UInt8]
    let tables: [String: Range<Int>]
    let indexToLocFormat: Int
    /// Advance width of every glyph in font units (hmtx, with the last long metric repeated).
    let advances: [UInt16]
    /// Left side bearing of every glyph.
    let leftSideBearings: [Int16]
    /// Unicode scalar value → glyph id from the best Unicode `cmap` subtable.
    let characterMap: [UInt32: UInt16]
    /// The Basic Multilingual Plane part of `characterMap`, sorted by code (for subset `cmap` tables).
    let basicPlaneMap: [(code: UInt16, glyph: UInt16)]
    /// `characterMap` for U+0000…U+FFFF as a flat table (0 where unmapped): text is mapped and measured
    /// scalar by scalar, and an index is much cheaper than a hash lookup.
    let basicPlaneGlyphs: [UInt16]
    /// `width(of:)` for every glyph, precomputed.
    let roundedWidths: [Int32]
    /// `loca`: glyph g occupies `glyf[glyphOffsets[g] ..< glyphOffsets[g + 1]]`.
    let glyphOffsets: [Int]
    /// Recently embedded subsets by glyph set: documents of one template for similar names reuse them.
    let embeddingCache = Mutex(SubsetCache())

    /// Reads and parses the font file at `path`.
    package convenience init(contentsOf path: String) throws(PDFError) {
        guard let contents = FileManager.default.contents(atPath: path) else {
            throw PDFError(.fontNotFound, "no font file at \(path)")
        }
        try self.init(bytes: [UInt8](contents))
    }

    package init(bytes: [UInt8]) throws(PDFError) {
        data = bytes
        fingerprint = SHA256.hash(bytes)
        let reader = ByteReader(bytes: bytes)
        let version = try reader.uint32(0)
        guard version == 0x0001_0000 || version == 0x7472_7565 else {  // 1.0 or 'true'; 'OTTO' (CFF) is not TrueType
            throw PDFError(.malformedFont, "not a TrueType font (sfnt version \(String(version, radix: 16)))")
        }
        let tableCount = Int(try reader.uint16(4))
        var tables: [String: Range<Int>] = [:]
        for index in 0..<tableCount {
            let record = 12 + 16 * index
            let tag = String(decoding: try reader.slice(record, 4), as: UTF8.self)
            let offset = Int(try reader.uint32(record + 8))
            let length = Int(try reader.uint32(record + 12))
            _ = try reader.slice(offset, length)
            tables[tag] = offset..<(offset + length)
        }
        for required in ["head", "hhea", "maxp", "hmtx", "cmap", "loca", "glyf"] where tables[required] == nil {
            throw PDFError(.malformedFont, "missing required table '\(required)'")
        }
        self.tables = tables
        let head = tables["head"]!.lowerBound
        unitsPerEm = Int(try reader.uint16(head + 18))
        boundingBox = [
            Int(try reader.int16(head + 36)), Int(try reader.int16(head + 38)), Int(try reader.int16(head + 40)),
            Int(try reader.int16(head + 42)),
        ]
        indexToLocFormat = Int(try reader.int16(head + 50))
        let hhea = tables["hhea"]!.lowerBound
        ascender = Int(try reader.int16(hhea + 4))
        descender = Int(try reader.int16(hhea + 6))
        lineGap = Int(try reader.int16(hhea + 8))
        let longMetricCount = Int(try reader.uint16(hhea + 34))
        glyphCount = Int(try reader.uint16(tables["maxp"]!.lowerBound + 4))
        guard longMetricCount >= 1, longMetricCount <= glyphCount, unitsPerEm > 0 else {
            throw PDFError(.malformedFont, "inconsistent hhea/maxp/head")
        }

        let hmtx = tables["hmtx"]!.lowerBound
        var advances = [UInt16](repeating: 0, count: glyphCount)
        var bearings = [Int16](repeating: 0, count: glyphCount)
        for glyph in 0..<glyphCount {
            if glyph < longMetricCount {
                advances[glyph] = try reader.uint16(hmtx + 4 * glyph)
                bearings[glyph] = try reader.int16(hmtx + 4 * glyph + 2)
            } else {
                advances[glyph] = advances[longMetricCount - 1]
                bearings[glyph] = try reader.int16(hmtx + 4 * longMetricCount + 2 * (glyph - longMetricCount))
            }
        }
        self.advances = advances
        leftSideBearings = bearings

        let loca = tables["loca"]!.lowerBound
        let glyf = tables["glyf"]!
        var offsets = [Int](repeating: 0, count: glyphCount + 1)
        for glyph in 0...glyphCount {
            offsets[glyph] =
                indexToLocFormat == 0
                ? Int(try reader.uint16(loca + 2 * glyph)) * 2 : Int(try reader.uint32(loca + 4 * glyph))
            guard offsets[glyph] <= glyf.count, glyph == 0 || offsets[glyph] >= offsets[glyph - 1] else {
                throw PDFError(.malformedFont, "loca entry \(glyph) out of order or outside glyf")
            }
        }
        glyphOffsets = offsets
        characterMap = try Self.parseCharacterMap(reader, table: tables["cmap"]!.lowerBound, glyphCount: glyphCount)
        var basicPlaneGlyphs = [UInt16](repeating: 0, count: 0x10000)
        for (code, glyph) in characterMap where code <= 0xFFFF { basicPlaneGlyphs[Int(code)] = glyph }
        self.basicPlaneGlyphs = basicPlaneGlyphs
        let emSize = self.unitsPerEm
        roundedWidths = advances.map { Int32((Int($0) * 1000 + emSize / 2) / emSize) }
        basicPlaneMap = characterMap.filter { $0.key <= 0xFFFE }.map { (code: UInt16($0.key), glyph: $0.value) }.sorted
        { $0.code < $1.code }

        if let post = tables["post"]?.lowerBound {
            italicAngle = Double(try reader.int16(post + 4)) + Double(try reader.uint16(post + 6)) / 65536
            isFixedPitch = try reader.uint32(post + 12) != 0
        } else {
            italicAngle = 0
            isFixedPitch = false
        }
        var capHeight = 0
        var weight = 400
        if let os2 = tables["OS/2"] {
            weight = Int(try reader.uint16(os2.lowerBound + 4))
            if try reader.uint16(os2.lowerBound) >= 2, os2.count >= 90 {
                capHeight = Int(try reader.int16(os2.lowerBound + 88))
            }
        }
        weightClass = weight
        postScriptName = Self.parsePostScriptName(reader, table: tables["name"]) ?? "TrueTypeFont"
        if capHeight == 0, let h = characterMap[0x48] {
            let start = glyf.lowerBound + offsets[Int(h)]
            capHeight = offsets[Int(h) + 1] > offsets[Int(h)] ? Int(try reader.int16(start + 8)) : ascender
        }
        self.capHeight = capHeight == 0 ? ascender : capHeight
    }

    /// The glyph for `scalar`, or 0 (`.notdef`) when the font has none.
    @inline(__always)
    package func glyph(for scalar: Unicode.Scalar) -> UInt16 {
        scalar.value <= 0xFFFF ? basicPlaneGlyphs[Int(scalar.value)] : characterMap[scalar.value] ?? 0
    }

    /// Whether the font maps `scalar` to a real glyph.
    package func covers(_ scalar: Unicode.Scalar) -> Bool { characterMap[scalar.value] != nil }

    /// The advance width of `glyph` in PDF glyph space (1/1000 em), rounded as written into `/W`.
    @inline(__always)
    package func width(of glyph: UInt16) -> Int {
        Int(glyph) < roundedWidths.count ? Int(roundedWidths[Int(glyph)]) : 0
    }

    /// The glyphs a composite glyph refers to (OpenType `glyf`, "Composite glyph description"); empty for a
    /// simple glyph.
    func components(of glyph: UInt16) -> [UInt16] {
        let start = tables["glyf"]!.lowerBound + glyphOffsets[Int(glyph)]
        let end = tables["glyf"]!.lowerBound + glyphOffsets[Int(glyph) + 1]
        guard end - start >= 10, Int16(bitPattern: UInt16(data[start]) << 8 | UInt16(data[start + 1])) < 0 else {
            return []
        }
        var components: [UInt16] = []
        var offset = start + 10
        while offset + 4 <= end {
            let flags = UInt16(data[offset]) << 8 | UInt16(data[offset + 1])
            let component = UInt16(data[offset + 2]) << 8 | UInt16(data[offset + 3])
            if Int(component) < glyphCount { components.append(component) }
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
        return components
    }

    /// `glyphs` plus `.notdef` plus every glyph reachable through composite references, recursively.
    package func closure(of glyphs: some Sequence<UInt16>) -> Set<UInt16> {
        var result: Set<UInt16> = [0]
        var pending = Array(glyphs)
        while let glyph = pending.popLast() {
            guard Int(glyph) < glyphCount, result.insert(glyph).inserted || glyph == 0 else { continue }
            pending.append(contentsOf: components(of: glyph).filter { !result.contains($0) })
        }
        return result
    }

    private static func parseCharacterMap(_ reader: ByteReader, table: Int, glyphCount: Int) throws(PDFError)
        -> [UInt32: UInt16]
    {
        let count = Int(try reader.uint16(table + 2))
        var best: (rank: Int, offset: Int)?
        for index in 0..<count {
            let platform = try reader.uint16(table + 4 + 8 * index)
            let encoding = try reader.uint16(table + 6 + 8 * index)
            let offset = table + Int(try reader.uint32(table + 8 + 8 * index))
            let format = try reader.uint16(offset)
            let rank: Int
            switch (platform, encoding, format) {
            case (3, 10, 12), (0, 4, 12), (0, 6, 12): rank = 3
            case (3, 1, 4), (0, 3, 4): rank = 2
            case (0, _, 4): rank = 1
            default: continue
            }
            if best == nil || rank > best!.rank { best = (rank, offset) }
        }
        guard let best else { throw PDFError(.malformedFont, "no Unicode cmap subtable of format 4 or 12") }
        var map: [UInt32: UInt16] = [:]
        if try reader.uint16(best.offset) == 12 {
            let groups = Int(try reader.uint32(best.offset + 12))
            for group in 0..<groups {
                let record = best.offset + 16 + 12 * group
                let first = try reader.uint32(record)
                let last = try reader.uint32(record + 4)
                let firstGlyph = try reader.uint32(record + 8)
                guard first <= last, last <= 0x10FFFF else { continue }
                for code in first...last {
                    let glyph = firstGlyph + (code - first)
                    if glyph != 0, glyph < glyphCount { map[code] = UInt16(glyph) }
                }
            }
        } else {
            let segments = Int(try reader.uint16(best.offset + 6)) / 2
            let ends = best.offset + 14
            let starts = ends + 2 * segments + 2
            let deltas = starts + 2 * segments
            let rangeOffsets = deltas + 2 * segments
            for segment in 0..<segments {
                let end = try reader.uint16(ends + 2 * segment)
                let start = try reader.uint16(starts + 2 * segment)
                let delta = try reader.uint16(deltas + 2 * segment)
                let rangeOffsetPosition = rangeOffsets + 2 * segment
                let rangeOffset = Int(try reader.uint16(rangeOffsetPosition))
                guard start <= end, start != 0xFFFF else { continue }
                for code in start...end {
                    var glyph: UInt16
                    if rangeOffset == 0 {
                        glyph = code &+ delta
                    } else {
                        glyph = try reader.uint16(rangeOffsetPosition + rangeOffset + 2 * Int(code - start))
                        if glyph != 0 { glyph = glyph &+ delta }
                    }
                    if glyph != 0, Int(glyph) < glyphCount { map[UInt32(code)] = glyph }
                }
            }
        }
        return map
    }

    private static func parsePostScriptName(_ reader: ByteReader, table: Range<Int>?) -> String? {
        guard let table, let count = try? reader.uint16(table.lowerBound + 2),
            let storage = try? reader.uint16(table.lowerBound + 4)
        else { return nil }
        for index in 0..<Int(count) {
            let record = table.lowerBound + 6 + 12 * index
            guard let platform = try? reader.uint16(record), let nameID = try? reader.uint16(record + 6), nameID == 6,
                let length = try? reader.uint16(record + 8), let offset = try? reader.uint16(record + 10),
                let bytes = try? reader.slice(table.lowerBound + Int(storage) + Int(offset), Int(length))
            else { continue }
            if platform == 1 { return String(decoding: bytes, as: UTF8.self) }
            if platform == 3 || platform == 0 {
                let units = stride(from: bytes.startIndex, to: bytes.endIndex - 1, by: 2).map {
                    UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1])
                }
                return String(decoding: units, as: UTF16.self)
            }
        }
        return nil
    }
}

extension TrueTypeFont {
    /// Where Debian's `fonts-dejavu-core` installs DejaVu Sans.
    package static let defaultDirectory = "/usr/share/fonts/truetype/dejavu"

    /// DejaVu Sans (regular) from `directory`.
    package static func dejaVuSans(directory: String = defaultDirectory) throws(PDFError) -> TrueTypeFont {
        try TrueTypeFont(contentsOf: directory + "/DejaVuSans.ttf")
    }

    /// DejaVu Sans Bold from `directory`.
    package static func dejaVuSansBold(directory: String = defaultDirectory) throws(PDFError) -> TrueTypeFont {
        try TrueTypeFont(contentsOf: directory + "/DejaVuSans-Bold.ttf")
    }
}
