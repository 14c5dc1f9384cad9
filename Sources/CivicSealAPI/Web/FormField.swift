import CivicSealWeb
import Foundation

/// One control of a server-rendered form. `name` is the field's path in the JSON request body
/// (`particulars.birthPlace`, `residenceHistory[1].from`), so a validation issue lands next to the control that
/// caused it. Rendered by the `field` template.
struct FormField {
    enum Control {
        case text, date, email, telephone, number, textarea, checkbox
        /// (value, `messages.json` key or literal label, is the label a key)
        case select([(value: String, label: String)])
    }

    let name: String
    let labelKey: String
    var control: Control = .text
    var required = false
    var hintKey: String?
    var maxLength: Int?
    var autocomplete: String?
    var inputMode: String?

    /// The element id: the name with every character outside `[A-Za-z0-9]` as `-`.
    var id: String {
        "f-" + String(String.UnicodeScalarView(name.unicodeScalars.map { scalar in
            (("0"..."9").contains(scalar) || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)) ? scalar : "-"
        }))
    }

    /// The template value: label and hint in the visitor's language, the value as typed, the message next to it.
    func value(_ text: (String) -> String, value: String?, error: String?) -> TemplateValue {
        var object: [String: TemplateValue] = [
            "id": .string(id), "name": .string(name), "label": .string(text(labelKey)), "value": .string(value ?? ""),
            "required": .bool(required),
        ]
        if let hintKey { object["hint"] = .string(text(hintKey)) }
        if let error { object["error"] = .string(error) }
        if let maxLength { object["maxlength"] = .string(String(maxLength)) }
        if let autocomplete { object["autocomplete"] = .string(autocomplete) }
        if let inputMode { object["inputmode"] = .string(inputMode) }
        switch control {
        case .text, .date, .email, .telephone, .number:
            object["isInput"] = true
            let type: String
            switch control {
            case .date: type = "date"
            case .email: type = "email"
            case .telephone: type = "tel"
            case .number: type = "number"
            default: type = "text"
            }
            object["type"] = .string(type)
            if case .number = control {
                object["min"] = "1"
                object["max"] = "10"
            }
        case .textarea: object["isTextarea"] = true
        case .checkbox:
            object["isCheckbox"] = true
            object["checked"] = .bool(value == "yes")
        case .select(let options):
            object["isSelect"] = true
            object["options"] = .list(options.map { option in
                .object([
                    "value": .string(option.value), "label": .string(text(option.label)), "selected": .bool(option.value == (value ?? "")),
                ])
            })
        }
        return .object(object)
    }
}

/// A titled group of fields, rendered by the `fieldset` template.
struct FormSection {
    let legendKey: String
    var noteKey: String?
    let fields: [FormField]

    func value(_ text: (String) -> String, values: [String: String], errors: [String: String]) -> TemplateValue {
        var object: [String: TemplateValue] = [
            "legend": .string(text(legendKey)),
            "fields": .list(fields.map { $0.value(text, value: values[$0.name], error: errors[$0.name]) }),
        ]
        if let noteKey { object["note"] = .string(text(noteKey)) }
        return .object(object)
    }
}
