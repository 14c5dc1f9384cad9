#!/usr/bin/env python3
"""Issue #13, the verifier and site pages, the officer queue, the complexity correction and the revocation's
confirmation, each shown corrected in Chromium (see harness.py): findings 3 (officer side), 10, 11, 13, 14, 18, 19,
20 (the queue at phone width), 21 (the verify page's items)."""
import contextlib
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import FindingFailure, finding, run_file  # noqa: E402

DOCUMENT_ID = re.compile(r"\b[0-9A-HJKMNP-TV-Z]{26}\b")
NO_CONVICTION = {"decision": "approve", "findings": {"convictions": [], "bans": []}}


@contextlib.contextmanager
def answering(b, status):
    """Pages loaded inside answer `status` on purpose (the 404 and 429 pages): Chromium logs that status line as a
    console error, which is expected here; any other console error still fails the finding."""
    original = b.console_clean

    def console_clean():
        severe = [entry for entry in b.driver.get_log("browser") if entry.get("level") == "SEVERE"]
        other = [entry for entry in severe
                 if not (entry.get("source") == "network" and "status of %d" % status in entry.get("message", ""))]
        if other:
            raise FindingFailure("browser console errors on %s: %s" % (b.path(), other))

    b.console_clean = console_clean
    try:
        yield
    finally:
        b.console_clean = original


def issued_document(b):
    """A citizen's form-1 request approved over the API: (citizen, request id, document id, the sealed PDF)."""
    citizen = b.citizen()
    request_id = b.submit_request(citizen, b.criminal_record_body(citizen))
    b.claim("justice", request_id)
    status, answer = b.decide("justice", request_id, NO_CONVICTION)
    b.expect(status == 200, "the officer approves over the API: %s %s" % (status, answer))
    b.wait_for_state(citizen.token, request_id, "issued")
    pdf = b.document_pdf(citizen, request_id)
    ids = DOCUMENT_ID.findall(b.pdftotext(pdf))
    b.expect(ids, "the PDF prints its document ID")
    return citizen, request_id, ids[0], pdf


def upload(b, pdf, name):
    """Uploads `pdf` on /verify and returns the verdict's outcome."""
    path = os.path.join(b.context.downloads, "%s-%s-%s.pdf" % (b.identifier, b.lang, name))
    with open(path, "wb") as handle:
        handle.write(pdf)
    b.open("/verify")
    b.find("#document").send_keys(path)
    b.click("#verify-upload")
    return b.find("#verdict").get_attribute("data-outcome")


@finding("03o", "an officer sets the Art. 48 complexity with a reason; the deadline is recomputed and the step is in the history")
def officer_sets_complexity(b):
    citizen = b.citizen()
    request_id = b.submit_request(citizen, b.criminal_record_body(citizen))
    b.claim("justice", request_id)
    b.sign_in_officer("justice")
    b.open("/officer/requests/%s" % request_id)
    before = b.text("#complexity-current")
    b.expect(before.startswith("10 "), "one province: 10 working days (%s)" % before)
    b.shot("complexity-before")
    # Ticked but no reason: refused next to the field, the tick kept.
    b.check("#complexity-lived-abroad")
    b.submit("#set-complexity")
    b.expect(b.text("#f-complexity-reason-error") == b.t("Hãy ghi lý do.", "State the reason."),
             "a missing reason is named next to its field: %r" % b.text("#f-complexity-reason-error"))
    b.expect(b.find("#complexity-lived-abroad").is_selected(), "the ticked reason is kept")
    b.expect(b.find("#request-state").get_attribute("data-state") == "in_review", "nothing changed")
    b.shot("complexity-reason-missing")
    grounds = "Đã làm việc tại Tokyo 2015–2018"
    b.type("#f-complexity-reason", grounds)
    b.submit("#set-complexity")
    after = b.text("#complexity-current")
    b.expect(after.startswith("15 "), "lived abroad: 15 working days (%s)" % after)
    b.expect(b.t("Đã cư trú ở nước ngoài", "Lived abroad") in b.text("#complexity-reasons"), "the reason is shown")
    history = b.text("#history")
    b.expect(grounds in history and b.officer("justice")["name"] in history,
             "the history records the step, its reason and the officer's name: %s" % history)
    b.shot("complexity-set")
    status, answer = b.api(b.officer("justice")["token"], "GET", "/v1/requests/%s" % request_id)
    b.expect(status == 200 and answer["request"]["dueDate"] > "0", "the API shows the request")
    b.expect(b.text("#request-facts").count(_display_date(answer["request"]["dueDate"])) == 1,
             "the page's due date is the recomputed one (%s)" % answer["request"]["dueDate"])


