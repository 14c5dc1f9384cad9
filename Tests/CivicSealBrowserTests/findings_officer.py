#!/usr/bin/env python3
"""Issue #13, the officer's request page, in Chromium: the approve form per health-certificate type (01), bans (05),
several convictions with every column (06), the review step and its contradiction warning (07), what the officer must
act on and what was certified (08), errors in sight (09). Run by BrowserFindingTests through harness.py; each finding
runs in Vietnamese and in English on a fresh session, and every page it visits is photographed and checked by axe-core.
"""
import datetime
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import finding, run_file  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def days_ago(days):
    return (datetime.date.today() - datetime.timedelta(days=days)).isoformat()


def squeezed(text):
    """Text without any whitespace: a PDF table cell may wrap a phrase over lines."""
    return re.sub(r"\s+", "", text)


def field(name):
    """The id the pages give the control named ``name`` (every character outside [A-Za-z0-9] as '-')."""
    return "#f-" + re.sub(r"[^A-Za-z0-9]", "-", name)


def open_and_claim(b, role, request_id):
    b.sign_in_officer(role)
    b.open("/officer/requests/" + request_id)
    b.click("#claim")
    b.expect(b.find("#request-state").get_attribute("data-state") == "in_review", "the officer claimed the request")


def fill_conviction(b, row, number, date="2019-04-02", court="TAND quận Ba Đình", additional="", expunged="false",
                    execution="Đã chấp hành xong"):
    path = "findings.convictions[%d]." % row
    b.set_value(field(path + "judgmentDate"), date)
    b.type(field(path + "judgmentNumber"), number)
    if court:
        b.type(field(path + "court"), court)
    b.type(field(path + "crime"), "Trộm cắp tài sản")
    b.type(field(path + "articles"), "Điều 173 khoản 1")
    b.type(field(path + "mainPenalty"), "12 tháng tù")
    if additional:
        b.type(field(path + "additionalPenalties"), additional)
    b.type(field(path + "executionStatus"), execution)
    b.select(field(path + "expunged"), expunged)


def expect_summary_focused(b, *targets):
    """The error summary is at the top, has focus, and links to each target field."""
    b.expect(b.finds("#error-summary"), "an error summary is shown")
    b.expect(b.focused_id() == "error-summary", "the error summary takes focus (focus on %r)" % b.focused_id())
    top = b.driver.execute_script("return document.getElementById('error-summary').getBoundingClientRect().top")
    height = b.driver.execute_script("return window.innerHeight")
    b.expect(0 <= top < height, "the error summary is in sight (top %s, window %s)" % (top, height))
    links = [a.get_attribute("href").split("#")[-1] for a in b.finds("#error-summary a")]
    for target in targets:
        b.expect(target.lstrip("#") in links, "the summary links to %s (links: %s)" % (target, links))


