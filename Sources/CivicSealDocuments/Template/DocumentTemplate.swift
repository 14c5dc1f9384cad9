import CivicSealCrypto
import CivicSealWorkflow

/// A document type's layout and wording, loaded from `Templates/<id>.json` and validated against
/// ``DocumentSchema``: every placeholder resolves, every block fits its page.
///
/// The template's identity as recorded with each rendered document is its ``id``, ``version`` and the SHA-256
/// of the file's bytes (``sha256``).
package struct DocumentTemplate: Sendable {
    package let id: String
    package let version: String
    /// The request kind whose records this template renders.
    package let kind: RequestKind
    /// The file name it was loaded from.
    package let file: String
    /// SHA-256 of the template file bytes.
    package let sha256: [UInt8]
    /// ``sha256`` in lowercase hexadecimal.
    package var sha256Hex: String { Hex.encode(sha256) }

    let page: PageSetup
    let title: TemplateText
    let subject: TemplateText
    let vocabulary: [String: String]
    let blocks: [TemplateBlock]
    /// Whether a `seal` block reserves the rectangle for the signature widget.
    package let hasSeal: Bool
}

/// Page size and margins in points.
struct PageSetup: Sendable {
    var width: Double
    var height: Double
    var top: Double
    var left: Double
    var right: Double
    var bottom: Double
}

/// Text with compiled `{{field}}` placeholders.
struct TemplateText: Sendable {
    enum Segment: Sendable {
        case literal(String)
        case field(FieldReference)
    }

    struct FieldReference: Sendable {
        enum Source: Sendable {
            case record(DocumentSchema.TextField)
            case verificationURL
            case item(DocumentSchema.ItemField)
        }
        let name: String
        let source: Source
        let uppercased: Bool
    }

    let segments: [Segment]

    var isEmpty: Bool { segments.isEmpty }
}

enum FontChoice: String, Sendable {
    case regular, bold
}

/// Where a block sits: an absolute `top` (from the page's top edge) or in the flow, with spacing, and a
/// horizontal inset inside its container.
struct BlockPlacement: Sendable {
    var top: Double?
    var spaceBefore: Double
    var spaceAfter: Double
    var x: Double
    var width: Double?
}

struct TextStyle: Sendable {
    var font: FontChoice
    var size: Double
    var alignment: TextAlignment
    var leading: Double?
}

enum TextAlignment: String, Sendable {
    case left, center, right
}

/// One block of a template, drawn top-down.
indirect enum TemplateBlock: Sendable {
    struct Text: Sendable {
        var placement: BlockPlacement
        var text: TemplateText
        var style: TextStyle
        /// A rule under the text as wide as its widest line (the line under the national motto).
        var underline: Double?
    }

    struct Rule: Sendable {
        var placement: BlockPlacement
        var thickness: Double
    }

    struct Fields: Sendable {
        struct Row: Sendable {
            var vietnamese: String
            var english: String
            var value: TemplateText
            var omitIfEmpty: Bool
            var emptyText: String
        }
        var placement: BlockPlacement
        var labelWidth: Double
        var labelSize: Double
        var englishSize: Double
        var valueSize: Double
        var valueFont: FontChoice
        var rowGap: Double
        var rows: [Row]
    }

    struct Table: Sendable {
        struct Column: Sendable {
            var vietnamese: String
            var english: String
            var width: Double
            var value: TemplateText
            var alignment: TextAlignment
        }
        var placement: BlockPlacement
        var source: DocumentSchema.ListField
        var columns: [Column]
        var size: Double
        var headerSize: Double
        var englishSize: Double
        var padding: Double
        var ruleWidth: Double
    }

    struct Condition: Sendable {
        var placement: BlockPlacement
        var flag: DocumentSchema.Flag
        var then: [TemplateBlock]
        var otherwise: [TemplateBlock]
    }

    struct Columns: Sendable {
        struct Column: Sendable {
            var x: Double
            var width: Double
            var blocks: [TemplateBlock]
        }
        var placement: BlockPlacement
        var columns: [Column]
    }

    struct QR: Sendable {
        var placement: BlockPlacement
        var moduleSize: Double
        var quietZone: Int
        var alignment: TextAlignment
        var caption: TemplateText
        var captionSize: Double
        var captionWidth: Double?
    }

    struct Seal: Sendable {
        var placement: BlockPlacement
        var width: Double
        var height: Double
        var alignment: TextAlignment
    }

    case text(Text)
    case rule(Rule)
    case space(BlockPlacement, Double)
    case fields(Fields)
    case table(Table)
    case condition(Condition)
    case columns(Columns)
    case qr(QR)
    case seal(Seal)

    var placement: BlockPlacement {
        switch self {
        case .text(let b): b.placement
        case .rule(let b): b.placement
        case .space(let p, _): p
        case .fields(let b): b.placement
        case .table(let b): b.placement
        case .condition(let b): b.placement
        case .columns(let b): b.placement
        case .qr(let b): b.placement
        case .seal(let b): b.placement
        }
    }
}
