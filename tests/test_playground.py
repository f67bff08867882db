"""The playground page in a real headless browser: the system Chromium driven by Playwright.

Skips (with the reason) when Playwright or a Chromium binary is missing. Saves the screenshot
used in the docs to docs/playground.png."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="needs the server extra: pip install -e '.[server]'")
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="needs playwright (pip install -e '.[test]')")

from tests.conftest import CALM  # noqa: E402
from voicecheck.server import create_app  # noqa: E402
from voicecheck.server.payload import Limits  # noqa: E402
from voicecheck.server.run import background  # noqa: E402

_CALM = Limits(**CALM)  # no shedding in a test about the page (tests/conftest.py)

CHROMIUM = next((p for p in (os.environ.get("VOICECHECK_CHROMIUM"), "/usr/bin/chromium",
                             shutil.which("chromium"), shutil.which("chromium-browser"))
                 if p and Path(p).is_file()), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (Debian: "
                                "apt-get install chromium); set VOICECHECK_CHROMIUM to a binary")
SCREENSHOT = Path(__file__).resolve().parents[1] / "docs" / "playground.png"

DRAFT = ("Hi Sam, we apologize for any inconvenience. As per our policy, refunds take 5-7 "
         "business days. Thanks for your patience!")
CUSTOMER = "My order is two weeks late and nobody answers my emails!!"


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


def _open(browser, url: str):
    context = browser.new_context(viewport={"width": 1180, "height": 760})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.goto(url + "/")
    return page


@pytest.fixture(scope="module")
def page(browser):
    with background(create_app(limits=_CALM)) as url:
        page = _open(browser, url)
        page.wait_for_selector("#guide option[value='default']", state="attached")
        yield page
        page.context.close()


def _type_draft(page, text: str) -> None:
    page.fill("#draft", "")
    page.fill("#draft", text)


def test_underline_hover_apply(page):
    page.fill("#customer", CUSTOMER)
    _type_draft(page, DRAFT)
    page.wait_for_selector("#mirror mark")
    assert page.locator("#findings .finding").count() >= 1
    assert page.locator("#scores .bar").count() == 8

    # hover the underlined words (the textarea is on top; the page finds the mark below)
    target = page.locator("#mirror mark", has_text="apologize")
    box = target.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tip = page.wait_for_selector("#tip:not([hidden])")
    assert "VC110" in tip.inner_text()
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))

    before = page.input_value("#draft")
    card = page.locator("#tip .finding", has_text="VC110")
    button = card.locator("button.apply").first
    replacement = button.inner_text()
    button.click()
    after = page.input_value("#draft")
    assert after != before and replacement in after
    assert "apologize for any inconvenience" not in after
    # and it checks again: the stock-apology finding is gone from the new report
    page.wait_for_function("() => document.getElementById('status').textContent !== "
                           "'checking…' && ![...document.querySelectorAll('#findings .head')]"
                           ".some(e => e.textContent.includes('VC110'))")
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


def test_persian_renders_right_to_left(page):
    _type_draft(page, "از هرگونه ناراحتی پوزش می‌طلبیم. طبق قوانین شرکت باید صبر کنید.")
    page.wait_for_selector("#mirror mark")
    assert page.eval_on_selector("#draft", "e => getComputedStyle(e).direction") == "rtl"
    assert page.get_attribute("#mirror", "dir") == "rtl"
    # the first words sit at the right edge, as in the textarea above them
    editor = page.locator("#editor").bounding_box()
    first = page.locator("#mirror mark").first.bounding_box()
    assert first["x"] + first["width"] > editor["x"] + editor["width"] * 0.6
    assert "fa" in page.inner_text("#verdict")


def test_reply_markup_is_shown_as_text(page):
    page.evaluate("() => { window.__pwned = 0; }")
    payload = '<img src=x onerror="window.__pwned=1"><b>Hi</b> kindly do the needful ASAP!!!'
    _type_draft(page, payload)
    page.wait_for_selector("#mirror mark")
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__pwned") == 0
    assert page.locator("img").count() == 0 and page.locator("main b").count() == 0
    assert "<img" in page.inner_text("#mirror")


def test_token_asked_for_when_the_api_wants_one(browser):
    token = "playground-token-1234567890"
    with background(create_app(token=token, limits=_CALM)) as url:
        page = _open(browser, url)
        page.wait_for_selector("#token-label:not([hidden])")
        assert "E255" in page.inner_text("#status")
        page.fill("#token", token)
        page.dispatch_event("#token", "change")
        page.wait_for_selector("#guide option[value='formal']", state="attached")
        _type_draft(page, DRAFT)
        page.wait_for_selector("#mirror mark")
        page.context.close()