def _display_date(iso):
    year, month, day = iso.split("-")
    return "%s/%s/%s" % (day, month, year)


@finding("10", "the queue names the assignee and the applicant; filters offer every state and only the department's kinds")
def queue_shows_names(b):
    citizen = b.citizen()
    request_id = b.submit_request(citizen, b.criminal_record_body(citizen))
    b.sign_in_officer("justice")
    b.open("/officer/requests/%s" % request_id)
    b.click("#claim")
    b.open("/officer/queue")
    states = [option.get_attribute("value") for option in b.finds("#state option")]
    b.expect(states == ["all", "submitted", "in_review", "needs_info", "approved", "issued", "rejected", "cancelled", "revoked"],
             "every state and all states: %s" % states)
    kinds = [option.get_attribute("value") for option in b.finds("#kind option")]
    b.expect(kinds == ["criminal-record"], "only the justice department's kind: %s" % kinds)
    b.select("#state", "in_review")
    b.submit("#apply-filters")
    row = "tr[data-request='%s']" % request_id
    b.expect(b.finds(row), "the claimed request is listed under in review")
    b.expect(b.text(row + " .col-assignee") == b.officer("justice")["name"], "the assignee's name, not a staff id: %r"
             % b.text(row + " .col-assignee"))
    b.expect(b.text(row + " .col-applicant") == citizen.name, "the applicant's name column")
    b.expect(b.t("Người được cấp", "Applicant") in b.text("table.queue thead"), "the column is headed")
    b.shot("queue-names")
    b.select("#state", "all")
    b.submit("#apply-filters")
    b.expect(b.finds(row), "all states lists it too")
    b.shot("queue-all-states")
    b.click(row + " a")
    b.expect(b.officer("justice")["name"] in b.text("#history"), "the history names the officer who claimed it")
    b.shot("history-names")


@finding("11", "revoking restates the document and asks for confirmation; nothing is revoked before confirm")
def revocation_is_confirmed(b):
    _, request_id, document_id, _ = issued_document(b)
    b.sign_in_officer("justice")
    b.open("/officer/requests/%s" % request_id)
    b.select("#f-revoke-reasonCode", "issued-in-error")
    grounds = "Nhầm người được cấp, hồ sơ 7781"
    b.type("#f-revoke-reason", grounds)
    b.submit("#revoke")
    b.expect(b.text("#revoke-document-id") == document_id, "the confirmation names the document")
    b.expect(b.text("#revoke-grounds") == grounds, "it restates the grounds")
    b.expect(b.text("#revoke-reason-code") == b.t("Cấp nhầm", "Issued in error"), "and the public reason")
    b.shot("revoke-confirmation")
    b.click("#revoke-cancel")
    b.expect(b.find("#request-state").get_attribute("data-state") == "issued", "cancel revokes nothing")
    b.open("/v/%s" % document_id)
    b.expect(b.find("#document-status").get_attribute("data-status") == "valid", "still valid after cancel")
    b.open("/officer/requests/%s" % request_id)
    b.select("#f-revoke-reasonCode", "issued-in-error")
    b.type("#f-revoke-reason", grounds)
    b.submit("#revoke")
    b.submit("#revoke-confirm")
    b.expect(b.find("#request-state").get_attribute("data-state") == "revoked", "confirmed: revoked")
    b.shot("revoked")
    b.open("/v/%s" % document_id)
    b.expect(b.find("#document-status").get_attribute("data-status") == "revoked", "the public page says revoked")
    b.shot("public-revoked")


