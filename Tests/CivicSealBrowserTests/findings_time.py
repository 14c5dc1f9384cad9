#!/usr/bin/env python3
"""Issue #13, finding 4 in a real browser: one Hà Nội time everywhere.

The service runs on a FIXED clock, 10:58:00 UTC on Friday 4 December 2026, which is 17:58 in Hà Nội (UTC+7, no
daylight saving): after 17:00 Hà Nội time a double shift (7 h added twice) showed 05/12 on every page. A form 1 is
submitted, approved, issued and revoked at that instant; the citizen's page, the citizen's list, the officer's
history, the QR page, the verifier's verdict of the uploaded PDF and the PDF's own signature box must all say
04/12/2026 (17:58 where a time is shown), never 05/12/2026 and never the UTC reading 10:58.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import finding, run_file  # noqa: E402

DAY = "04/12/2026"
TIME = "04/12/2026 17:58"
WRONG_DAY = "05/12/2026"
UTC_READING = "10:58"


def page_text(b):
    return b.find("body").text


def expect_hanoi_time(b, where, time_shown=True):
    text = page_text(b)
    b.expect(DAY in text, "%s shows the Hà Nội day %s" % (where, DAY))
    if time_shown:
        b.expect(TIME in text, "%s shows %s (Hà Nội time)" % (where, TIME))
    b.expect(WRONG_DAY not in text, "%s never shows the next day %s" % (where, WRONG_DAY))
    b.expect(UTC_READING not in text, "%s never shows the UTC reading %s" % (where, UTC_READING))


@finding("04", "one Hà Nội time: a document issued and revoked at 17:58 on 04/12 says 04/12 17:58 everywhere")
def hanoi_time_everywhere(b):
    citizen = b.citizen()
    request_id = b.submit_request(citizen, b.criminal_record_body(citizen, form=1, purpose="Xin việc"))
    b.claim("justice", request_id)
    status, answer = b.decide("justice", request_id, {"decision": "approve", "findings": {"convictions": [], "bans": []}})
    b.expect(status == 200, "the officer approves (status %s: %s)" % (status, str(answer)[:300]))
    b.wait_for_state(citizen.token, request_id, "issued")

    # The PDF's signature box and issue date: Hà Nội time, the zone named, never UTC.
    pdf = b.document_pdf(citizen, request_id)
    pdf_text = b.pdftotext(pdf)
    # Two boxes since issue #16 (the officer's signature, then the seal), each with the time and the zone on lines
    # of their own.
    b.expect(pdf_text.count("04/12/2026 17:58:00") >= 2, "both signature boxes say 04/12/2026 17:58:00")
    b.expect(pdf_text.count("giờ Hà Nội (UTC+7)") >= 2, "the PDF names the zone in both boxes")
    b.expect("ngày 04 tháng 12 năm 2026" in pdf_text, "the PDF's issue date is 4 December")
    b.expect(WRONG_DAY not in pdf_text and "10:58" not in pdf_text, "the PDF shows neither 05/12 nor the UTC reading")
    pdf_path = os.path.join(b.context.downloads, "finding-04-%s-%s.pdf" % (b.lang, request_id))
    with open(pdf_path, "wb") as handle:
        handle.write(pdf)

    # The officer's request page: its history at 17:58 on 04/12, and the document's code.
    b.sign_in_officer("justice")
    b.open("/officer/requests/" + request_id)
    document_id = b.text("#document-link").strip()
    b.expect(len(document_id) == 26, "the officer sees the document's code")
    expect_hanoi_time(b, "the officer's request page")
    b.shot("officer-request-issued")

    # Revoked at the same instant: the revocation is not "after" the signing in anyone's eyes.
    status, answer = b.api(b.officer("justice")["token"], "POST", "/v1/documents/%s/revoke" % document_id,
                           {"reasonCode": "issued-in-error", "reason": "Cấp nhầm đối tượng"})
    b.expect(status == 200, "the officer revokes (status %s: %s)" % (status, str(answer)[:300]))
    b.open("/officer/requests/" + request_id)
    expect_hanoi_time(b, "the officer's history after revocation")
    b.shot("officer-request-revoked")
    b.sign_out()

    # The citizen's own page and list.
    b.sign_in_citizen(citizen)
    b.open("/citizen/requests/" + request_id)
    expect_hanoi_time(b, "the citizen's request page")
    b.shot("citizen-request")
    b.open("/citizen")
    expect_hanoi_time(b, "the citizen's list", time_shown=False)
    b.shot("citizen-list")
    b.sign_out()

    # The QR page: issued on 04/12, revoked on 04/12.
    b.open("/v/" + document_id)
    b.expect(b.find("#document-status").get_attribute("data-status") == "revoked", "the QR page says revoked")
    expect_hanoi_time(b, "the QR page", time_shown=False)
    b.shot("qr-page-revoked")

    # The verifier's verdict of the uploaded file: signed 04/12 17:58, revoked 04/12 17:58.
    b.open("/verify")
    b.shot("verify")
    b.type("#document", pdf_path, clear=False)
    b.click("#verify-upload")
    b.expect(b.find("#verdict").get_attribute("data-outcome") == "revoked", "the verifier sees the revocation")
    expect_hanoi_time(b, "the verifier's verdict")
    b.shot("verify-revoked")


run_file(globals())
