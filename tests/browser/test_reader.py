"""The web reader in headless Chromium against the real stack: sign in, search, read, explore, page, sign out."""

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.wait import WebDriverWait

from devstack.keys import READ_KEY
from tests.browser.conftest import Stack, screenshot

pytestmark = [pytest.mark.integration, pytest.mark.e2e, pytest.mark.browser]
WAIT_S = 20


def sign_in(browser: WebDriver, stack: Stack, key: str) -> None:
    """Fill in the key page (the one a page redirected to, else a fresh one)."""
    if urlsplit(browser.current_url).path != "/key":
        browser.get(f"{stack.url}/key")
    field = browser.find_element(By.ID, "key")
    field.clear()
    field.send_keys(key)
    follow(browser, browser.find_element(By.CSS_SELECTOR, "form.key button[type=submit]"))


def follow(browser: WebDriver, element: WebElement) -> None:
    """Click a link or a form's button and wait until the page it leads to has loaded."""
    # A click does not wait for the page it leads to: mark the window, click, then wait for a loaded page
    # without the mark. Waiting for an element of the old page to go stale raced Chromium: mid-navigation it
    # can answer that the node belongs to no document, an error selenium's staleness_of does not expect.
    browser.execute_script("window.newsflowPageBefore = true")
    element.click()
    WebDriverWait(browser, WAIT_S, ignored_exceptions=(WebDriverException,)).until(next_page_loaded)


def next_page_loaded(driver: WebDriver) -> bool:
    """Whether the window holds a fully loaded page other than the marked one."""
    script = "return document.readyState === 'complete' && window.newsflowPageBefore === undefined"
    return bool(driver.execute_script(script))


def sign_out(browser: WebDriver) -> None:
    follow(browser, browser.find_element(By.CSS_SELECTOR, "form.sign-out button"))
    assert urlsplit(browser.current_url).path == "/key"


def result_links(browser: WebDriver) -> list[str]:
    return [
        link.get_attribute("href") or "" for link in browser.find_elements(By.CSS_SELECTOR, "#results .result h2 a")
    ]


def stored(stack: Stack, article_id: str) -> dict[str, Any]:
    response = httpx.get(f"{stack.url}/v1/articles/{article_id}", headers={"X-API-Key": READ_KEY}, timeout=30)
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


def test_without_a_key_every_page_leads_to_the_key_page(browser: WebDriver, stack: Stack) -> None:
    browser.delete_all_cookies()
    for path in ("/", "/overview", f"/articles/{stack.seed_id}", "/entities/gpe:china"):
        browser.get(f"{stack.url}{path}")
        location = urlsplit(browser.current_url)
        assert location.path == "/key", path
        assert parse_qs(location.query).get("next", ["/"]) == [path]
    assert browser.find_element(By.CSS_SELECTOR, "label[for=key]").text == "Read key"
    screenshot(browser, "key")


def test_a_wrong_key_is_refused_with_a_message(browser: WebDriver, stack: Stack) -> None:
    browser.delete_all_cookies()
    sign_in(browser, stack, "not-a-key-of-this-service")
    alert = browser.find_element(By.CSS_SELECTOR, "[role=alert]")
    assert "not valid" in alert.text
    assert "Traceback" not in browser.page_source
    assert urlsplit(browser.current_url).path == "/key"
    browser.get(f"{stack.url}/")
    assert urlsplit(browser.current_url).path == "/key"  # still signed out


def test_sign_in_then_search_and_narrow_by_a_facet(browser: WebDriver, stack: Stack) -> None:
    browser.delete_all_cookies()
    browser.get(f"{stack.url}/overview")
    sign_in(browser, stack, READ_KEY)
    assert urlsplit(browser.current_url).path == "/overview"  # back to the page asked for
    totals = browser.find_element(By.CSS_SELECTOR, "dl.totals dd").text.replace(",", "")
    assert int(totals) == 1 + len(stack.corpus_ids)
    screenshot(browser, "overview")

    browser.get(f"{stack.url}/")
    words = browser.find_element(By.ID, "q")
    words.send_keys("Kuleba")
    follow(browser, browser.find_element(By.CSS_SELECTOR, "form.search button[type=submit]"))
    assert "q=Kuleba" in browser.current_url
    assert f"{stack.url}/articles/{stack.seed_id}" in result_links(browser)

    browser.get(f"{stack.url}/")
    note = browser.find_element(By.CSS_SELECTOR, ".facets .note").text
    assert "Counted over" in note
    source = browser.find_element(By.XPATH, "//section[@aria-labelledby='facet-source']//a[text()='Wikinews']")
    follow(browser, source)
    assert "source=Wikinews" in browser.current_url
    sources = {element.text for element in browser.find_elements(By.CSS_SELECTOR, "#results .source")}
    assert sources == {"Wikinews"}
    assert f"{stack.url}/articles/{stack.seed_id}" not in result_links(browser)
    chip = browser.find_element(By.CSS_SELECTOR, ".active a.removable")
    assert chip.get_attribute("aria-label") == "Remove source: Wikinews"
    screenshot(browser, "search")
    follow(browser, chip)
    assert "source=" not in browser.current_url