@finding("01", "the approve form follows the health certificate type; the licence class only for driving, pre-filled")
def approve_form_per_type(b):
    citizen = b.citizen()
    request_id = b.submit_request(citizen, b.health_certificate_body("employment", purpose="Đi làm tại công ty"))
    open_and_claim(b, "health", request_id)
    b.expect(not b.finds("[name='findings.licenceClass']"), "an employment certificate asks for no licence class")
    b.expect(not b.finds("[name='findings.drugTest']"), "an employment certificate states no drug test")
    b.expect(b.finds("select[name='findings.classification']"), "an employment certificate states the health class I–V")
    specialties = [option.text for option in b.finds(field("findings.results[0].specialty") + " option")]
    b.expect(b.t("Nội khoa", "Internal medicine") in specialties, "the specialties are listed in the page's language: %s" % specialties)
    b.shot("employment-form")
    b.select(field("findings.classification"), "II")
    b.set_value(field("findings.examinedOn"), days_ago(2))
    b.type(field("findings.validityMonths"), "12")
    b.select(field("findings.results[0].specialty"), "internal-medicine")
    b.type(field("findings.results[0].finding"), "Tim phổi bình thường")
    b.type(field("findings.results[0].assessment"), "Đạt")
    b.type(field("findings.doctor"), "BS. Lý Thị Tâm")
    b.click("#approve")
    # Finding 9's health wording: an empty conclusion asks for the conclusion, not for a reason.
    expect_summary_focused(b, field("findings.conclusion"))
    b.expect(b.text(field("findings.conclusion") + "-error") == b.t("Hãy ghi kết luận.", "Enter the conclusion."),
             "the empty conclusion says what is missing")
    b.shot("employment-conclusion-missing")
    b.type(field("findings.conclusion"), "Đủ sức khỏe làm việc")
    b.click("#approve")
    b.expect("GIẤY KHÁM SỨC KHỎE ĐI LÀM" in b.text("#certified-health"), "the review names the employment certificate")
    b.shot("employment-review")
    b.click("#confirm")
    b.expect(b.find("#request-state").get_attribute("data-state") == "issued", "confirmed and issued")
    text = b.pdftotext(b.document_pdf(citizen, request_id))
    b.expect("GIẤY KHÁM SỨC KHỎE ĐI LÀM" in text, "the PDF is the employment certificate")
    b.expect("NGƯỜI LÁI XE" not in text, "the PDF is not a driver's certificate")
    b.expect("Internal medicine" in text and "Nội khoa" in text, "the specialty is printed with its real English name")
    b.shot("employment-issued")

    driver = b.citizen()
    driving_id = b.submit_request(driver, b.health_certificate_body("driving-licence", request={"licenceClass": "C1"}))
    b.open("/officer/requests/" + driving_id)
    b.click("#claim")
    classes = [option.get_attribute("value") for option in b.finds("select[name='findings.licenceClass'] option")]
    b.expect(classes == ["", "A1", "A", "B1", "B", "C1", "C", "D1", "D2", "D", "BE", "C1E", "CE", "D1E", "D2E", "DE"],
             "the fifteen classes of the 2024 law and no default: %s" % classes)
    b.expect(b.value("select[name='findings.licenceClass']") == "C1", "pre-filled with the class the citizen asked for")
    b.expect(b.finds("select[name='findings.drugTest']"), "a driver's certificate states the drug test")
    b.shot("driving-form")


@finding("05", "the officer sees the bans request and records the bans found; the PDF states exactly those")
def bans(b):
    citizen = b.citizen()
    request_id = b.submit_request(citizen, b.criminal_record_body(citizen, form=1, request={"statesBans": True}))
    b.sign_in_officer("justice")
    b.open("/officer/requests/" + request_id)
    b.expect(b.t("Có yêu cầu ghi nội dung cấm", "Asked for: bans") in b.text("#asked"), "the bans request is shown")
    b.shot("bans-asked")
    b.click("#claim")
    b.type(field("findings.bans[0].description"), "Cấm làm thủ quỹ")
    b.type(field("findings.bans[0].judgment"), "11/2019/HS-ST")
    b.type(field("findings.bans[0].court"), "TAND quận Ba Đình")
    b.type(field("findings.bans[0].duration"), "02 năm")
    b.click("#add-ban")
    b.expect(b.value(field("findings.bans[0].description")) == "Cấm làm thủ quỹ", "adding a row keeps what was typed")
    b.type(field("findings.bans[1].description"), "Cấm thành lập doanh nghiệp")
    b.type(field("findings.bans[1].judgment"), "12/2020/HS-ST")
    b.type(field("findings.bans[1].court"), "TAND quận Hoàn Kiếm")
    b.shot("bans-form")
    # Enter in a field reviews (the form's default button), it does not add a row.
    b.driver.execute_script("window.civicsealOldPage = true;")
    b.type(field("findings.bans[1].duration"), "03 năm" + Keys.ENTER)
    WebDriverWait(b.driver, 30).until(
        lambda d: d.execute_script("return window.civicsealOldPage !== true && document.readyState === 'complete'"))
    b.settle()
    bans_table = b.text("#certified-bans")
    b.expect("Cấm làm thủ quỹ" in bans_table and "Cấm thành lập doanh nghiệp" in bans_table, "the review states both bans")
    b.shot("bans-review")
    b.click("#confirm")
    b.expect(b.find("#request-state").get_attribute("data-state") == "issued", "confirmed and issued")
    text = squeezed(b.pdftotext(b.document_pdf(citizen, request_id)))
    for fact in ["Cấm làm thủ quỹ", "Cấm thành lập doanh nghiệp", "03 năm", "TAND quận Hoàn Kiếm"]:
        b.expect(squeezed(fact) in text, "the PDF states the recorded ban: %s" % fact)
    b.expect(squeezed("Không bị cấm") not in text, "the PDF does not say 'not banned'")
    b.shot("bans-issued")

    other = b.citizen()
    form2_id = b.submit_request(other, b.criminal_record_body(other, form=2))
    b.open("/officer/requests/" + form2_id)
    b.expect(b.t("Phiếu số 2 luôn ghi nội dung cấm", "Form 2 always states bans") in b.text("#asked"),
             "the page says form 2 always states bans")
    b.shot("bans-form-2")