@finding("13", "a citizen clicking the officer link is told they are signed in as a citizen, and chooses")
def citizen_clicks_officer(b):
    citizen = b.citizen()
    b.sign_in_citizen(citizen)
    b.click("header nav a[href='/officer/queue']")
    b.expect_path("/officer/sign-in")
    b.expect(citizen.name in b.text("#switch-explanation"), "the page says who is signed in")
    b.expect(not b.finds("#sign-in"), "no officer sign-in button yet: nobody was signed out")
    b.expect(b.text(".who") == citizen.name, "the header still shows the citizen")
    b.shot("signed-in-as-citizen")
    b.click("#switch-back")
    b.expect_path("/citizen")
    b.expect(b.text(".who") == citizen.name, "back: still signed in")
    b.click("header nav a[href='/officer/queue']")
    b.submit("#switch-continue")
    b.expect_path("/officer/sign-in")
    b.expect(b.finds("#sign-in") and not b.finds(".who"), "signed out, on the officer sign-in page")
    b.shot("officer-sign-in-after-choice")


@finding("14", "pages answer in HTML in the visitor's language; the language switch after a refused form lands on the form")
def html_errors_and_language_switch(b):
    with answering(b, 404):
        b.open("/khong-co-trang-nay")
        b.expect(b.find("html").get_attribute("lang") == b.lang, "the 404 page is in the visitor's language")
        b.expect(b.text("h1") == b.t("Không tìm thấy", "Not found"), "an HTML 404 page: %r" % b.text("h1"))
        b.shot("not-found")
    status, answer = b.api(None, "GET", "/v1/khong-co")
    b.expect(status == 404 and isinstance(answer, dict) and answer.get("status") == 404, "the API keeps problem+json")
    # A refused officer form, then the language switch.
    citizen = b.citizen()
    request_id = b.submit_request(citizen, b.criminal_record_body(citizen))
    b.claim("justice", request_id)
    b.sign_in_officer("justice")
    b.open("/officer/requests/%s" % request_id)
    b.submit("#reject")
    b.expect(b.path().endswith("/reject"), "the refused form is shown at the POST address")
    b.shot("reject-refused")
    other = "en" if b.lang == "vi" else "vi"
    b.click("a[hreflang='%s']" % other)
    b.expect(b.path() == "/officer/requests/%s" % request_id, "the switch lands on the request page, not a 405: %s" % b.path())
    b.expect(b.find("html").get_attribute("lang") == other, "in the other language")
    b.expect(b.finds("#reject"), "with the form")
    b.shot("after-switch")
    b.click("a[hreflang='%s']" % b.lang)
    # The citizen's refused new-request form, then the switch: the form again.
    b.sign_out()
    c2 = b.citizen()
    b.sign_in_citizen(c2)
    b.open("/citizen/requests/new?kind=health-certificate")
    b.type("#f-request-purpose", "Khám sức khỏe đi làm")
    b.submit("#submit-request")
    b.expect(b.path() == "/citizen/requests", "the refused form is shown at the POST address")
    b.shot("citizen-form-refused")
    # On a form page the switch is a button of the form: the form comes back in the other language with what was
    # typed, nothing stored.
    switch = b.find("#switch-language")
    b.expect(switch.tag_name == "button" and switch.get_attribute("form") == "request-form", "the switch posts the form")
    b.click("#switch-language")
    b.expect(b.find("html").get_attribute("lang") == other, "in the other language")
    b.expect(b.find("input[name='kind']").get_attribute("value") == "health-certificate", "the same kind of form")
    b.expect(b.value("#f-request-purpose") == "Khám sức khỏe đi làm", "what was typed is kept: %r" % b.value("#f-request-purpose"))
    b.expect(b.finds("#submit-request"), "the form is there")
    status, own = b.api(c2.token, "GET", "/v1/requests")
    b.expect(status == 200 and not own.get("items", own if isinstance(own, list) else []), "nothing was stored: %s" % own)
    b.shot("citizen-after-switch")
    # The language stays switched on the next page (the cookie was set).
    b.open("/citizen")
    b.expect(b.find("html").get_attribute("lang") == other, "the choice is remembered")


