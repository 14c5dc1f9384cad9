import CivicSealWebKit
import Foundation

/// One control of a server-rendered form. `name` is the field's path in the JSON request body
/// (`particulars.birthPlace`, `residenceHistory[1].from`), so a validation issue lands next to the control that
/// caused it. Rendered by the `field` template.
struct FormField {
    enum Control {
        case text, date, email, telephone, number, textarea, checkbox
        /// A day typed as `dd/mm/yyyy` in a text box (citizen forms): no browser date widget that reads the digits in
        /// the locale's order, a format hint next to it, parsed by ``CitizenForm/isoDate(_:)``.
        case dayMonthYear
        /// (value, `messages.json` key)
        case select([(value: String, label: String)])
        /// (value, label as shown) after a first "— Choose —" option with an empty value: lists whose names are data
        /// (countries, provinces, licence classes), so nothing is chosen for the visitor by default.
        case choices([(value: String, label: String)])
    }

    let name: String
    let labelKey: String
    var control: Control = .text
    var required = false
    var hintKey: String?
    var maxLength: Int?
    var autocomplete: String?
    var inputMode: String?
    /// A label as shown (a numbered residence row's "From"), used instead of `labelKey`.
    var label: String?
    /// Focused when the page opens (the first control of a row just added without JavaScript).
    var autofocus = false
    /// Extra attributes for progressive enhancement, e.g. `data-show-when`.
    var showWhen: String?
    /// Visible lines of a text area.
    var lines = 4

    /// The element id: the name with every character outside `[A-Za-z0-9]` as `-`.
    var id: String {
        "f-"
            + String(
                String.UnicodeScalarView(
                    name.unicodeScalars.map { scalar in
                        (("0"..."9").contains(scalar) || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar))
                            ? scalar : "-"
                    }))
    }

    /// The template value: label and hint in the visitor's language, the value as typed, the message next to it.
    func value(_ text: (String) -> String, value: String?, error: String?) -> TemplateValue {
        var object: [String: TemplateValue] = [
            "id": .string(id), "name": .string(name), "label": .string(label ?? text(labelKey)),
            "value": .string(value ?? ""),
            "required": .bool(required), "autofocus": .bool(autofocus),
        ]
        if let hintKey { object["hint"] = .string(text(hintKey)) }
        if case .dayMonthYear = control {
            object["hint"] = .string(
                [hintKey.map(text), text("citizen-date-hint")].compactMap { $0 }.joined(separator: " "))
        }
        if let showWhen { object["showWhen"] = .string(showWhen) }
        if let error { object["error"] = .string(error) }
        if let maxLength { object["maxlength"] = .string(String(maxLength)) }
        if let autocomplete { object["autocomplete"] = .string(autocomplete) }
        if let inputMode { object["inputmode"] = .string(inputMode) }
        switch control {
        case .text, .date, .email, .telephone, .number, .dayMonthYear:
            object["isInput"] = true
            let type: String
            switch control {
            case .date: type = "date"
            case .dayMonthYear:
                type = "text"
                object["inputmode"] = "numeric"
                object["autocomplete"] = "off"
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
        case .textarea:
            object["isTextarea"] = true
            object["lines"] = .string(String(lines))
        case .checkbox:
            object["isCheckbox"] = true
            object["checked"] = .bool(value == "yes")
        case .select(let options):
            object["isSelect"] = true
            object["options"] = .list(
                options.map { option in
                    .object([
                        "value": .string(option.value), "label": .string(text(option.label)),
                        "selected": .bool(option.value == (value ?? "")),
                    ])
                })
        case .choices(let options):
            object["isSelect"] = true
            object["options"] = .list(
                [.object(["value": "", "label": .string(text("choose")), "selected": .bool((value ?? "").isEmpty)])]
                    + options.map { option in
                        .object([
                            "value": .string(option.value), "label": .string(option.label),
                            "selected": .bool(option.value == (value ?? "")),
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
    var fields: [FormField]
    /// Numbered groups inside this one (residence rows), each its own fieldset with a numbered legend.
    var rows: [FormSection] = []
    /// A legend as shown ("Nơi cư trú 2"), used instead of `legendKey`.
    var legend: String?
    /// The `messages.json` key of a submit button that re-renders the form with one more row (no JavaScript needed).
    var addRowKey: String?

    /// Every field, the rows' included, in the order of the page.
    var allFields: [FormField] { fields + rows.flatMap(\.allFields) }

    func value(_ text: (String) -> String, values: [String: String], errors: [String: String]) -> TemplateValue {
        var object: [String: TemplateValue] = [
            "legend": .string(legend ?? text(legendKey)),
            "fields": .list(fields.map { $0.value(text, value: values[$0.name], error: errors[$0.name]) }),
        ]
        if let noteKey { object["note"] = .string(text(noteKey)) }
        if !rows.isEmpty {
            object["rows"] = .list(rows.map { $0.value(text, values: values, errors: errors) })
        }
        if let addRowKey { object["addRow"] = .string(text(addRowKey)) }
        return .object(object)
    }
}