def test_the_sample_article_marks_every_must_entity_at_its_offsets(
    browser: WebDriver, stack: Stack, seed_expected: dict[str, Any]
) -> None:
    document = stored(stack, stack.seed_id)
    browser.get(f"{stack.url}/articles/{stack.seed_id}")
    assert browser.find_element(By.CSS_SELECTOR, "h1.article-title").text == document["title"]
    marks = browser.find_elements(By.CSS_SELECTOR, ".article-body mark, h1.article-title mark")
    marked = {}
    for mark in marks:
        field, start = mark.get_attribute("data-field"), int(mark.get_attribute("data-start") or -1)
        marked[field, start] = (mark.get_attribute("data-entity"), mark.text)
    by_name = {(entity["name"], entity["label"]): entity for entity in document["entities"]}
    for must in seed_expected["entities"]["must"]:
        entity = by_name[must["name"], must["label"]]
        for mention in entity["mentions"]:
            assert (mention["field"], mention["start"]) in marked, f"{must['name']} at {mention['start']} unmarked"
            linked_to, text = marked[mention["field"], mention["start"]]
            assert text == document[mention["field"]][mention["start"] : mention["end"]] == mention["text"]
            assert linked_to == (entity.get("corpus_id") or entity["id"])
    summary = browser.find_elements(By.CSS_SELECTOR, ".article-body .in-summary")
    assert summary and document["summary"]["text"].startswith(summary[0].text.strip()[:40])
    legend = [item.text for item in browser.find_elements(By.CSS_SELECTOR, ".legend mark")]
    assert {"person", "country, city or state"} <= set(legend)
    provenance = browser.find_element(By.CSS_SELECTOR, "dl.facts").text
    assert document["pipeline"]["model"] in provenance and document["pipeline"]["worker"] in provenance
    screenshot(browser, "article")

    follow(browser, browser.find_element(By.LINK_TEXT, "JSON"))  # the API, with the key from the cookie
    assert "/v1/articles/" in browser.current_url
    assert f'"id":"{stack.seed_id}"' in browser.find_element(By.TAG_NAME, "body").text.replace(" ", "")


def test_an_entity_mark_leads_to_its_page_and_its_chart(browser: WebDriver, stack: Stack) -> None:
    browser.get(f"{stack.url}/articles/{stack.seed_id}")
    follow(browser, browser.find_element(By.XPATH, "//div[@class='article-body']//mark/a[text()='Qin Gang']"))
    assert "/entities/" in browser.current_url
    assert browser.find_element(By.TAG_NAME, "h1").text == "Qin Gang"
    chart = browser.find_element(By.CSS_SELECTOR, "svg.timeline[role=img]")
    assert "Qin Gang" in (chart.find_element(By.TAG_NAME, "title").get_attribute("textContent") or "")
    assert "articles over" in (chart.find_element(By.TAG_NAME, "desc").get_attribute("textContent") or "")
    heights = [float(bar.get_attribute("height") or 0) for bar in chart.find_elements(By.CSS_SELECTOR, "rect.bar")]
    assert heights and max(heights) > 0
    rows = browser.find_elements(By.CSS_SELECTOR, ".chart table tbody tr")
    assert len(rows) == len(heights)  # the table says what the chart shows
    recent = [link.get_attribute("href") for link in browser.find_elements(By.CSS_SELECTOR, ".results h2 a")]
    assert f"{stack.url}/articles/{stack.seed_id}" in recent
    related = browser.find_elements(By.CSS_SELECTOR, "section[aria-labelledby=related-count] tbody th a")
    assert "China" in {link.text for link in related}
    follow(browser, browser.find_element(By.LINK_TEXT, "China"))  # an entity of many articles, for the screenshot
    assert "/entities/gpe:" in browser.current_url
    assert browser.find_element(By.TAG_NAME, "h1").text == "China"
    screenshot(browser, "entity")


def test_paging_through_results_with_and_without_javascript(browser: WebDriver, stack: Stack) -> None:
    browser.get(f"{stack.url}/")
    first = result_links(browser)
    assert len(first) == 20
    more = browser.find_element(By.CSS_SELECTOR, "#more a")
    next_page = more.get_attribute("href") or ""
    more.click()  # htmx appends the next page in place
    WebDriverWait(browser, WAIT_S).until(lambda driver: len(result_links(driver)) > len(first))
    appended = result_links(browser)
    assert appended[: len(first)] == first
    assert len(set(appended)) == len(appended)

    browser.get(next_page)  # what a browser without JavaScript does: the next page, on its own
    second = result_links(browser)
    assert second and not set(second) & set(first)
    assert second == appended[len(first) : len(first) + len(second)]
    seen = set(first) | set(second)
    while (links := browser.find_elements(By.CSS_SELECTOR, "#more a")) and len(seen) < 1 + len(stack.corpus_ids):
        browser.get(links[0].get_attribute("href") or "")
        page = result_links(browser)
        assert not set(page) & seen
        seen |= set(page)
    assert len(seen) == 1 + len(stack.corpus_ids)


def test_sign_out_forgets_the_key(browser: WebDriver, stack: Stack) -> None:
    browser.get(f"{stack.url}/overview")
    assert urlsplit(browser.current_url).path == "/overview"
    sign_out(browser)
    assert browser.get_cookie("newsflow_key") is None
    browser.get(f"{stack.url}/overview")
    assert urlsplit(browser.current_url).path == "/key"
    browser.get(f"{stack.url}/v1/stats")
    assert "missing API key" in browser.find_element(By.TAG_NAME, "body").text
