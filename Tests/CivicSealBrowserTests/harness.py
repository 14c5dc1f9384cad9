#!/usr/bin/env python3
"""The harness every browser finding test runs on: headless Chromium (chromedriver, Selenium) against a live
CivicSeal on 127.0.0.1, with axe-core (from PyPI's axe-selenium-python) run on every photographed page.

A findings file (``findings_<area>.py``) defines functions decorated with ``@finding("07", "title")`` that take a
``Session`` ``b`` and ends with ``run_file(globals())``. The runner calls every finding once per language
("vi", then "en") on a fresh session (cookies cleared, desktop width, the language chosen through the page's own
switch), and prints one line per run::

    FINDING 07 vi ok
    FINDING 07 en FAILED: <what was expected> (on <url>)

A failure photographs the page and the runner goes on with the next finding; the exit status is non-zero when any
finding failed. The Swift test (``BrowserFindingTests``) starts the service, mints the users, writes the context
file, runs the findings file and requires the ``ok`` line of each finding id it lists, in both languages.

Usage: findings_<area>.py --context FILE [--only 07,09] [--languages vi,en]

The context file (JSON, written by the Swift side) holds: ``base`` (the service's URL), ``artefacts`` (a folder for
screenshots, downloads and the axe report), ``citizens`` (a pool of fresh citizens: token, personalId, name,
birthDate, sex, level), ``officers`` (role name -> {token, name}) and anything else a test needs under ``extra``.

What a finding gets (``b``):
- ``b.lang`` ("vi" or "en") and ``b.t(vi, en)``: the text for the session's language;
- navigation: ``b.open(path)``, ``b.click(css)`` (waits for the next page when the click navigates; pass
  ``navigates=False`` otherwise), ``b.submit(css)`` (the same, for a form's submit button), ``b.path()``,
  ``b.expect_path(prefix)``;
- reading and typing: ``b.find(css)``, ``b.finds(css)``, ``b.text(css)``, ``b.value(css)``, ``b.type(css, text)``,
  ``b.select(css, value)``, ``b.set_value(css, value)`` (date inputs), ``b.check(css, on=True)``,
  ``b.focused_id()``;
- checks: ``b.expect(condition, message)``, ``b.fits_width()`` (no sideways scrolling), console errors fail every
  page load automatically;
- ``b.shot(name)``: a full-page screenshot AND an axe-core run: a serious or critical violation fails the finding.
  Call it on every page a finding visits, error states included;
- ``b.phone()`` (390 x 844) and ``b.desktop()`` (1280 x 1000);
- users: ``b.citizen(level=2)`` gives a citizen never used before (``.token``, ``.personal_id``, ``.name``,
  ``.birth_date``, ``.sex``, ``.level``); ``b.officer(role)`` gives {token, name} for "justice" (justice.officer
  and justice.revoker), "justice2" (a second justice officer), "health" (health.officer, health.revoker,
  health.clinician); ``b.sign_in_citizen(c)``, ``b.sign_in_officer(role)``, ``b.sign_out()``;
- the JSON API, to prepare state quickly: ``b.api(token, method, path, body=None, headers=None)`` ->
  (status, parsed JSON or raw bytes); ``b.submit_request(citizen, body)`` -> request id (201 required);
  ``b.claim(role, request_id)``; ``b.decide(role, request_id, body)`` -> (status, json);
  ``b.wait_for_state(token, request_id, state)`` (the detail's ``request.status``); ``b.document_pdf(citizen, request_id)`` -> PDF bytes;
  ``b.pdftotext(pdf_bytes)`` -> text (poppler's pdftotext, from outside this repository);
- ``b.criminal_record_body(citizen, form=1, purpose=..., residence=[...], **changes)`` and
  ``b.health_certificate_body(...)``: valid submission bodies to start from.
"""
import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

LANGUAGES = ("vi", "en")
DESKTOP = (1280, 1000)
PHONE = (390, 844)
# Generous waits: the machine running CI is busy. They bound a wait for a condition, they never pace a test.
WAIT_SECONDS = 30
SERIOUS = ("serious", "critical")

_FINDINGS = []


class FindingFailure(Exception):
    """What a user would have seen go wrong."""


