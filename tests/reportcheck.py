"""Structural checks of a written report folder (HTML parses, images decode, links resolve)."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser
from pathlib import Path

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
VOID = {"meta", "img", "br", "hr", "link", "input"}


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.images: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs.get("src", ""))
        for key in ("src", "href"):
            value = attrs.get(key) or ""
            if value.startswith(("http:", "https:", "//")):
                self.errors.append(f"external reference {value[:60]}")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unbalanced </{tag}> (open: {self.stack[-3:]})")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def check_html(path: Path) -> tuple[str, int]:
    """Parse report HTML; return (visible text, number of images). Asserts structure."""
    checker = _Checker()
    checker.feed(path.read_text(encoding="utf-8"))
    checker.close()
    assert not checker.errors, checker.errors[:3]
    assert not checker.stack, f"unclosed tags {checker.stack}"
    assert "script" not in checker.tags and "link" not in checker.tags
    for src in checker.images:
        assert src.startswith("data:image/png;base64,"), src[:40]
        assert base64.b64decode(src.split(",", 1)[1], validate=True).startswith(PNG_MAGIC)
    return " ".join(checker.text), len(checker.images)


def check_markdown(path: Path) -> list[Path]:
    """Every image a Markdown file references exists beside it; returns the files."""
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", path.read_text(encoding="utf-8"))
    files = [path.parent / link for link in links]
    missing = [str(f) for f in files if not f.is_file()]
    assert not missing, missing
    return files
