from __future__ import annotations

from pathlib import Path

from claimgraph.ingest import IngestError, read_inputs
from claimgraph.ingest.html import read_html
from claimgraph.records import Document, content_id


def test_article_page_text_and_metadata(fixtures_dir: Path) -> None:
    path = fixtures_dir / "article.html"
    [doc] = read_inputs([path])
    assert isinstance(doc, Document), doc
    assert doc.title == "Pentagon rejects Russian claims on Syria"
    assert doc.published == "2017-10-07"
    assert doc.url == "https://news.example.org/2017/10/07/pentagon-syria"
    assert doc.outlet == "Example News"  # the site name wins over the dateline's outlet
    assert doc.origin == str(path)
    assert doc.offset == 0
    assert doc.doc_id == content_id(doc.text)
    assert "Any claims to the contrary are ridiculous,” the spokesperson said." in doc.text
    # navigation, sidebars and footers are not part of the article
    for boilerplate in ("Home", "Most read", "All rights reserved"):
        assert boilerplate not in doc.text
    assert doc.meta["format"] == "html"
    assert doc.meta["author"] == "Jane Doe"
    # the dateline opens the line after the headline
    assert doc.dateline is not None
    assert doc.dateline.text == "WASHINGTON (Sputnik) –"
    assert doc.text[doc.dateline.start : doc.dateline.end] == "WASHINGTON (Sputnik) –"
    assert doc.dateline.outlet == "Sputnik"


def test_page_without_article_is_an_error(fixtures_dir: Path) -> None:
    path = fixtures_dir / "empty-page.html"
    assert list(read_inputs([path])) == [
        IngestError(str(path), "no article text found in the HTML (only 'Home')")
    ]
    bare = b"<html><head><title></title></head><body></body></html>"
    assert read_html(bare, "a.html") == IngestError(
        "a.html", "no article text found in the HTML (trafilatura found none)"
    )


def test_empty_and_binary_html() -> None:
    assert read_html(b"", "a.html") == IngestError("a.html", "empty file")
    assert read_html(b"<html>\x00\x01\x02</html>", "a.html") == IngestError(
        "a.html", "binary file (NUL byte at byte 6); expected HTML"
    )


def test_declared_legacy_charset_is_honoured() -> None:
    body = "<p>Le ministre a déclaré que les négociations reprendraient à Genève lundi.</p>" * 5
    page = (
        '<html><head><meta charset="iso-8859-1"><title>Négociations</title></head>'
        f"<body><article>{body}</article></body></html>"
    ).encode("iso-8859-1")
    doc = read_html(page, "fr.html")
    assert isinstance(doc, Document), doc
    assert "Le ministre a déclaré que les négociations reprendraient à Genève lundi." in doc.text
