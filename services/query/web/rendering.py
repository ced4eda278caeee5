"""Pages rendered from the Jinja2 templates, with the headers every page carries.

The Content-Security-Policy allows scripts, styles and images from this site only: no inline script or
style anywhere (htmx is configured by a meta tag not to add its indicator styles, and to evaluate nothing).
"""

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from shared.http.auth import AccessPolicy
from shared.http.headers import SafeHeaders

TEMPLATES = Path(__file__).parent / "templates"
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "same-origin",
    **dict(SafeHeaders.HEADERS),
}
# The labels in the order the legend lists them.
LABEL_NAMES = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "country, city or state",
    "LOC": "place",
    "NORP": "nationality or group",
    "FAC": "building or facility",
    "EVENT": "event",
    "PRODUCT": "product",
    "WORK_OF_ART": "work of art",
    "LAW": "law",
    "LANGUAGE": "language",
}


def _day(moment: datetime | date | None) -> str:
    if moment is None:
        return ""
    return moment.date().isoformat() if isinstance(moment, datetime) else moment.isoformat()


def _moment(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html", "svg"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.filters["day"] = _day
environment.filters["moment"] = _moment
environment.globals["LABEL_NAMES"] = LABEL_NAMES


def page(request: Request, template: str, context: dict[str, Any], *, status: int = 200) -> HTMLResponse:
    """The rendered template with the page headers; `no-store` unless reads are public (a key read it)."""
    policy: AccessPolicy = request.app.state.access
    html = environment.get_template(template).render(
        {"signed_in": not policy.public_reads, "path": request.url.path, **context}
    )
    headers = PAGE_HEADERS | {"Cache-Control": "no-store" if not policy.public_reads else "no-cache"}
    return HTMLResponse(html, status_code=status, headers=headers)
