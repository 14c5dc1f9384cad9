#!/usr/bin/env python3
"""Chromium walks against an OpenID provider nobody on CivicSeal wrote (Authlib's, started by the Swift test on
127.0.0.1 with TLS under a test CA): a citizen signs in there, files a criminal-record request and signs out (here
and at the provider); an officer signs in there and approves it.

Chromium trusts the provider's certificate by its key alone (``--ignore-certificate-errors-spki-list``), nothing
else. Every page of ours is photographed and checked by axe-core; the provider's own page is photographed only.
Prints one ``STEP <name> ok`` line per step and ``WALK OK`` at the end.

Usage: provider_walk.py --base URL --issuer URL --spki BASE64 --artefacts DIR --residence-from YYYY-MM-DD
"""
import argparse
import os
import sys
import urllib.parse

from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser_flows import Browser, FlowFailure, step  # noqa: E402  (one copy of the walk's browser)

WAIT_SECONDS = 30


class ProviderWalk(Browser):
    def __init__(self, arguments):
        super().__init__(arguments.base, arguments.artefacts,
                         ["--ignore-certificate-errors-spki-list=" + arguments.spki])
        self.issuer = arguments.issuer.rstrip("/")

    def console_clean(self):
        """Console errors fail the walk, except the provider's own (its page asks for a favicon it does not have)."""
        entries = self.driver.get_log("browser")
        severe = [entry for entry in entries
                  if entry.get("level") == "SEVERE" and not entry.get("message", "").startswith(self.issuer + "/")]
        if severe:
            raise FlowFailure("browser console errors on %s: %s" % (self.path(), severe))

    def photograph(self, name):
        """A screenshot without axe-core: for the provider's page, which is not ours to fix."""
        self.shots += 1
        self.driver.save_screenshot(os.path.join(self.artefacts, "%02d-%s.png" % (self.shots, name)))

    def wait_for(self, condition, what):
        try:
            WebDriverWait(self.driver, WAIT_SECONDS).until(
                lambda d: d.execute_script("return document.readyState") == "complete" and condition())
        except Exception:
            raise FlowFailure("%s (on %s)" % (what, self.driver.current_url))

    def on_provider(self):
        return self.driver.current_url.startswith(self.issuer + "/")

    def on_ours(self, path):
        url = self.driver.current_url
        return url.startswith(self.base + "/") and urllib.parse.urlsplit(url).path == path

    def sign_in_at_provider(self, audience, user, shot):
        """Our sign-in page, its button, the provider's login page (``user`` chosen), back to ``audience``'s home
        (the callback's page moves on by itself: the provider's redirect is a cross-site navigation)."""
        self.open("/%s/sign-in" % audience)
        self.shot("%s-sign-in" % audience)
        self.click("#sign-in", navigates=False)
        self.wait_for(self.on_provider, "the button leads to the provider")
        self.photograph(shot)
        self.find("#user-" + user).click()
        self.find("#sign-in").click()
        home = "/citizen" if audience == "citizen" else "/officer/queue"
        self.wait_for(lambda: self.on_ours(home), "signed in, back on %s" % home)
        self.console_clean()


def run(arguments):
    b = ProviderWalk(arguments)
    try:
        # A citizen signs in at the provider.
        b.sign_in_at_provider("citizen", "citizen-level2", "independent-provider-citizen")
        b.expect(b.finds(".who"), "the header names the signed-in citizen")
        b.expect(b.finds("#flash"), "a notice says the citizen is signed in")
        b.shot("citizen-home-after-provider")
        step("citizen-signs-in")

        # ... files a criminal-record request (level 2 from the provider: no step-up) ...
        b.open("/citizen/requests/new?kind=criminal-record")
        b.expect(not b.finds("#step-up"), "a level-2 sign-in opens the criminal-record form")
        b.type("#f-request-purpose", "Bổ sung hồ sơ xin việc")
        b.type("#f-contact-phone", "0912345678")
        b.type("#f-contact-email", "citizen@example.vn")
        b.type("#f-particulars-birthPlace", "Hà Nội")
        b.type("#f-particulars-ethnicity", "Kinh")
        b.type("#f-particulars-permanentResidence-line", "Số 5 phố Huế, Hai Bà Trưng, Hà Nội")
        b.type("#f-particulars-currentResidence-line", "Số 5 phố Huế, Hai Bà Trưng, Hà Nội")
        b.type("#f-residenceHistory-0--address", "Số 5 phố Huế, Hai Bà Trưng, Hà Nội")
        b.type("#f-residenceHistory-0--occupation", "Nhân viên văn phòng")
        b.set_value("#f-residenceHistory-0--from", arguments.residence_from)
        b.set_value("#f-residenceHistory-0--to", "")
        b.set_value("#f-residenceHistory-0--provinceCode", "001")
        b.shot("citizen-form-after-provider")
        b.click("#submit-request")
        b.expect_path("/citizen/requests/")
        request_id = b.path().rsplit("/", 1)[-1]
        b.expect(b.find("#request-state").get_attribute("data-state") == "submitted", "the request is submitted")
        b.shot("citizen-request-submitted")
        step("citizen-files-criminal-record")

        # ... and signs out: here, then at the provider, then our home page.
        b.click("#sign-out", navigates=False)
        b.wait_for(lambda: b.on_ours("/"), "back on the home page after the provider's sign-out")
        b.expect(not b.finds(".who"), "nobody is signed in")
        b.open("/citizen")
        b.expect_path("/citizen/sign-in")
        step("citizen-signs-out")

        # An officer signs in at the provider and approves the request.
        b.sign_in_at_provider("officer", "justice-officer", "independent-provider-officer")
        b.expect(b.finds("tr[data-request='%s'] a" % request_id), "the request is in the officer's queue")
        b.shot("officer-queue-after-provider")
        b.click("tr[data-request='%s'] a" % request_id)
        b.click("#claim")
        b.expect(b.find("#request-state").get_attribute("data-state") == "in_review", "claimed")
        b.click("#approve")
        b.expect(b.find("#certified-status"), "the review step shows what will be certified")
        b.click("#confirm")
        b.expect(b.find("#request-state").get_attribute("data-state") == "issued", "approved and issued")
        b.shot("officer-request-issued-after-provider")
        step("officer-approves")
        print("WALK OK", flush=True)
    except Exception:
        try:
            b.photograph("failure")
        except Exception:
            pass
        raise
    finally:
        b.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--issuer", required=True)
    parser.add_argument("--spki", required=True)
    parser.add_argument("--artefacts", required=True)
    parser.add_argument("--residence-from", required=True)
    arguments = parser.parse_args()
    os.makedirs(arguments.artefacts, exist_ok=True)
    try:
        run(arguments)
    except FlowFailure as failure:
        print("WALK FAILED: %s" % failure, flush=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
