#!/usr/bin/env python3
"""CivicSeal's pages in a real browser (headless Chromium through chromedriver and Selenium).

Walks each kind of user through the whole flow on a live server:
  a citizen signs in, is refused with messages next to the fields, submits a criminal-record request;
  an officer signs in, finds it in the queue, claims and approves it (the document is sealed);
  the citizen downloads the sealed PDF; a verifier uploads it and sees "valid";
  the officer revokes it; the verifier uploads it again and sees "revoked", and the QR page says so.
Every page is checked for browser console errors (any SEVERE entry fails the run), photographed, and checked by
axe-core (a serious or critical violation fails the run). After the language switch the walk goes on in
`--language` (vi or en): the Swift test runs it once in each.

Usage: browser_flows.py --base URL --citizen-token FILE --officer-token FILE --artefacts DIR --language vi|en
Prints one "STEP <name> ok" line per step and "FLOWS OK" at the end; exits non-zero on the first failure.
"""
import argparse
import base64
import json
import os
import sys
import time
import urllib.parse

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SERIOUS, _axe_source, start_driver  # noqa: E402  (one copy of the browser's start and of axe-core)


class FlowFailure(Exception):
    pass


class Browser:
    def __init__(self, base, artefacts, extra_arguments=()):
        self.base = base.rstrip("/")
        self.artefacts = artefacts
        self.downloads = os.path.join(artefacts, "downloads")
        os.makedirs(self.downloads, exist_ok=True)
        self.driver = start_driver(self.downloads, extra_arguments)
        self.shots = 0
        self.axe_source = _axe_source()

    def close(self):
        self.driver.quit()

    # Navigation and checks

    def open(self, path):
        self.driver.get(self.base + path)
        self.settle()

    def settle(self):
        WebDriverWait(self.driver, 15).until(lambda d: d.execute_script("return document.readyState") == "complete")
        self.console_clean()

    def console_clean(self):
        entries = self.driver.get_log("browser")
        severe = [entry for entry in entries if entry.get("level") == "SEVERE"]
        if severe:
            raise FlowFailure("browser console errors on %s: %s" % (self.path(), severe))

    def path(self):
        return urllib.parse.urlsplit(self.driver.current_url).path

    def expect_path(self, prefix):
        if not self.path().startswith(prefix):
            raise FlowFailure("expected to be on %s, on %s" % (prefix, self.driver.current_url))

    def shot(self, name):
        """Saves the whole page (the window grows to the page's height for the picture, then shrinks back)."""
        self.shots += 1
        size = self.driver.get_window_size()
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(size["width"], min(max(size["height"], height + 120), 6000))
        self.driver.save_screenshot(os.path.join(self.artefacts, "%02d-%s.png" % (self.shots, name)))
        self.driver.set_window_size(size["width"], size["height"])
        self.axe(name)

    def axe(self, name):
        """axe-core on the page as it is: serious or critical violations fail the walk."""
        self.driver.execute_script(self.axe_source)
        violations = self.driver.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']}).then(function (r) { done(r.violations); },"
            " function (e) { done({error: String(e)}); });")
        if isinstance(violations, dict):
            raise FlowFailure("axe-core could not run on %s: %s" % (self.path(), violations.get("error")))
        serious = [(v["id"], v.get("impact")) for v in violations if v.get("impact") in SERIOUS]
        if serious:
            raise FlowFailure("axe-core on %s (%s): %s" % (self.path(), name, serious))

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def finds(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self, css):
        return self.find(css).text

    def click(self, css, navigates=True):
        """Clicks; when the click loads another page, waits until the old page is gone before going on."""
        if navigates:
            # A mark on the current document's window: a new page load starts without it.
            self.driver.execute_script("window.civicsealOldPage = true;")
        self.find(css).click()
        if navigates:
            WebDriverWait(self.driver, 15).until(
                lambda d: d.execute_script("return window.civicsealOldPage !== true && document.readyState === 'complete'"))
        self.settle()

    def type(self, css, value, clear=True):
        element = self.find(css)
        if clear:
            element.clear()
        element.send_keys(value)

    def set_value(self, css, value):
        # Date inputs take keystrokes in the browser's locale format; setting the value is locale-independent.
        element = self.find(css)
        self.driver.execute_script("arguments[0].value = arguments[1];", element, value)

    def expect(self, condition, message):
        if not condition:
            raise FlowFailure(message + " (on %s)" % self.driver.current_url)

    def no_secrets_in_url(self, secrets):
        url = self.driver.current_url
        for secret in secrets:
            if secret and secret in url:
                raise FlowFailure("a token or personal datum appears in the URL %s" % url)

    def sign_in(self, audience, token, shot=None, refused=False):
        """The sign-in page's button, the development provider's page (the token's person typed in), the callback.
        ``refused``: the callback is expected to answer with its 403 page, whose status the console reports."""
        self.open("/%s/sign-in" % audience)
        self.expect_path("/%s/sign-in" % audience)
        self.click("#sign-in")
        self.expect_path("/dev-idp/authorize")
        if shot:
            self.shot(shot)
        self.driver.execute_script("window.civicsealOldPage = true;")
        self.driver.execute_script(
            "var field = document.querySelector('[name=claims]');"
            "field.value = arguments[0];"
            "var form = field.form;"
            "var button = form.querySelector('button[type=submit]:not([name=preset]), input[type=submit]');"
            "if (form.requestSubmit) { form.requestSubmit(button || undefined); } else { form.submit(); }",
            identity_claims(token))
        WebDriverWait(self.driver, 15).until(
            lambda d: d.execute_script("return window.civicsealOldPage !== true && document.readyState === 'complete'")
            and not urllib.parse.urlsplit(d.current_url).path.startswith("/dev-idp/"))
        if refused:
            self.driver.get_log("browser")  # the one expected entry: the refusal page's 403
        self.settle()

    def sign_out(self):
        """Here, then at the provider's end-session page, then home."""
        self.click("#sign-out")
        WebDriverWait(self.driver, 15).until(
            lambda d: urllib.parse.urlsplit(d.current_url).path == "/"
            and d.execute_script("return document.readyState") == "complete")
        self.expect_path("/")