def finding(identifier, title):
    """Registers a browser test for the issue's finding ``identifier`` (e.g. "07" or "21v")."""
    def register(function):
        _FINDINGS.append((identifier, title, function))
        return function
    return register


class Citizen:
    def __init__(self, entry):
        self.token = entry["token"]
        self.personal_id = entry["personalId"]
        self.name = entry["name"]
        self.birth_date = entry["birthDate"]
        self.sex = entry["sex"]
        self.level = entry.get("level", 2)

    def __repr__(self):
        return "Citizen(level %s)" % self.level  # never the personal data


def identity_claims(token):
    """The identity claims of a minted token (its payload minus iss, aud, iat, exp, nonce), as JSON text."""
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    for name in ("iss", "aud", "iat", "exp", "nonce", "nbf", "jti"):
        claims.pop(name, None)
    return json.dumps(claims, ensure_ascii=False)


def _axe_source():
    import axe_selenium_python
    path = os.path.join(os.path.dirname(axe_selenium_python.__file__), "node_modules", "axe-core", "axe.min.js")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


class Context:
    """What the Swift side prepared, shared by every session of one run (the citizen pool is used up)."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        self.base = data["base"].rstrip("/")
        self.artefacts = data["artefacts"]
        self.citizens = [Citizen(entry) for entry in data["citizens"]]
        self.officers = data["officers"]
        self.extra = data.get("extra", {})
        self.downloads = os.path.join(self.artefacts, "downloads")
        os.makedirs(self.downloads, exist_ok=True)
        self.axe = _axe_source()
        self.axe_report = []

    def take_citizen(self, level):
        for index, citizen in enumerate(self.citizens):
            if citizen.level == level:
                return self.citizens.pop(index)
        raise FindingFailure("the context's pool has no unused level-%d citizen left: mint more in the Swift test" % level)


def start_driver(downloads, extra_arguments=()):
    """Headless Chromium; ``extra_arguments`` are added to its command line (e.g. the one certificate to trust)."""
    options = Options()
    options.add_argument("--headless=new")
    options.add_argument("--no-sandbox")  # CI containers run as root
    options.add_argument("--disable-dev-shm-usage")
    options.add_argument("--window-size=%d,%d" % DESKTOP)
    options.add_argument("--lang=vi")
    for argument in extra_arguments:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.add_experimental_option("prefs", {
        "download.default_directory": downloads,
        "download.prompt_for_download": False,
        "safebrowsing.enabled": False,
    })
    # Debian's chromium and chromium-driver, named explicitly: Selenium must not try to download a browser.
    chromium = os.environ.get("CIVICSEAL_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = os.environ.get("CIVICSEAL_CHROMEDRIVER") or shutil.which("chromedriver")
    if not chromium or not driver_path:
        raise FindingFailure("chromium and chromedriver must be installed (Debian: chromium chromium-driver)")
    options.binary_location = chromium
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    return driver


class Session:
    """One finding in one language: a browser with no cookies, at desktop width, in ``lang``."""

    def __init__(self, context, driver, identifier, lang, area):
        self.context = context
        self.driver = driver
        self.identifier = identifier
        self.lang = lang
        self.area = area
        self.shots = 0
        self.base = context.base

    # Language and size

    def t(self, vietnamese, english):
        return vietnamese if self.lang == "vi" else english

    def phone(self):
        self.driver.set_window_size(*PHONE)

    def desktop(self):
        self.driver.set_window_size(*DESKTOP)

    def choose_language(self):
        """Chooses the session's language with the page's own switch, as a visitor would."""
        self.open("/")
        if self.find("html").get_attribute("lang") != self.lang:
            self.click("a[hreflang='%s']" % self.lang)
        self.expect(self.find("html").get_attribute("lang") == self.lang, "the pages answer in %s" % self.lang)

    # Navigation

    def open(self, path):
        self.driver.get(self.base + path)
        self.settle()

    def settle(self):
        WebDriverWait(self.driver, WAIT_SECONDS).until(lambda d: d.execute_script("return document.readyState") == "complete")
        self.console_clean()

    def console_clean(self):
        severe = [entry for entry in self.driver.get_log("browser") if entry.get("level") == "SEVERE"]
        if severe:
            raise FindingFailure("browser console errors on %s: %s" % (self.path(), severe))

    def path(self):
        return urllib.parse.urlsplit(self.driver.current_url).path

    def expect_path(self, prefix):
        if not self.path().startswith(prefix):
            raise FindingFailure("expected to be on %s, on %s" % (prefix, self.driver.current_url))

    def click(self, css, navigates=True):
        """Clicks; when the click loads another page, waits until the old page is gone and the new one complete."""
        if navigates:
            # A mark on the current document's window: a new page load starts without it.
            self.driver.execute_script("window.civicsealOldPage = true;")
        element = self.find(css)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        element.click()
        if navigates:
            WebDriverWait(self.driver, WAIT_SECONDS).until(
                lambda d: d.execute_script("return window.civicsealOldPage !== true && document.readyState === 'complete'"))
        self.settle()

    submit = click

    # Reading and typing

    def find(self, css):
        found = self.driver.find_elements(By.CSS_SELECTOR, css)
        if not found:
            raise FindingFailure("no element %s on %s" % (css, self.driver.current_url))
        return found[0]

    def finds(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self, css):
        return self.find(css).text

    def value(self, css):
        return self.find(css).get_attribute("value")

    def type(self, css, value, clear=True):
        element = self.find(css)
        if clear:
            element.clear()
        element.send_keys(value)

    def select(self, css, value):
        Select(self.find(css)).select_by_value(value)

    def check(self, css, on=True):
        element = self.find(css)
        if element.is_selected() != on:
            self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
            element.click()

    def set_value(self, css, value):
        # Date inputs take keystrokes in the browser's locale format; setting the value is locale-independent.
        self.driver.execute_script("arguments[0].value = arguments[1];", self.find(css), value)

    def focused_id(self):
        return self.driver.switch_to.active_element.get_attribute("id")

    # Checks

    def expect(self, condition, message):
        if not condition:
            raise FindingFailure(message + " (on %s)" % self.driver.current_url)

    def fits_width(self):
        width = self.driver.execute_script("return document.documentElement.scrollWidth")
        viewport = self.driver.execute_script("return document.documentElement.clientWidth")
        return width <= viewport

    def shot(self, name):
        """Photographs the whole page, then runs axe-core on it: serious or critical violations fail the finding."""
        self.shots += 1
        folder = os.path.join(self.context.artefacts, self.area)
        os.makedirs(folder, exist_ok=True)
        size = self.driver.get_window_size()
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(size["width"], min(max(size["height"], height + 120), 8000))
        file = os.path.join(folder, "%s-%s-%02d-%s.png" % (self.identifier, self.lang, self.shots, name))
        self.driver.save_screenshot(file)
        self.driver.set_window_size(size["width"], size["height"])
        self.axe(name)
        return file

    def axe(self, name):
        # The harness injects axe-core through WebDriver (not subject to the page's Content-Security-Policy).
        self.driver.execute_script(self.context.axe)
        results = self.driver.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']}).then(function (r) { done(r.violations); },"
            " function (e) { done({error: String(e)}); });")
        if isinstance(results, dict) and "error" in results:
            raise FindingFailure("axe-core could not run on %s: %s" % (self.path(), results["error"]))
        summary = [{"id": v["id"], "impact": v.get("impact"), "help": v.get("help"),
                    "targets": [node.get("target") for node in v.get("nodes", [])][:5]} for v in results]
        self.context.axe_report.append({"finding": self.identifier, "lang": self.lang, "page": self.path(),
                                        "shot": name, "violations": summary})
        serious = [v for v in summary if v["impact"] in SERIOUS]
        if serious:
            raise FindingFailure("axe-core: %d serious or critical violation(s) on %s (%s): %s"
                                 % (len(serious), self.path(), name, json.dumps(serious, ensure_ascii=False)))

    # Users

    def citizen(self, level=2):
        return self.context.take_citizen(level)

    def officer(self, role):
        if role not in self.context.officers:
            raise FindingFailure("no officer %r in the context (have %s)" % (role, sorted(self.context.officers)))
        return self.context.officers[role]

    def sign_in_citizen(self, citizen):
        self._sign_in("citizen", citizen.token)
        self.expect_path("/citizen")

    def sign_in_officer(self, role):
        self._sign_in("officer", self.officer(role)["token"])
        self.expect_path("/officer")

    def _sign_in(self, audience, token):
        """Signs in as a visitor does: the sign-in page's button, then the development identity provider's page,
        where the person the minted ``token`` names is typed in (its claims, as the provider's "type one in" field
        takes them), then back through the callback."""
        self.open("/%s/sign-in" % audience)
        self.expect_path("/%s/sign-in" % audience)
        self.click("#sign-in")
        self.expect_path("/dev-idp/authorize")
        self.authorize_at_development_provider(identity_claims(token))

    def authorize_at_development_provider(self, claims):
        """On the development provider's authorize page: puts ``claims`` (a JSON text) in its ``claims`` field and
        submits that form; waits until the browser has left the provider."""
        self.driver.execute_script("window.civicsealOldPage = true;")
        self.driver.execute_script(
            "var field = document.querySelector('[name=claims]');"
            "field.value = arguments[0];"
            "var form = field.form;"
            "var button = form.querySelector('button[type=submit]:not([name=preset]), input[type=submit]');"
            "if (form.requestSubmit) { form.requestSubmit(button || undefined); } else { form.submit(); }",
            claims)
        WebDriverWait(self.driver, WAIT_SECONDS).until(
            lambda d: d.execute_script("return window.civicsealOldPage !== true && document.readyState === 'complete'")
            and not self.path().startswith("/dev-idp/"))
        self.settle()

    def sign_out(self):
        """The header's sign-out: here, then at the provider (its end-session page), then home."""
        self.click("#sign-out")
        WebDriverWait(self.driver, WAIT_SECONDS).until(
            lambda d: self.path() == "/" and d.execute_script("return document.readyState") == "complete")
        self.settle()

    # The JSON API

    def api(self, token, method, path, body=None, headers=None):
        data = None
        all_headers = {"Accept": "application/json"}
        if token:
            all_headers["Authorization"] = "Bearer " + token
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                status, payload, kind = response.status, response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            status, payload, kind = error.code, error.read(), error.headers.get("Content-Type", "")
        if "json" in kind:
            return status, json.loads(payload.decode("utf-8"))
        return status, payload

    def submit_request(self, citizen, body):
        status, answer = self.api(citizen.token, "POST", "/v1/requests", body,
                                  {"Idempotency-Key": "k" + os.urandom(12).hex()})
        self.expect(status == 201, "the API accepts the prepared request: %s %s" % (status, answer))
        return answer["id"]

    def claim(self, role, request_id):
        status, answer = self.api(self.officer(role)["token"], "POST", "/v1/requests/%s/claim" % request_id, {})
        self.expect(status == 200, "the officer claims the request: %s %s" % (status, answer))
        return answer

    def decide(self, role, request_id, body):
        return self.api(self.officer(role)["token"], "POST", "/v1/requests/%s/decision" % request_id, body)

    def wait_for_state(self, token, request_id, state):
        """Polls the request until it reaches ``state`` (issuance may finish after the decision's answer)."""
        deadline = time.monotonic() + WAIT_SECONDS * 2
        answer = None
        while time.monotonic() < deadline:
            status, answer = self.api(token, "GET", "/v1/requests/%s" % request_id)
            if status == 200 and answer.get("request", {}).get("status") == state:
                return answer
            time.sleep(0.2)  # polling a condition, bounded by the deadline above
        raise FindingFailure("request never reached %s: last answer %s" % (state, str(answer)[:600]))

    def document_pdf(self, citizen, request_id):
        status, payload = self.api(citizen.token, "GET", "/v1/requests/%s/document" % request_id,
                                   headers={"Accept": "application/pdf"})
        self.expect(status == 200 and isinstance(payload, bytes) and payload.startswith(b"%PDF-"),
                    "the citizen gets the sealed PDF (status %s)" % status)
        return payload

    def pdftotext(self, pdf):
        tool = shutil.which("pdftotext")
        if not tool:
            raise FindingFailure("pdftotext (poppler-utils) is not installed")
        with tempfile.NamedTemporaryFile(suffix=".pdf", dir=self.context.downloads, delete=False) as handle:
            handle.write(pdf)
            name = handle.name
        try:
            output = subprocess.run([tool, "-enc", "UTF-8", name, "-"], capture_output=True, timeout=120, check=True)
            return output.stdout.decode("utf-8")
        finally:
            os.unlink(name)

    # Submission bodies to start from

    def criminal_record_body(self, citizen, form=1, purpose="Xin việc", residence=None, **changes):
        history = residence if residence is not None else [
            {"from": _age14(citizen.birth_date), "address": "Số 5 phố Huế, Hai Bà Trưng, Hà Nội",
             "provinceCode": "001", "occupation": "Nhân viên văn phòng"}]
        body = {
            "request": {"kind": "criminal-record", "form": form, "purpose": purpose},
            "relation": "self",
            "particulars": {
                "otherNames": [], "birthPlace": "Hà Nội", "ethnicity": "Kinh", "nationality": "VN",
                "permanentResidence": {"line": "Số 5 phố Huế, Hai Bà Trưng", "provinceCode": "001"},
                "currentResidence": {"line": "Số 5 phố Huế, Hai Bà Trưng", "provinceCode": "001"},
                "fatherName": "Nguyễn Văn Bình", "motherName": "Trần Thị Cúc",
            },
            "residenceHistory": history,
            "contact": {"phone": "0912345678"},
            "copies": 1,
            "delivery": {"method": "electronic"},
        }
        _merge(body, changes)
        return body

    def health_certificate_body(self, certificate_type, purpose="Khám sức khỏe", **changes):
        body = {
            "request": {"kind": "health-certificate", "certificateType": certificate_type, "purpose": purpose},
            "relation": "self",
            "particulars": {
                "currentResidence": {"line": "Số 5 phố Huế, Hai Bà Trưng", "provinceCode": "001"},
            },
            "contact": {"phone": "0912345678"},
            "copies": 1,
            "delivery": {"method": "electronic"},
        }
        if certificate_type == "driving-licence":
            body["request"]["licenceClass"] = "B"  # a driver's certificate names its class (refused without one)
        _merge(body, changes)
        return body