@finding("18", "the five-field check says what is malformed before comparing, charges no try, never truncates")
def five_field_check(b):
    citizen, _, document_id, _ = issued_document(b)
    b.open("/v/%s" % document_id)
    lead = b.text("#confirm-lead")
    b.expect(b.t("bốn thông tin", "four details") in lead and b.t("năm trường", "five fields") in lead,
             "the hint matches the four visible fields plus the ID: %r" % lead)
    b.expect(b.find("#f-personalId").get_attribute("maxlength") is None, "no silent cut of the ID number")
    b.submit("#confirm")
    b.expect(b.finds("#error-summary"), "an error summary")
    b.expect(b.focused_id() == "error-summary", "the summary takes focus")
    for field in ("fullName", "birthDate", "sex", "personalId"):
        b.expect(b.finds("#f-%s-error" % field), "an empty %s is named next to it" % field)
    b.expect(not b.finds("#confirmation"), "nothing was compared")
    b.shot("empty")
    # Eleven 13-digit attempts (the limit is 10 a minute): each refused for its length, none charged.
    for _ in range(11):
        b.type("#f-fullName", citizen.name)
        b.set_value("#f-birthDate", citizen.birth_date)
        b.select("#f-sex", citizen.sex)
        b.type("#f-personalId", citizen.personal_id + "4")
        b.submit("#confirm")
        b.expect(b.text("#f-personalId-error") == b.t(
            "Số định danh cá nhân gồm đúng 12 chữ số; số bạn nhập quá dài.",
            "The personal ID number is exactly 12 digits; the one entered is too long."), "13 digits are refused, not cut")
        b.expect(b.value("#f-personalId") == citizen.personal_id + "4", "what was typed is kept whole")
        b.expect(not b.finds("#confirmation"), "no match/no-match answer for a malformed ID")
    b.shot("thirteen-digits")
    b.type("#f-personalId", "00119OABC123")
    b.submit("#confirm")
    b.expect(b.text("#f-personalId-error") == b.t("Số định danh cá nhân chỉ gồm chữ số.", "The personal ID number has digits only."),
             "letters are named")
    b.shot("letters")
    b.type("#f-personalId", citizen.personal_id)
    b.submit("#confirm")
    b.expect("confirmed" in (b.find("#confirmation").get_attribute("class") or ""), "well formed and right: confirmed, no try used up")
    b.shot("confirmed")


@finding("19", "the look-up takes the printed number, spaces and O/0, I/1 misreadings; one name for the code")
def code_look_up(b):
    _, _, document_id, pdf = issued_document(b)
    text = b.pdftotext(pdf)
    number = re.search(r"Số / No\.:\s*(\S+)", text)
    b.expect(number, "the PDF prints its number")
    b.expect("Mã tài liệu" in text and "Document ID" in text, "the PDF names the code 'Mã tài liệu / Document ID'")
    b.open("/verify")
    b.expect(b.t("Mã tài liệu", "Document ID") in b.text("label[for='code']"), "the page uses the PDF's name for the code")
    b.type("#code", "Số / No.: " + number.group(1).lower())
    b.shot("look-up-by-number")
    b.click("#verify-lookup")
    b.expect(b.path() == "/v/%s" % document_id, "the printed number finds the document: %s" % b.path())
    b.expect(b.text("#document-number") == number.group(1), "the page shows the printed number")
    b.expect(b.t("Mã tài liệu", "Document ID") in b.text("#document-status"), "and the code under the same name")
    b.shot("found-by-number")
    misread = document_id.replace("0", "O").replace("1", "I").lower()
    spaced = " ".join(misread[i:i + 5] for i in range(0, 26, 5))
    b.open("/verify")
    b.type("#code", spaced)
    b.click("#verify-lookup")
    b.expect(b.path() == "/v/%s" % document_id, "spaces, lower case and O/I misreadings are forgiven: %s" % b.path())
    b.open("/verify")
    b.type("#code", document_id[:25])
    b.click("#verify-lookup")
    b.expect(b.t("26 ký tự", "26 characters") in b.text("#code-error"), "a short code says why it is refused")
    b.expect(b.value("#code") == document_id[:25], "what was typed is kept")
    b.shot("short-code")


