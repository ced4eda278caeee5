"""The reader's pure parts: marked text runs, the search in the URL, where sign-in may lead, the chart."""

from datetime import date
from ipaddress import ip_network

from starlette.datastructures import QueryParams
from starlette.requests import Request

from services.query.schemas import Timeline, TimelineBucket
from services.query.web.annotated import Mark, mentions, runs
from services.query.web.chart import bar_chart
from services.query.web.search import Search
from services.query.web.session import local_path, over_tls


def flat(text: str, marks: list[Mark], sentences: list[tuple[int, int]]) -> list[tuple[bool, str, str | None]]:
    return [(run.summary, piece.text, piece.entity) for run in runs(text, marks, sentences) for piece in run.pieces]


def test_a_mark_stays_whole_where_a_summary_sentence_begins_inside_it() -> None:
    text = "Qin Gang spoke. Kuleba listened."
    marks = [Mark(0, 8, "person:qin-gang", "PERSON"), Mark(16, 22, "person:kuleba", "PERSON")]
    pieces = flat(text, marks, [(4, 15)])
    assert "".join(piece for _, piece, _ in pieces) == text
    assert (False, "Qin Gang", "person:qin-gang") in pieces  # starts outside the sentence: not cut by it
    assert (True, " spoke.", None) in pieces
    assert (False, "Kuleba", "person:kuleba") in pieces


def test_overlapping_mentions_keep_the_first_and_longest() -> None:
    document = {
        "body": "New York City",
        "entities": [
            {"id": "gpe:new-york", "label": "GPE", "mentions": [{"field": "body", "start": 0, "end": 8}]},
            {"id": "gpe:new-york-city", "label": "GPE", "mentions": [{"field": "body", "start": 0, "end": 13}]},
            {"id": "gpe:york", "label": "GPE", "mentions": [{"field": "body", "start": 4, "end": 8}]},
            {"id": "gpe:bad", "label": "GPE", "mentions": [{"field": "body", "start": 5, "end": 99}]},
        ],
    }
    assert mentions(document, "body") == [Mark(0, 13, "gpe:new-york-city", "GPE")]


def test_the_search_reads_blank_form_fields_as_no_filter_and_builds_its_links() -> None:
    search = Search.of(QueryParams("q=talks&source=&language=en&entity=gpe:china&entity=&cursor="))
    assert search.values == {"q": "talks", "language": "en"} and search.entities == ("gpe:china",)
    assert search.url() == "/?q=talks&language=en&entity=gpe%3Achina"
    assert search.without("language") == "/?q=talks&entity=gpe%3Achina"
    assert search.without("entity", "gpe:china") == "/?q=talks&language=en"
    assert search.with_value("entity", "gpe:spain").endswith("entity=gpe%3Achina&entity=gpe%3Aspain")
    assert search.url(cursor="abc").endswith("&cursor=abc")
    assert Search.of(QueryParams("")).url() == "/"


def test_signing_in_leads_only_to_a_path_of_this_site() -> None:
    assert local_path("/entities/gpe:china?interval=day") == "/entities/gpe:china?interval=day"
    for target in (None, "", "https://evil.example/", "//evil.example", "/\\evil.example", "evil", "/" + "a" * 3000):
        assert local_path(target) == "/"


def _request(client: str, proto: str | None, scheme: str = "http") -> Request:
    headers = [(b"x-forwarded-proto", proto.encode())] if proto else []
    scope = {
        "type": "http",
        "scheme": scheme,
        "client": (client, 1234),
        "headers": headers,
        "path": "/",
        "server": ("q", 80),
    }
    return Request(scope)


def test_forwarded_https_is_believed_from_the_proxy_alone() -> None:
    proxy = (ip_network("10.0.0.0/8"),)
    assert over_tls(_request("10.1.2.3", "https"), proxy)
    assert not over_tls(_request("192.0.2.1", "https"), proxy)
    assert not over_tls(_request("10.1.2.3", "https"), ())
    assert not over_tls(_request("10.1.2.3", "http"), proxy)
    assert over_tls(_request("192.0.2.1", None, scheme="https"), ())


def test_the_chart_scales_bars_to_the_busiest_bucket_and_describes_them() -> None:
    timeline = Timeline(
        entity="gpe:china",
        interval="week",
        items=[TimelineBucket(start=date(2026, 11, day), articles=n) for day, n in ((2, 1), (9, 0), (16, 4))],
    )
    chart = bar_chart(timeline)
    heights = [bar.height for bar in chart.bars]
    assert heights[1] == 0 and heights[2] == max(heights) and heights[0] == heights[2] / 4
    assert all(bar.y + bar.height == chart.baseline for bar in chart.bars)
    assert chart.description("week") == (
        "5 articles over 3 weeks from 2026-11-02 to 2026-11-16; the most, 4, in the week of 2026-11-16."
    )
