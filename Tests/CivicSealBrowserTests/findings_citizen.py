#!/usr/bin/env python3
"""Issue #13, the citizen's pages, in Chromium: findings 02, 03, 12, 15, 16, 17, 20 and 21 (the citizen's items).

Each finding runs once in Vietnamese and once in English on a fresh session (see harness.py); every page visited,
error states included, is photographed and checked by axe-core.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import finding, run_file  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

NEW_CRIMINAL = "/citizen/requests/new?kind=criminal-record"


def age14(citizen):
    """The day the residence history must start by, as the form takes it (day/month/year)."""
    year, month, day = citizen.birth_date.split("-")
    return "%s/%s/%04d" % (day, month, int(year) + 14)


def fill_particulars(b, purpose="Xin việc"):
    b.type("#f-request-purpose", purpose)
    b.type("#f-particulars-birthPlace", "Hà Nội")
    b.type("#f-particulars-ethnicity", "Kinh")
    b.type("#f-particulars-permanentResidence-line", "Số 5 phố Huế, Hai Bà Trưng, Hà Nội")
    b.type("#f-particulars-currentResidence-line", "Số 5 phố Huế, Hai Bà Trưng, Hà Nội")
    b.type("#f-contact-phone", "0912345678")


def fill_row(b, index, start, end, address, country="VN", province=None, occupation="Nhân viên văn phòng"):
    prefix = "#f-residenceHistory-%d--" % index
    b.type(prefix + "from", start)
    b.type(prefix + "to", end)
    b.type(prefix + "address", address)
    b.select(prefix + "countryCode", country)
    if province is not None:
        b.select(prefix + "provinceCode", province)
    b.type(prefix + "occupation", occupation)


def submitted_fact(b, label):
    """The value shown for ``label`` in the "what you submitted" list."""
    return b.driver.execute_script(
        "var dts = document.querySelectorAll('#submitted dt');"
        "for (var i = 0; i < dts.length; i++) { if (dts[i].textContent.trim() === arguments[0]) {"
        " return dts[i].nextElementSibling.textContent.trim(); } } return null;", label)


def residence_table(b):
    return [[cell.text for cell in row.find_elements("css selector", "td")]
            for row in b.finds("#submitted-residence tbody tr")]


def find_key(value, key):
    """The first value of ``key`` anywhere in a parsed JSON document."""
    if isinstance(value, dict):
        if key in value:
            return value[key]
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            found = find_key(item, key)
            if found is not None:
                return found
    return None


def error_text(b, field_id):
    return b.text("#%s-error" % field_id)


def own_requests(b, citizen):
    status, answer = b.api(citizen.token, "GET", "/v1/requests")
    b.expect(status == 200, "the citizen's requests can be listed: %s" % status)
    return answer.get("items", [])


# Finding 2: nationality is chosen from a list, pre-selected from the identity token, never truncated into another.

@finding("02", "nationality from a list, the token's pre-selected; unknown or truncated input refused next to the field")
def nationality_is_a_list(b):
    citizen = b.citizen()
    b.sign_in_citizen(citizen)
    b.open(NEW_CRIMINAL)
    field = b.find("#f-particulars-nationality")
    b.expect(field.tag_name == "select", "nationality is a list, not a text box")
    b.expect(not b.finds("input[name='particulars.nationality']"), "no 2-character text entry is left")
    b.expect(b.value("#f-particulars-nationality") == "VN", "the identity token's nationality is chosen")
    b.expect(Select(field).first_selected_option.text == b.t("Việt Nam", "Vietnam"), "named in the page's language")
    names = {option.get_attribute("value"): option.text for option in Select(field).options}
    b.expect(names.get("VI") == b.t("Quần đảo Virgin thuộc Hoa Kỳ", "U.S. Virgin Islands"),
             "VI is the U.S. Virgin Islands, a separate named entry (not a truncated Việt Nam)")
    b.expect(len(names) > 240, "every ISO 3166-1 country is offered (%d)" % len(names))
    b.shot("form-nationality-list")

    fill_particulars(b)
    fill_row(b, 0, age14(citizen), "", "Số 5 phố Huế, Hai Bà Trưng, Hà Nội", "VN", "001")
    # What an old form or a crafted post sends: the first two letters of "Việt Nam". Refused, not read as VI.
    b.driver.execute_script(
        "var s = arguments[0], o = document.createElement('option'); o.value = 'Vi'; o.text = 'Vi'; s.add(o); s.value = 'Vi';",
        field)
    b.submit("#submit-request")
    b.expect(b.path() == "/citizen/requests", "the form comes back")
    b.expect(error_text(b, "f-particulars-nationality") == b.t("Hãy chọn một quốc gia trong danh sách.", "Choose a country from the list."),
             "the refusal is next to the nationality")
    b.expect(b.find("#f-particulars-nationality").get_attribute("aria-invalid") == "true", "marked invalid")
    b.expect(b.focused_id() == "error-summary", "focus on the error summary")
    b.expect(own_requests(b, citizen) == [], "nothing was stored")
    b.shot("nationality-refused")

    # The citizen's own nationality is the identity token's: another country is refused next to the field (never
    # stored), and the token's one goes through, printed by its name.
    b.select("#f-particulars-nationality", "JP")
    b.submit("#submit-request")
    b.expect(b.path() == "/citizen/requests", "the form comes back")
    b.expect(error_text(b, "f-particulars-nationality") == b.t(
        "Quốc tịch của bạn lấy theo tài khoản định danh điện tử.",
        "Your nationality is the one your digital identity account states."), "the refusal is next to the nationality")
    b.expect(own_requests(b, citizen) == [], "nothing was stored")
    b.shot("another-nationality-refused")
    b.select("#f-particulars-nationality", "VN")
    b.submit("#submit-request")
    b.expect_path("/citizen/requests/")
    b.expect(submitted_fact(b, b.t("Quốc tịch", "Nationality")) == b.t("Việt Nam", "Vietnam"), "the chosen country is what was stored")
    processing = b.text("#processing-time")
    b.expect(b.t("10 ngày làm việc", "10 working days") in processing, "a citizen living in one province: 10 working days: %s" % processing)
    b.shot("submitted")


# Finding 3: each residence row carries its place; the complexity and its reason are derived and shown.

@finding("03", "each residence row names its province or country; the 15-day deadline and its reason are shown")
def residence_rows_carry_their_place(b):
    citizen = b.citizen()
    b.sign_in_citizen(citizen)
    b.open(NEW_CRIMINAL)
    fill_particulars(b)
    fill_row(b, 0, age14(citizen), "31/12/2015", "45 Lê Lợi, phường Bến Thành", "VN", "079", "Học sinh")
    fill_row(b, 1, "01/01/2016", "", "Shinjuku, Tokyo", "JP", None, "Kỹ sư")
    b.expect(not b.find("#f-residenceHistory-1--provinceCode").is_displayed(), "a place abroad has no province to choose")
    b.expect(b.find("#f-residenceHistory-0--provinceCode").is_displayed(), "a place in Việt Nam names its province")
    b.shot("rows-with-places")
    b.submit("#submit-request")
    b.expect_path("/citizen/requests/")
    processing = b.text("#processing-time")
    b.expect(b.t("15 ngày làm việc", "15 working days") in processing, "Art. 48: 15 working days, not 10: %s" % processing)
    b.expect(b.t("Đã cư trú ở nước ngoài", "Lived abroad") in processing, "the reason is shown: %s" % processing)
    rows = residence_table(b)
    b.expect(len(rows) == 2, "both rows are shown: %s" % rows)
    b.expect(rows[0][4] == "TP. Hồ Chí Minh, " + b.t("Việt Nam", "Vietnam") and rows[1][4] == b.t("Nhật Bản", "Japan"),
             "each row with its place: %s" % rows)
    b.shot("request-lived-abroad")

    # Form 2 (form 1 is still open): two provinces of Việt Nam, the first row's province forgotten at first.
    b.open(NEW_CRIMINAL)
    b.select("#f-request-form", "2")
    fill_particulars(b, "Du học")
    fill_row(b, 0, age14(citizen), "31/12/2015", "Số 5 phố Huế", "VN", None, "Học sinh")
    fill_row(b, 1, "01/01/2016", "", "12 Bạch Đằng, Hải Châu", "VN", "048", "Kỹ sư")
    b.submit("#submit-request")
    b.expect(error_text(b, "f-residenceHistory-0--provinceCode")
             == b.t("Dòng 1: Hãy chọn tỉnh, thành phố nơi cư trú ở Việt Nam.", "Row 1: Choose the province of this place in Việt Nam."),
             "a place in Việt Nam without its province is refused next to it")
    b.shot("row-without-province")
    b.select("#f-residenceHistory-0--provinceCode", "001")
    b.submit("#submit-request")
    b.expect_path("/citizen/requests/")
    processing = b.text("#processing-time")
    b.expect(b.t("15 ngày làm việc", "15 working days") in processing
             and b.t("Đã cư trú ở nhiều tỉnh, thành phố", "Lived in several provinces") in processing,
             "several provinces: 15 working days, and why: %s" % processing)
    b.shot("request-several-provinces")


# Finding 12: choosing form 2 needs no tick in the box labelled "(Phiếu số 1)".

@finding("12", "form 2 is sent without ticking the form-1 bans box, and states bans")
def form2_needs_no_bans_tick(b):
    citizen = b.citizen()
    b.sign_in_citizen(citizen)
    b.open(NEW_CRIMINAL)
    b.expect(b.find("#f-request-statesBans").is_displayed(), "form 1 offers the bans statement")
    b.expect(b.t("Chỉ áp dụng cho Phiếu số 1", "Form 1 only") in b.text("#f-request-statesBans-hint"),
             "the box says it is for form 1 only (what a visitor without JavaScript reads)")
    b.select("#f-request-form", "2")
    b.expect(not b.find("#f-request-statesBans").is_displayed(), "form 2 hides the form-1 box")
    b.shot("form-2-chosen")
    fill_particulars(b, "Xin thị thực")
    fill_row(b, 0, age14(citizen), "", "Số 5 phố Huế, Hai Bà Trưng, Hà Nội", "VN", "001")
    b.submit("#submit-request")
    b.expect_path("/citizen/requests/")
    b.expect(b.find("#request-state").get_attribute("data-state") == "submitted", "form 2 was accepted without the tick")
    b.expect(submitted_fact(b, b.t("Mẫu phiếu", "Form")) == b.t("Phiếu số 2", "Form 2"), "form 2 as chosen")
    b.expect(submitted_fact(b, b.t("Xác nhận nội dung cấm đảm nhiệm chức vụ", "Statement of bans"))
             == b.t("Có (Phiếu số 2 luôn ghi)", "Yes (form 2 always states them)"), "form 2 states bans")
    request_id = b.path().rsplit("/", 1)[-1]
    status, detail = b.api(citizen.token, "GET", "/v1/requests/%s" % request_id)
    b.expect(status == 200 and find_key(detail, "statesBans") is True, "stored as stating bans: %s" % str(detail)[:400])
    b.shot("form-2-submitted")


# Finding 15: withdrawal is confirmed on its own page; answering the officer is the primary action.

@finding("15", "withdrawal asks for confirmation; the supplement is the primary action and repeats the officer's request")
def withdrawal_is_confirmed(b):
    citizen = b.citizen()
    request_id = b.submit_request(citizen, b.criminal_record_body(citizen))
    b.claim("justice", request_id)
    asked = "Bổ sung giấy xác nhận nơi cư trú từ năm 2010"
    status, answer = b.decide("justice", request_id, {"decision": "request-info", "reason": asked})
    b.expect(status == 200, "the officer asks for information: %s %s" % (status, answer))
    b.sign_in_citizen(citizen)
    b.open("/citizen/requests/%s" % request_id)
    answer_link = b.find("#answer")
    b.expect("button" in (answer_link.get_attribute("class") or ""), "answering the officer is the primary button")
    withdraw = b.find("#cancel")
    b.expect(withdraw.tag_name == "a" and "button" not in (withdraw.get_attribute("class") or ""),
             "withdrawing is a plain link to a confirmation, not a button that acts")
    b.expect(not b.finds("form[action$='/cancel']"), "no one-click withdrawal form on the request page")
    b.shot("request-needs-info")

    b.click("#answer")
    b.expect_path("/citizen/requests/%s/supplement" % request_id)
    b.expect(asked in b.text("#officer-message"), "the supplement form repeats what the officer asked for")
    b.shot("supplement-form")

    b.open("/citizen/requests/%s" % request_id)
    b.click("#cancel")
    b.expect_path("/citizen/requests/%s/cancel" % request_id)
    b.expect(b.text("h1") == b.t("Rút yêu cầu?", "Withdraw this request?"), "a confirmation page asks first")
    b.shot("withdraw-confirmation")
    b.click("#keep-request")
    b.expect(b.find("#request-state").get_attribute("data-state") == "needs_info", "going back changes nothing")
    b.click("#cancel")
    b.click("#confirm-cancel")
    b.expect(b.path() == "/citizen/requests/%s" % request_id, "back on the request")
    b.expect(b.find("#request-state").get_attribute("data-state") == "cancelled", "withdrawn after confirming")
    b.expect(b.text("#flash") == b.t("Đã rút yêu cầu.", "The request was cancelled."), "a notice says so")
    b.shot("withdrawn")


# Finding 16: the citizen sees what they submitted; the list says what each request is; refusals and revocations stand out.

@finding("16", "what was submitted is shown; the list names form and purpose; rejection and revocation stand out")
def citizen_sees_what_was_submitted(b):
    citizen = b.citizen()
    rejected_id = b.submit_request(citizen, b.criminal_record_body(citizen, form=1, purpose="Xin việc tại công ty ABC"))
    b.claim("justice", rejected_id)
    reason = "Không thuộc thẩm quyền của Sở Tư pháp Hà Nội"
    status, answer = b.decide("justice", rejected_id, {"decision": "reject", "reason": reason})
    b.expect(status == 200, "the officer rejects: %s %s" % (status, answer))
    issued_id = b.submit_request(citizen, b.criminal_record_body(citizen, form=2, purpose="Hồ sơ du học"))
    b.claim("justice", issued_id)
    status, answer = b.decide("justice", issued_id, {"decision": "approve", "findings": {"convictions": [], "bans": []}})
    b.expect(status in (200, 202), "the officer approves: %s %s" % (status, answer))
    b.wait_for_state(citizen.token, issued_id, "issued")
    health_id = b.submit_request(citizen, b.health_certificate_body("employment", purpose="Nộp hồ sơ xin việc"))

    b.sign_in_citizen(citizen)
    rows = {row.get_attribute("data-request"): row.text for row in b.finds("tr[data-request]")}
    b.expect(b.t("Phiếu số 1 – Xin việc tại công ty ABC", "Form 1 – Xin việc tại công ty ABC") in rows.get(rejected_id, ""),
             "the list says form and purpose: %s" % rows)
    b.expect(b.t("Phiếu số 2 – Hồ sơ du học", "Form 2 – Hồ sơ du học") in rows.get(issued_id, ""), "form 2 and purpose: %s" % rows)
    b.expect(b.t("Giấy khám sức khỏe – Khám sức khỏe đi làm", "Health certificate – Employment") in rows.get(health_id, ""),
             "a health request names its certificate type: %s" % rows)
    b.shot("list")

    b.click("tr[data-request='%s'] a" % rejected_id)
    b.expect(reason in b.text("#rejection"), "the rejection reason is in its own highlighted box")
    b.expect("citizen-rejected" in b.find("#rejection").get_attribute("class"), "highlighted")
    b.expect(submitted_fact(b, b.t("Mục đích sử dụng", "Purpose")) == "Xin việc tại công ty ABC", "the purpose as sent")
    b.expect(submitted_fact(b, b.t("Nơi sinh", "Place of birth")) == "Hà Nội", "the particulars as sent")
    b.expect(submitted_fact(b, b.t("Cách nhận kết quả", "Delivery")) == b.t("Bản điện tử", "Electronic"), "the delivery as chosen")
    b.expect(len(residence_table(b)) == 1, "the residence rows as sent")
    b.shot("rejected-request")

    b.open("/citizen/requests/%s" % issued_id)
    document_id = b.text("#document-link")
    status, answer = b.api(b.officer("justice")["token"], "POST", "/v1/documents/%s/revoke" % document_id,
                           {"reasonCode": "issued-in-error", "reason": "Cấp nhầm hồ sơ"})
    b.expect(status in (200, 201), "the officer revokes the document: %s %s" % (status, answer))
    b.open("/citizen/requests/%s" % issued_id)
    notice = b.find("#revoked-notice")
    b.expect(b.t("không còn giá trị", "no longer valid") in notice.text, "the page says the document is no longer valid")
    b.expect(b.driver.execute_script(
        "return !!(arguments[0].compareDocumentPosition(arguments[1]) & Node.DOCUMENT_POSITION_FOLLOWING);",
        notice, b.find("#download")), "the notice comes before the download")
    b.expect(b.text("#download") == b.t("Tải bản đã thu hồi (không còn giá trị)", "Download the revoked copy (no longer valid)"),
             "the download itself says it is no longer valid")
    b.shot("revoked-document")


# Finding 17: numbered residence rows, errors naming the row, a row added without JavaScript.

@finding("17", "residence rows numbered, errors name the row, a missing date is 'required', rows added by a submit button")
def residence_rows_are_numbered(b):
    citizen = b.citizen()
    b.sign_in_citizen(citizen)
    b.open(NEW_CRIMINAL)
    legends = [legend.text for legend in b.finds("fieldset.form-row > legend")]
    b.expect(legends == [b.t("Nơi cư trú 1", "Residence 1"), b.t("Nơi cư trú 2", "Residence 2")], "rows are numbered: %s" % legends)
    fill_particulars(b)
    fill_row(b, 0, age14(citizen), "31/12/2015", "Số 5 phố Huế", "VN", "001")
    b.type("#f-residenceHistory-1--address", "12 Bạch Đằng, Hải Châu")
    b.select("#f-residenceHistory-1--provinceCode", "048")
    b.type("#f-residenceHistory-1--occupation", "Kỹ sư")
    b.submit("#submit-request")
    b.expect(error_text(b, "f-residenceHistory-1--from") == b.t("Dòng 2: Mục này bắt buộc.", "Row 2: This field is required."),
             "an address without a date: the date is required, in row 2")
    summary = b.text("#error-summary")
    b.expect(b.t("Nơi cư trú 2 · Từ ngày", "Residence 2 · From") in summary, "the summary names the row: %s" % summary)
    b.shot("row-2-date-required")

    # A third row, without JavaScript's help: a submit button that brings the form back with one more row.
    b.submit("#add-row")
    legends = [legend.text for legend in b.finds("fieldset.form-row > legend")]
    b.expect(len(legends) == 3 and legends[2] == b.t("Nơi cư trú 3", "Residence 3"), "one more row: %s" % legends)
    b.expect(b.value("#f-residenceHistory-1--address") == "12 Bạch Đằng, Hải Châu", "what was typed is kept")
    b.expect(b.value("#f-request-purpose") == "Xin việc", "what was typed is kept")
    b.expect(b.focused_id() == "f-residenceHistory-2--from", "the new row's first box has the focus")
    b.expect(own_requests(b, citizen) == [], "adding a row stores nothing")
    b.shot("row-added")
    b.type("#f-residenceHistory-1--from", "01/01/2016")
    b.type("#f-residenceHistory-1--to", "30/06/2020")
    fill_row(b, 2, "01/07/2020", "", "Số 9 Tràng Tiền, Hoàn Kiếm", "VN", "001", "Kỹ sư")
    b.submit("#submit-request")
    b.expect_path("/citizen/requests/")
    rows = residence_table(b)
    b.expect([row[0] for row in rows] == ["1", "2", "3"] and rows[2][1] == "01/07/2020", "three numbered rows stored: %s" % rows)
    b.shot("three-rows-submitted")


# Finding 20: at 390 px the state of each of the citizen's requests is visible without sideways scrolling.

@finding("20", "at phone width the citizen's list shows each request's state without sideways scrolling")
def list_fits_a_phone(b):
    citizen = b.citizen()
    request_id = b.submit_request(citizen, b.criminal_record_body(citizen, purpose="Bổ sung hồ sơ xin việc làm tại Hà Nội"))
    b.sign_in_citizen(citizen)
    b.phone()
    b.open("/citizen")
    cell = b.find("tr[data-request='%s'] td.state" % request_id)
    b.expect(cell.is_displayed() and cell.text.endswith(b.t("Đã tiếp nhận", "Submitted")), "the state is shown: %r" % cell.text)
    inside = b.driver.execute_script(
        "var r = arguments[0].getBoundingClientRect(); return r.left >= 0 && r.right <= document.documentElement.clientWidth;", cell)
    b.expect(inside, "the state lies within the screen's width")
    b.expect(b.fits_width(), "the page does not scroll sideways")
    wrap = b.find(".citizen-list")
    b.expect(b.driver.execute_script("return arguments[0].scrollWidth <= arguments[0].clientWidth;", wrap),
             "the table does not scroll sideways either")
    b.shot("list-at-390px")


# Finding 21 (the citizen's items): date hint and day/month/year, the contact rule, the health card and licence class,
# a duplicate request's link, the extract's sections in a fieldset.

@finding("21", "date hint and 14052004 as 14/05/2004; contact rule shown first; health card and types; duplicate links; sections fieldset")
def citizen_low_items(b):
    citizen = b.citizen()
    b.sign_in_citizen(citizen)
    card = b.text("#new-health-certificate")
    b.expect(card == b.t("Yêu cầu Giấy khám sức khỏe", "Request a health certificate"), "the card is not only for drivers: %s" % card)
    b.shot("citizen-home-cards")

    b.open(NEW_CRIMINAL)
    hint = b.text("#f-residenceHistory-0--from-hint")
    b.expect(b.t("Ngày/tháng/năm, ví dụ 14/05/2004", "Day/month/year, e.g. 14/05/2004") in hint, "a date-format hint: %s" % hint)
    contact = b.driver.execute_script("return document.getElementById('f-contact-phone').closest('fieldset').querySelector('.hint').textContent;")
    b.expect(b.t("số điện thoại hoặc thư điện tử", "a phone number or an email address") in contact,
             "the phone-or-email rule is shown before submitting: %s" % contact)
    fill_particulars(b)
    year = int(citizen.birth_date[:4]) + 14
    fill_row(b, 0, "01/05/%d" % year, "13/05/%d" % year, "Số 5 phố Huế", "VN", "001", "Học sinh")
    # Digits in the month/day order are refused, not re-read.
    fill_row(b, 1, "0514%d" % year, "", "Số 9 Tràng Tiền", "VN", "001", "Sinh viên")
    b.submit("#submit-request")
    b.expect(error_text(b, "f-residenceHistory-1--from").endswith(
        b.t("Ghi ngày có thật theo dạng ngày/tháng/năm, ví dụ 14/05/2004.", "Write a real date as day/month/year, e.g. 14/05/2004.")),
        "a month/day/year date is refused")
    b.shot("date-refused")
    b.type("#f-residenceHistory-1--from", "1405%d" % year)
    b.submit("#submit-request")
    b.expect_path("/citizen/requests/")
    first_id = b.path().rsplit("/", 1)[-1]
    rows = residence_table(b)
    b.expect(rows[1][1] == "14/05/%d" % year, "14052004 was read as 14 May: %s" % rows)
    b.shot("date-read-as-day-month-year")

    # A second form 1 while the first is open: refused, with a link to the open one.
    b.open(NEW_CRIMINAL)
    fill_particulars(b)
    fill_row(b, 0, "01/05/%d" % year, "", "Số 5 phố Huế", "VN", "001", "Học sinh")
    b.submit("#submit-request")
    link = b.find("#open-request")
    b.expect(link.get_attribute("href").endswith("/citizen/requests/%s" % first_id), "the refusal links to the open request")
    b.shot("duplicate-refused")
    b.click("#open-request")
    b.expect(b.path() == "/citizen/requests/%s" % first_id, "the link opens it")

    # Health certificate: the licence class only for driving, with no default.
    b.open("/citizen/requests/new?kind=health-certificate")
    b.expect(b.value("#f-request-certificateType") == "", "no certificate type is chosen for the citizen")
    b.select("#f-request-certificateType", "driving-licence")
    b.expect(b.find("#f-request-licenceClass").is_displayed() and b.value("#f-request-licenceClass") == "", "licence class asked, none chosen")
    classes = [option.get_attribute("value") for option in Select(b.find("#f-request-licenceClass")).options if option.get_attribute("value")]
    b.expect(classes == ["A1", "A", "B1", "B", "C1", "C", "D1", "D2", "D", "BE", "C1E", "CE", "D1E", "D2E", "DE"], "the 15 classes: %s" % classes)
    b.shot("health-form-driving")
    b.select("#f-request-certificateType", "employment")
    b.expect(not b.find("#f-request-licenceClass").is_displayed(), "no licence class for an employment certificate")
    b.type("#f-particulars-currentResidence-line", "Số 5 phố Huế, Hai Bà Trưng, Hà Nội")
    b.type("#f-contact-phone", "0912345678")
    b.submit("#submit-request")
    b.expect_path("/citizen/requests/")
    b.expect(submitted_fact(b, b.t("Loại giấy khám sức khỏe", "Certificate type")) == b.t("Khám sức khỏe đi làm", "Employment"),
             "the type asked for is the type stored")
    b.expect(submitted_fact(b, b.t("Hạng giấy phép lái xe", "Driving licence class")) is None, "and no licence class")
    b.shot("health-employment-submitted")

    # The extract's sections: a fieldset with a legend.
    b.open("/citizen/requests/new?kind=health-book-extract")
    legend = b.driver.execute_script(
        "return document.getElementById('f-request-sections-vaccinations').closest('fieldset').querySelector('legend').textContent;")
    b.expect(legend == b.t("Các mục cần trích lục", "Sections to extract"), "the section boxes have a legend: %s" % legend)
    b.shot("extract-form")


run_file(globals())