@finding("06", "several convictions with every column; a future date and a missing court refused next to the field")
def convictions(b):
    citizen = b.citizen()
    request_id = b.submit_request(citizen, b.criminal_record_body(citizen, form=2))
    open_and_claim(b, "justice", request_id)
    fill_conviction(b, 0, "11/2019/HS-ST", date="2099-01-01", additional="Quản chế 02 năm", execution="Đang chấp hành")
    b.click("#add-conviction")
    b.expect(b.value(field("findings.convictions[0].judgmentNumber")) == "11/2019/HS-ST", "adding a row keeps what was typed")
    fill_conviction(b, 1, "12/2015/HS-ST", date="2015-06-10", court="", expunged="true")
    b.click("#approve")
    date_error = field("findings.convictions[0].judgmentDate")
    court_error = field("findings.convictions[1].court")
    expect_summary_focused(b, date_error, court_error)
    b.expect(b.text(date_error + "-error") == b.t("Ngày này chưa đến.", "This date is in the future."), "the future date is refused there")
    b.expect(b.find(court_error).get_attribute("aria-describedby").endswith("-error"), "the court's error is described")
    b.expect(b.finds(court_error + "-error"), "the missing court is refused next to the second row's court")
    b.shot("convictions-refused")
    b.set_value(date_error, "2019-04-02")
    b.type(court_error, "TAND quận Hoàn Kiếm")
    b.click("#approve")
    table = b.text("#certified-convictions")
    for fact in ["11/2019/HS-ST", "12/2015/HS-ST", "Quản chế 02 năm", "Đang chấp hành", "Đã xóa / Yes", "Chưa xóa / No"]:
        b.expect(fact in table, "the review states %s" % fact)
    b.shot("convictions-review")
    b.click("#confirm")
    b.expect(b.find("#request-state").get_attribute("data-state") == "issued", "confirmed and issued")
    text = squeezed(b.pdftotext(b.document_pdf(citizen, request_id)))
    for fact in ["11/2019/HS-ST", "12/2015/HS-ST", "Quản chế 02 năm", "Đang chấp hành", "Đã chấp hành xong", "TAND quận Hoàn Kiếm",
                 "Đã xóa", "Chưa xóa", "02/04/2019", "10/06/2015"]:
        b.expect(squeezed(fact) in text, "the PDF states %s" % fact)
    b.shot("convictions-issued")


@finding("07", "approval has a review step; it warns when the outcome contradicts an earlier certificate")
def review_and_contradiction(b):
    citizen = b.citizen()
    earlier_id = b.submit_request(citizen, b.criminal_record_body(citizen, form=2))
    b.claim("justice", earlier_id)
    status, answer = b.decide("justice", earlier_id, {"decision": "approve", "findings": {"convictions": [{
        "judgmentDate": "2019-04-02", "judgmentNumber": "11/2019/HS-ST", "court": "TAND quận Ba Đình", "crime": "Trộm cắp tài sản",
        "articles": "Điều 173", "mainPenalty": "12 tháng tù", "additionalPenalties": "", "executionStatus": "Đang chấp hành",
        "expunged": False}], "bans": []}})
    b.expect(status == 200, "the earlier form 2 is approved: %s %s" % (status, answer))
    b.wait_for_state(citizen.token, earlier_id, "issued")
    request_id = b.submit_request(citizen, b.criminal_record_body(citizen, form=1))
    open_and_claim(b, "justice", request_id)
    b.click("#approve")
    b.expect(b.path().endswith("/approve"), "the review is its own step")
    b.expect(b.text("#certified-status") == "Không có án tích / No criminal record", "the review words the outcome as the PDF")
    warning = b.text("#contradictions")
    b.expect("11/2019/HS-ST" in warning, "the review warns of the earlier certificate's conviction: %s" % warning)
    b.shot("review-contradiction")
    status, answer = b.api(citizen.token, "GET", "/v1/requests/" + request_id)
    b.expect(answer.get("request", answer).get("status") == "in_review", "nothing is sealed before confirm")
    b.click("#confirm")
    expect_summary_focused(b, "#f-acknowledge")
    b.shot("review-acknowledge-missing")
    b.click("#edit")
    b.expect(b.finds("#approve") and b.finds(field("findings.convictions[0].judgmentNumber")), "Edit goes back to the form")
    b.shot("review-edit")
    b.click("#approve")
    b.check("#f-acknowledge")
    b.click("#confirm")
    b.expect(b.find("#request-state").get_attribute("data-state") == "issued", "confirmed, acknowledged and issued")
    b.shot("review-issued")