@finding("20o", "at 390 px the queue's status column is visible without sideways scrolling")
def queue_at_phone_width(b):
    citizen = b.citizen()
    request_id = b.submit_request(citizen, b.criminal_record_body(citizen))
    b.sign_in_officer("justice")
    b.phone()
    b.open("/officer/queue?state=all")
    row = "tr[data-request='%s']" % request_id
    b.expect(b.finds(row), "the request is in the queue")
    cell = b.find(row + " .col-state")
    right = b.driver.execute_script("var r = arguments[0].getBoundingClientRect(); return r.right;", cell)
    viewport = b.driver.execute_script("return document.documentElement.clientWidth")
    b.expect(cell.is_displayed() and right <= viewport, "the status cell ends at %s px within the %s px screen" % (right, viewport))
    b.expect(cell.text == b.t("Đã nộp", "Submitted") or cell.text, "the status is readable: %r" % cell.text)
    b.expect(b.fits_width(), "the page itself does not scroll sideways")
    b.shot("queue-phone")


@finding("21v", "the verify page: Hà Nội time, plain words, 'not checked' for checks not run, English signer, rate-limit wait")
def verify_page_plain_words(b):
    citizen, _, document_id, pdf = issued_document(b)
    b.expect(upload(b, pdf, "valid") == "valid", "the sealed PDF is valid")
    signed = b.text("#verdict-signing-time")
    b.expect(re.match(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2} %s$" % re.escape(b.t("giờ Hà Nội (UTC+7)", "Hà Nội time (UTC+7)")), signed),
             "Hà Nội time with the zone named: %r" % signed)
    verdict = b.text("#verdict")
    for jargon in ("digitalSignature", "nonRepudiation", "key usage", "keyUsage", "ByteRange", "UTC)"):
        b.expect(jargon not in verdict, "no jargon in the verdict: %r" % jargon)
    b.expect(not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", verdict), "no raw ISO time in the verdict")
    b.expect(b.text("#verdict-signer") == b.t("Sở Tư pháp thành phố Hà Nội", "Hanoi Department of Justice"),
             "the signer in the page's language: %r" % b.text("#verdict-signer"))
    b.shot("valid")
    # A damaged file: the checks after the failure read "not checked", not "failed".
    damaged = pdf.replace(b"/ByteRange", b"/ByteRangX", 1)
    b.expect(upload(b, damaged, "damaged") == "invalid", "a damaged file is not valid")
    skipped = b.finds("#verdict .checks li[data-state='skipped']")
    b.expect(skipped, "checks that could not run are listed as not checked")
    b.expect(all(b.t("Chưa kiểm tra", "Not checked") in item.text for item in skipped), "and say so")
    failed = b.finds("#verdict .checks li[data-state='fail']")
    # A signature dictionary without its /ByteRange is a damaged file (structure), never a signature skipped while
    # the others are judged: one check fails, every other reads "not checked".
    b.expect(len(failed) == 1 and len(skipped) >= 8, "one check failed, the rest not checked (%d failed, %d not checked)"
             % (len(failed), len(skipped)))
    b.shot("damaged")
    # English money on the officer page.
    if b.lang == "en":
        b.sign_in_officer("justice")
        status, answer = b.api(citizen.token, "GET", "/v1/requests")
        request_id = answer["items"][0]["id"]
        b.open("/officer/requests/%s" % request_id)
        b.expect("VND 200,000" in b.text("#request-facts"), "English amounts read VND 200,000")
        b.shot("english-money")
        b.sign_out()
    # The rate-limit page says how long to wait.
    # The page and the API share the limit (10 a minute per client address): use it up quickly over the API, so
    # a slow machine cannot let the minute pass, then the page's next attempt is refused.
    wrong = {"documentId": document_id, "fullName": "Người Khác", "birthDate": citizen.birth_date, "sex": citizen.sex,
             "personalId": citizen.personal_id}
    for _ in range(10):
        status, _ = b.api(None, "POST", "/v1/verify/details", wrong)
        if status == 429:
            break
    b.open("/v/%s" % document_id)
    with answering(b, 429):
        b.type("#f-fullName", "Người Khác")
        b.set_value("#f-birthDate", citizen.birth_date)
        b.select("#f-sex", citizen.sex)
        b.type("#f-personalId", citizen.personal_id)
        b.submit("#confirm")
        b.expect(b.text("h1") == b.t("Quá nhiều lần thử", "Too many attempts"), "the limit is reached")
        wait = re.search(r"(\d+) (giây|seconds)", b.text("main"))
        b.expect(wait and 1 <= int(wait.group(1)) <= 60, "the page says how many seconds to wait: %r" % b.text("main"))
        b.shot("rate-limited")


run_file(globals())