def identity_claims(token):
    """The identity claims of a minted token (its payload minus iss, aud, iat, exp, nonce), as JSON text."""
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    for name in ("iss", "aud", "iat", "exp", "nonce", "nbf", "jti"):
        claims.pop(name, None)
    return json.dumps(claims, ensure_ascii=False)


def step(name):
    print("STEP %s ok" % name, flush=True)


def wait_for_download(directory, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        files = [f for f in os.listdir(directory) if f.endswith(".pdf")]
        partial = [f for f in os.listdir(directory) if f.endswith(".crdownload")]
        if files and not partial:
            return os.path.join(directory, files[0])
        time.sleep(0.2)
    raise FlowFailure("the PDF download did not complete in %s" % directory)


def run(arguments):
    citizen_token = open(arguments.citizen_token).read().strip()
    officer_token = open(arguments.officer_token).read().strip()
    secrets = [citizen_token, officer_token, arguments.personal_id, urllib.parse.quote(arguments.name)]
    browser = Browser(arguments.base, arguments.artefacts)
    try:
        b = browser
        # Home, in Vietnamese by default, then the English switch and back.
        b.open("/")
        b.expect(b.find("html").get_attribute("lang") == "vi", "Vietnamese by default")
        b.shot("home-vi")
        b.click("a[hreflang='en']")
        b.expect(b.find("html").get_attribute("lang") == "en", "English after the switch")
        b.shot("home-en")
        b.click("a[hreflang='vi']")
        b.expect(b.find("html").get_attribute("lang") == "vi", "Vietnamese again")
        if arguments.language != "vi":
            b.click("a[hreflang='%s']" % arguments.language)
        b.expect(b.find("html").get_attribute("lang") == arguments.language, "the walk goes on in %s" % arguments.language)
        step("language-switch")

        # Citizen: sign in (the page /citizen sends an anonymous visitor to the sign-in form first).
        b.open("/citizen")
        b.expect_path("/citizen/sign-in")
        b.shot("citizen-sign-in")
        b.sign_in("citizen", citizen_token, shot="citizen-sign-in-development-provider")
        b.expect_path("/citizen")
        b.expect(arguments.name in b.text("main"), "the citizen is greeted by name")
        b.shot("citizen-home")
        step("citizen-sign-in")

        # A criminal-record request: first with mistakes, which are explained next to their fields, typing kept.
        b.click("#new-criminal-record")
        b.expect_path("/citizen/requests/new")
        b.shot("citizen-form")
        b.type("#f-request-purpose", "")
        b.type("#f-contact-phone", "abc")
        b.type("#f-particulars-birthPlace", "Hà Nội")
        b.type("#f-residenceHistory-0--address", "Số 5 phố Huế, Hai Bà Trưng, Hà Nội")
        b.type("#f-residenceHistory-0--occupation", "Học sinh")
        b.set_value("#f-residenceHistory-0--from", "2010-01-01")
        b.set_value("#f-residenceHistory-0--to", "2005-01-01")
        b.click("#submit-request")
        b.expect(b.finds("#error-summary"), "the refused form lists its problems at the top")
        for field in ["f-request-purpose", "f-contact-phone", "f-residenceHistory-0--to"]:
            b.expect(b.finds("#%s-error" % field), "a message next to %s" % field)
            b.expect(b.find("#" + field).get_attribute("aria-invalid") == "true", "%s is marked invalid" % field)
        b.expect(b.find("#f-contact-phone").get_attribute("value") == "abc", "what was typed is kept")
        b.expect(b.find("#f-particulars-birthPlace").get_attribute("value") == "Hà Nội", "what was typed is kept")
        b.expect(b.driver.switch_to.active_element.get_attribute("id") == "error-summary", "focus moves to the error summary")
        b.shot("citizen-form-refused")
        step("citizen-form-errors")

        b.type("#f-request-purpose", "Bổ sung hồ sơ xin việc")
        b.type("#f-contact-phone", "0912345678")
        b.type("#f-contact-email", "citizen@example.vn")
        b.type("#f-particulars-ethnicity", "Kinh")  # printed on the certificate: typed, never defaulted
        b.type("#f-particulars-permanentResidence-line", "Số 5 phố Huế, Hai Bà Trưng, Hà Nội")
        b.type("#f-particulars-currentResidence-line", "Số 5 phố Huế, Hai Bà Trưng, Hà Nội")
        b.set_value("#f-residenceHistory-0--from", arguments.residence_from)
        b.set_value("#f-residenceHistory-0--to", "")
        b.set_value("#f-residenceHistory-0--provinceCode", "001")  # each residence row names its province
        b.click("#submit-request")
        b.expect_path("/citizen/requests/")
        request_id = b.path().rsplit("/", 1)[-1]
        b.expect(b.find("#request-state").get_attribute("data-state") == "submitted", "the request is submitted")
        b.expect(b.finds("#flash"), "a notice confirms the submission")
        b.no_secrets_in_url(secrets)
        b.shot("citizen-request-submitted")
        step("citizen-submits")
        b.sign_out()

        # Officer: sign in, the queue, the request, claim, approve (no conviction).
        b.open("/officer/queue")
        b.expect_path("/officer/sign-in")
        b.shot("officer-sign-in")
        b.sign_in("officer", citizen_token, refused=True)
        b.expect(b.finds("#failure-message"), "a citizen's account does not open the officer pages")
        b.shot("officer-sign-in-refused")
        b.sign_in("officer", officer_token, shot="officer-sign-in-development-provider")
        b.expect_path("/officer/queue")
        row = b.finds("tr[data-request='%s'] a" % request_id)
        b.expect(row, "the new request is in the department queue")
        b.shot("officer-queue")
        b.click("#overdue", navigates=False)  # the overdue filter: the new request is not overdue
        b.click("#apply-filters")
        b.expect(not b.finds("tr[data-request='%s']" % request_id), "the overdue filter hides a request that is not overdue")
        b.shot("officer-queue-overdue")
        b.open("/officer/queue")
        b.click("tr[data-request='%s'] a" % request_id)
        b.expect_path("/officer/requests/" + request_id)
        b.shot("officer-request")
        b.click("#claim")
        b.expect(b.find("#request-state").get_attribute("data-state") == "in_review", "claimed")
        b.shot("officer-request-claimed")
        b.click("#approve")
        b.expect(b.find("#certified-status"), "the review step shows what will be certified")
        b.shot("officer-review")
        b.click("#confirm")
        b.expect(b.find("#request-state").get_attribute("data-state") == "issued", "approved and issued")
        document_id = b.text("#document-link")
        b.expect(len(document_id) == 26, "the document code is shown")
        b.no_secrets_in_url(secrets)
        b.shot("officer-request-issued")
        step("officer-approves")
        b.sign_out()

        # Citizen downloads the sealed PDF.
        b.sign_in("citizen", citizen_token)
        b.open("/citizen/requests/" + request_id)
        b.expect(b.find("#request-state").get_attribute("data-state") == "issued", "the citizen sees it issued")
        b.shot("citizen-request-issued")
        b.find("#download").click()
        pdf = wait_for_download(b.downloads)
        with open(pdf, "rb") as handle:
            b.expect(handle.read(5) == b"%PDF-", "the download is a PDF")
        b.console_clean()
        step("citizen-downloads")
        b.sign_out()

        # Verifier: no sign-in; upload the PDF.
        b.open("/verify")
        b.shot("verify")
        b.find("#document").send_keys(pdf)
        b.click("#verify-upload")
        verdict = b.find("#verdict")
        b.expect(verdict.get_attribute("data-outcome") == "valid", "the verifier sees valid")
        b.expect(not b.finds("#verdict .checks li.fail"), "every check passed")
        b.expect(b.text("#verdict-signer"), "the signer is named")
        b.shot("verify-valid")
        step("verifier-valid")

        # The QR target page and the five-field confirmation.
        b.open("/v/" + document_id)
        b.expect(b.find("#document-status").get_attribute("data-status") == "valid", "the QR page says valid")
        b.type("#f-fullName", arguments.name)
        b.set_value("#f-birthDate", arguments.birth_date)
        b.click("#f-sex option[value='%s']" % arguments.sex, navigates=False)
        b.type("#f-personalId", arguments.personal_id)
        b.click("#confirm")
        b.expect("confirmed" in (b.find("#confirmation").get_attribute("class") or ""), "the five fields are confirmed")
        b.no_secrets_in_url(secrets)
        b.shot("qr-page-confirmed")
        step("verifier-confirms-details")

        # Officer revokes.
        b.sign_in("officer", officer_token)
        b.open("/officer/requests/" + request_id)
        b.click("#revoke")  # no reason: refused, message next to the field
        b.expect(b.finds("#f-revoke-reason-error"), "a revocation needs its grounds")
        b.expect(b.finds("#f-revoke-reasonCode-error"), "a revocation needs its public reason code")
        Select(b.find("#f-revoke-reasonCode")).select_by_value("issued-in-error")
        b.type("#f-revoke-reason", "Cấp nhầm đối tượng")
        b.click("#revoke")
        # A confirmation page restates the revocation; nothing is revoked before "confirm" (issue 13, finding 11).
        b.expect(b.find("#revoke-grounds").text == "Cấp nhầm đối tượng", "the confirmation restates the grounds")
        b.click("#revoke-confirm")
        b.expect(b.find("#request-state").get_attribute("data-state") == "revoked", "revoked")
        b.shot("officer-revoked")
        step("officer-revokes")
        b.sign_out()

        # Verifier again: the same file is now revoked.
        b.open("/verify")
        b.find("#document").send_keys(pdf)
        b.click("#verify-upload")
        b.expect(b.find("#verdict").get_attribute("data-outcome") == "revoked", "the verifier sees revoked")
        b.shot("verify-revoked")
        b.open("/v/" + document_id)
        b.expect(b.find("#document-status").get_attribute("data-status") == "revoked", "the QR page says revoked")
        b.shot("qr-page-revoked")
        step("verifier-revoked")

        # A phone-sized window: nothing overflows sideways.
        b.driver.set_window_size(390, 844)
        for path, name in [("/verify", "phone-verify"), ("/v/" + document_id, "phone-qr-page"), ("/", "phone-home")]:
            b.open(path)
            width = b.driver.execute_script("return document.documentElement.scrollWidth")
            viewport = b.driver.execute_script("return document.documentElement.clientWidth")
            b.expect(width <= viewport, "%s fits a phone screen (%s > %s)" % (path, width, viewport))
            b.shot(name)
        step("phone-layout")
        print("FLOWS OK", flush=True)
    except Exception:
        try:
            browser.shot("failure")
        except Exception:
            pass
        raise
    finally:
        browser.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--citizen-token", required=True)
    parser.add_argument("--officer-token", required=True)
    parser.add_argument("--artefacts", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--personal-id", required=True)
    parser.add_argument("--birth-date", required=True)
    parser.add_argument("--sex", required=True)
    parser.add_argument("--residence-from", required=True)
    parser.add_argument("--language", choices=["vi", "en"], default="vi")
    arguments = parser.parse_args()
    os.makedirs(arguments.artefacts, exist_ok=True)
    try:
        run(arguments)
    except FlowFailure as failure:
        print("FLOW FAILED: %s" % failure, flush=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
