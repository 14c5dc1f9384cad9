/// Somewhere to put numbered indirect objects: a new file or an incremental update.
protocol PDFObjectSink {
    mutating func allocate() -> Int
    mutating func put(_ number: Int, _ object: PDFIndirectObject)
}

/// The glyphs of one font used in a document and the subset that holds them.
struct EmbeddedFont {
    let use: FontUse
    /// The used glyphs (original ids, ascending, without `.notdef`) with their scalars.
    let text: [(glyph: UInt16, scalar: Unicode.Scalar)]
    let subset: CompressedSubset

    /// Builds (or takes from the font's cache) the subset for `use`.
    init(_ use: FontUse) {
        self.use = use
        text = use.text
        subset = use.font.compressedSubset(text.map(\.glyph))
    }
}

/// Writes a TrueType font as a composite font (ISO 32000-1 §9.7): a Type0 font with `/Encoding /Identity-H`
/// whose descendant is a `CIDFontType2` with `/CIDToGIDMap /Identity`, so the 2-byte codes in content streams
/// are glyph ids of the compact subset (pages write original glyph ids; ``PDFPage/content(renumberedFor:)``
/// rewrites them before the content is stored).
enum PDFFontEmitter {
    static func emit(_ embedded: EmbeddedFont, as type0Number: Int, into sink: inout some PDFObjectSink) {
        let use = embedded.use
        let font = use.font
        let subset = embedded.subset
        let used = embedded.text.map(\.glyph)
        let baseFont = "\(subset.tag)+\(font.postScriptName)"
        let descendant = sink.allocate()
        let descriptor = sink.allocate()
        let fontFile = sink.allocate()
        let toUnicode = sink.allocate()

        sink.put(
            type0Number,
            .object(
                .dictionary(
                    PDFDictionary([
                        ("Type", .name("Font")), ("Subtype", .name("Type0")), ("BaseFont", .name(baseFont)),
                        ("Encoding", .name("Identity-H")), ("DescendantFonts", .array([.reference(descendant)])),
                        ("ToUnicode", .reference(toUnicode)),
                    ]))))
        let widthGlyphs = ((use.usesNotdef ? [0] : []) + used).map { (cid: subset.newGlyph(for: $0), glyph: $0) }
        sink.put(
            descendant,
            .object(
                .dictionary(
                    PDFDictionary([
                        ("Type", .name("Font")), ("Subtype", .name("CIDFontType2")), ("BaseFont", .name(baseFont)),
                        (
                            "CIDSystemInfo",
                            .dictionary(
                                PDFDictionary([
                                    ("Registry", .literalString(Array("Adobe".utf8))),
                                    ("Ordering", .literalString(Array("Identity".utf8))), ("Supplement", .integer(0)),
                                ]))
                        ),
                        ("FontDescriptor", .reference(descriptor)), ("DW", .integer(1000)),
                        ("W", widths(widthGlyphs, font: font)), ("CIDToGIDMap", .name("Identity")),
                    ]))))
        let scale = { (value: Int) -> PDFObject in .integer((value * 1000) / font.unitsPerEm) }
        var flags = 32  // Nonsymbolic (Table 123): the glyphs are in the standard Latin character set
        if font.isFixedPitch { flags |= 1 }
        if font.italicAngle != 0 { flags |= 64 }
        // StemV is not in the font; estimate it from the weight class (the common (weight / 65)² + 50 heuristic).
        let stemV = Int((Double(font.weightClass) / 65) * (Double(font.weightClass) / 65) + 50)
        sink.put(
            descriptor,
            .object(
                .dictionary(
                    PDFDictionary([
                        ("Type", .name("FontDescriptor")), ("FontName", .name(baseFont)), ("Flags", .integer(flags)),
                        ("FontBBox", .array(font.boundingBox.map(scale))), ("ItalicAngle", .number(font.italicAngle)),
                        ("Ascent", scale(font.ascender)), ("Descent", scale(font.descender)),
                        ("CapHeight", scale(font.capHeight)),
                        ("StemV", .integer(stemV)), ("FontWeight", .integer(font.weightClass)),
                        ("FontFile2", .reference(fontFile)),
                    ]))))
        sink.put(
            fontFile,
            .digestedStream(
                PDFDictionary([("Length1", .integer(subset.length)), ("Filter", .name("FlateDecode"))]), subset.data,
                digest: subset.digest))
        let cmap = toUnicodeCMap(embedded.text.map { (glyph: subset.newGlyph(for: $0.glyph), scalar: $0.scalar) })
        sink.put(toUnicode, .stream(PDFDictionary([("Filter", .name("FlateDecode"))]), Deflate.zlib(cmap)))
    }

    /// `/W` (§9.7.4.3) in the compact form `first [w1 w2 …]` for each run of consecutive CIDs (ascending);
    /// each width is that of the original glyph.
    static func widths(_ glyphs: [(cid: UInt16, glyph: UInt16)], font: TrueTypeFont) -> PDFObject {
        var items: [PDFObject] = []
        var index = 0
        while index < glyphs.count {
            var end = index
            while end + 1 < glyphs.count, glyphs[end + 1].cid == glyphs[end].cid + 1 { end += 1 }
            items.append(.integer(Int(glyphs[index].cid)))
            items.append(.array(glyphs[index...end].map { .integer(font.width(of: $0.glyph)) }))
            index = end + 1
        }
        return .array(items)
    }

    /// The ToUnicode CMap (§9.10.3): each glyph maps to the one precomposed scalar it was drawn for, written
    /// as UTF-16BE; `bfchar` blocks hold at most 100 entries (Adobe Technical Note #5411).
    static func toUnicodeCMap(_ entries: [(glyph: UInt16, scalar: Unicode.Scalar)]) -> [UInt8] {
        var cmap: [UInt8] = []
        cmap.append(
            """
            /CIDInit /ProcSet findresource begin
            12 dict begin
            begincmap
            /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
            /CMapName /Adobe-Identity-UCS def
            /CMapType 2 def
            1 begincodespacerange
            <0000> <FFFF>
            endcodespacerange

            """)
        var start = 0
        while start < entries.count {
            let chunk = entries[start..<min(start + 100, entries.count)]
            cmap.appendInteger(chunk.count)
            cmap.append(" beginbfchar\n")
            for (glyph, scalar) in chunk {
                cmap.append("<")
                cmap.appendHex16(glyph)
                cmap.append("> <")
                for unit in String(scalar).utf16 { cmap.appendHex16(unit) }
                cmap.append(">\n")
            }
            cmap.append("endbfchar\n")
            start += 100
        }
        cmap.append("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
        return cmap
    }
}
