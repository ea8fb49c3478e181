"""Reading the served HTML the way a browser would: which radios are checked, what the note
boxes hold, which stylesheets and scripts a page loads. Standard library only, so the tests read
exactly the bytes the app server sent."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

HASHED_STATIC = re.compile(r"^/static/(?P<stem>.+)\.(?P<hash>[0-9a-f]{12})\.(?P<ext>css|js)$")


@dataclass
class DomainPage:
    """The answer form of one questionnaire domain page."""

    options: dict[str, list[str]] = field(default_factory=dict)  # question pk -> radio values
    checked: dict[str, str] = field(default_factory=dict)  # question pk -> checked value
    notes: dict[str, str] = field(default_factory=dict)  # question pk -> note text
    stylesheets: list[str] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.page = DomainPage()
        self._note_for: str | None = None

    def handle_starttag(self, tag, attrs):
        attr = dict(attrs)
        name = attr.get("name") or ""
        if tag == "input" and attr.get("type") == "radio" and name.startswith("q-"):
            question = name[2:]
            self.page.options.setdefault(question, []).append(attr["value"])
            if "checked" in attr:
                self.page.checked[question] = attr["value"]
        elif tag == "textarea" and name.startswith("note-"):
            self._note_for = name[5:]
            self.page.notes[self._note_for] = ""
        elif tag == "link" and "stylesheet" in (attr.get("rel") or "").split():
            self.page.stylesheets.append(attr["href"])
        elif tag == "script" and attr.get("src"):
            self.page.scripts.append(attr["src"])

    def handle_data(self, data):
        if self._note_for is not None:
            self.page.notes[self._note_for] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._note_for = None


def domain_page_read(html: str) -> DomainPage:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.page


def unhashed_name(url: str) -> str | None:
    """`/static/css/app.3f2a….css` -> `/static/css/app.css`; None when the URL carries no hash."""
    match = HASHED_STATIC.match(url)
    if match is None:
        return None
    return f"/static/{match['stem']}.{match['ext']}"