@finding("08", "the request page shows what to act on; after approval the certified findings beside the document")
def what_to_act_on(b):
    citizen = b.citizen()
    body = b.criminal_record_body(
        citizen, form=1, purpose="Bổ sung hồ sơ xin việc", request={"statesBans": True},
        delivery={"method": "postal", "postalAddress": {"line": "9 Tràng Tiền, phường Hoàn Kiếm", "provinceCode": "001"}})
    request_id = b.submit_request(citizen, body)
    b.sign_in_officer("justice")
    b.open("/officer/requests/" + request_id)
    asked = b.text("#asked")
    for fact in [b.t("Phiếu số 1", "Form 1"), "Bổ sung hồ sơ xin việc", b.t("Qua bưu điện", "By post"), "9 Tràng Tiền, phường Hoàn Kiếm",
                 b.t("Có yêu cầu ghi nội dung cấm", "Asked for: bans")]:
        b.expect(fact in asked, "the request page shows %s: %s" % (fact, asked))
    main = b.text("main")
    b.expect(not re.search(r"\b\d{4}-\d{2}-\d{2}\b", main), "no ISO date on the officer page")
    b.expect(re.search(r"\b\d{2}/\d{2}/\d{4}\b", main), "dates read dd/MM/yyyy")
    b.shot("criminal-asked")

    driver = b.citizen()
    driving_id = b.submit_request(driver, b.health_certificate_body("driving-licence", purpose="Đổi giấy phép lái xe",
                                                                     request={"licenceClass": "B"}))
    b.sign_out()
    b.sign_in_officer("health")
    b.open("/officer/requests/" + driving_id)
    asked = b.text("#asked")
    for fact in [b.t("Khám sức khỏe lái xe", "Driving licence"), "Đổi giấy phép lái xe"]:
        b.expect(fact in asked, "the request page shows %s: %s" % (fact, asked))
    b.expect(re.search(r"\bB\b", asked), "the licence class asked for is shown")
    b.shot("health-asked")

    extract_body = b.health_certificate_body("general")
    extract_body["request"] = {"kind": "health-book-extract", "sections": ["vaccinations", "allergies"],
                               "from": "2020-01-01", "to": "2025-12-31", "purpose": "Du học"}
    extract_id = b.submit_request(b.citizen(), extract_body)
    b.open("/officer/requests/" + extract_id)
    asked = b.text("#asked")
    for fact in [b.t("Tiêm chủng", "Vaccinations"), b.t("Dị ứng", "Allergies"), "01/01/2020 – 31/12/2025"]:
        b.expect(fact in asked, "the request page shows %s: %s" % (fact, asked))
    b.shot("extract-asked")

    b.claim("justice", request_id)
    status, answer = b.decide("justice", request_id, {"decision": "approve", "findings": {"convictions": [], "bans": []}})
    b.expect(status == 200, "approved: %s %s" % (status, answer))
    b.wait_for_state(citizen.token, request_id, "issued")
    b.sign_out()
    b.sign_in_officer("justice")
    b.open("/officer/requests/" + request_id)
    b.expect(b.finds("#document-link"), "the issued document is linked")
    b.expect(b.text("#certified-status") == "Không có án tích / No criminal record", "the certified findings are shown")
    b.expect(b.finds("#certified-no-bans"), "the certified bans statement is shown")
    b.expect(not b.finds("#certified input, #certified select, #certified textarea"), "read-only")
    b.shot("certified")


@finding("09", "a missing reason: an error summary at the top that takes focus and links to the field")
def errors_in_sight(b):
    citizen = b.citizen()
    request_id = b.submit_request(citizen, b.criminal_record_body(citizen))
    open_and_claim(b, "justice", request_id)
    for button, target in [("#reject", "#f-reject-reason"), ("#request-info", "#f-info-reason")]:
        b.click(button)
        expect_summary_focused(b, target)
        b.expect(b.text(target + "-error") == b.t("Hãy ghi lý do.", "State the reason."), "the reason is asked for next to the field")
        b.shot("missing-reason-" + button.lstrip("#"))
    b.expect(b.find("#request-state").get_attribute("data-state") == "in_review", "nothing changed")


run_file(globals())