def _age14(birth_date):
    year, month, day = birth_date.split("-")
    return "%04d-%s-%s" % (int(year) + 14, month, day)


def _merge(target, changes):
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value


def run_file(namespace):
    """The runner of a findings file: ``run_file(globals())`` at its end."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--context", required=True)
    parser.add_argument("--only", default="")
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    arguments = parser.parse_args()
    context = Context(arguments.context)
    area = os.path.splitext(os.path.basename(namespace.get("__file__", "findings")))[0]
    only = {item for item in arguments.only.split(",") if item}
    languages = [item for item in arguments.languages.split(",") if item]
    driver = start_driver(context.downloads)
    failures = 0
    try:
        for identifier, title, function in _FINDINGS:
            if only and identifier not in only:
                continue
            for lang in languages:
                driver.delete_all_cookies()
                driver.set_window_size(*DESKTOP)
                driver.get_log("browser")  # drop what the previous finding left
                session = Session(context, driver, identifier, lang, area)
                try:
                    session.choose_language()
                    function(session)
                    print("FINDING %s %s ok" % (identifier, lang), flush=True)
                except Exception as error:  # every failure is reported, then the next finding runs
                    failures += 1
                    detail = str(error) if isinstance(error, FindingFailure) else traceback.format_exc()
                    detail = detail if len(detail) <= 3000 else detail[:3000] + " …"
                    print("FINDING %s %s FAILED: %s — %s" % (identifier, lang, title, detail), flush=True)
                    try:
                        session.shot("failure")
                    except Exception:
                        pass
    finally:
        with open(os.path.join(context.artefacts, "axe-%s.json" % area), "w", encoding="utf-8") as handle:
            json.dump(context.axe_report, handle, ensure_ascii=False, indent=1)
        driver.quit()
    print("FINDINGS DONE: %d failed" % failures, flush=True)
    sys.exit(1 if failures else 0)
