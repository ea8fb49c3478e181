"""Small helpers for reading rendered pages in tests."""


def main_of(html: str) -> str:
    """The page's own content: what is inside <main>, without the shell (top bar, org tabs,
    footer) that every page shares."""
    start = html.index("<main")
    return html[start : html.index("</main>", start)]
