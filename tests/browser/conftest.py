"""The real local stack with the sample article and corpus articles posted, and headless Chromium to read it.

Chromium and its driver are Debian's (`apt-get install chromium chromium-driver fonts-dejavu-core`, as
`.ci/run` does); Selenium is pointed at them, so it downloads nothing.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from devstack.corpus import load_articles
from devstack.pipeline import RunningPipeline, running_pipeline
from devstack.workspace import SEED_ARTICLE

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CORPUS_ARTICLES = 45  # more than two pages of results
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP = (1280, 900)
PHONE = (390, 844)


@dataclass
class Stack:
    pipeline: RunningPipeline
    seed_id: str
    corpus_ids: list[str]

    @property
    def url(self) -> str:
        return self.pipeline.query_url


@pytest.fixture(scope="package")
def stack(mongodb_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_pipeline(mongodb_url, tmp_path_factory.mktemp("logs")) as pipeline:
        corpus = [article.payload for article in load_articles(CORPUS_ARTICLES)]
        with pipeline.http() as client:
            seed = client.post(
                f"{pipeline.ingest_url}/v1/articles",
                content=SEED_ARTICLE.read_bytes(),
                headers={"Content-Type": "text/plain"},
            )
            assert seed.status_code == 202, seed.text
            batch = client.post(f"{pipeline.ingest_url}/v1/articles:batch", json=corpus)
            assert batch.status_code == 202, batch.text
        corpus_ids = [item["id"] for item in batch.json()["accepted"]]
        seed_id = seed.json()["id"]
        for article_id in [seed_id, *corpus_ids]:
            pipeline.wait_for(article_id, timeout_s=300)
        yield Stack(pipeline, seed_id, corpus_ids)


@pytest.fixture(scope="package")
def browser() -> Iterator[webdriver.Chrome]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail("the browser tests need Debian's chromium and chromium-driver (.ci/run installs them)")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(argument)
    options.add_argument(f"--window-size={DESKTOP[0]},{DESKTOP[1]}")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    driver.implicitly_wait(5)
    try:
        yield driver
    finally:
        driver.quit()


def screenshot(driver: webdriver.Chrome, name: str) -> None:
    """The page at desktop and at phone width, into docs/screenshots/ (shown in the README)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for size, (width, height) in (("desktop", DESKTOP), ("phone", PHONE)):
        driver.set_window_size(width, height)
        driver.save_screenshot(str(SCREENSHOTS / f"{name}-{size}.png"))
    driver.set_window_size(*DESKTOP)
