"""The HTML report: structure, highlighting, escaping of hostile text, no external reference, rendering."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import html5lib
import numpy as np
import pandas as pd
import pytest

from spin import figures, report
from tests.test_figures import SOURCE, FakeAnalysis, synthetic_tables

HTML_NS = "{http://www.w3.org/1999/xhtml}"
SVG_NS = "{http://www.w3.org/2000/svg}"
CHROMIUM = Path("/usr/bin/chromium")
HOSTILE = {
    "script": "<script>alert(1)</script>",
    "onerror": '<img src=x onerror="alert(2)">',
    "svg": '<svg onload="alert(3)"><script>alert(4)</script></svg>',
    "url": "javascript:alert(5)",
    "quote": '"><iframe src="https://evil.example/">',
}


def _parse(document: str):
    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=True)
    tree = parser.parse(document)
    return tree, parser.errors


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(tree) -> str:
    return "".join(tree.itertext())


@pytest.fixture(scope="module")
def synthetic_report() -> str:
    return report.render_report(FakeAnalysis(synthetic_tables()))


def _hostile_tables() -> dict[str, pd.DataFrame]:
    tables = synthetic_tables()
    text = f"Headline {HOSTILE['script']}\n\nBody {HOSTILE['onerror']} and {HOSTILE['svg']} end.\n"
    hostile = {"article_id": "evil", "file": 'evil".txt', "title": HOSTILE["script"], "outlet": HOSTILE["svg"],
               "url": HOSTILE["url"], "published": HOSTILE["quote"], "language": "en", "role": "repost",
               "text": text, "raw_text": text, "sha256": "0" * 64}
    tables["articles"] = pd.concat([tables["articles"], pd.DataFrame([hostile])], ignore_index=True)
    start = text.index("<img")
    tables["editorial"] = pd.concat([tables["editorial"], pd.DataFrame([{
        "article_id": "evil", "sent_id": 0, "score": 0.9, "attributed": False,
        "cues": [{"start": start, "end": start + 4, "text": "<img", "kind": HOSTILE["onerror"]}]}])], ignore_index=True)
    tables["sentences"] = pd.concat([tables["sentences"], pd.DataFrame([{
        "article_id": "evil", "sent_id": 0, "start": 0, "end": len(text) - 1, "text": text.strip(), "kind": "body",
        "language": "en"}])], ignore_index=True)
    tables["stemma"] = pd.concat([tables["stemma"], pd.DataFrame([{
        "parent": "src", "child": "evil", "relation": HOSTILE["script"], "confidence": 0.3, "evidence": HOSTILE["onerror"]}])],
        ignore_index=True)
    tables["errors"] = pd.DataFrame([{"file": HOSTILE["svg"], "article_id": "x", "problem": HOSTILE["script"]}])
    return tables


@pytest.fixture(scope="module")
def hostile_report() -> str:
    return report.render_report(FakeAnalysis(_hostile_tables(), reference="evil"))


def test_document_structure(synthetic_report):
    tree, errors = _parse(synthetic_report)
    assert errors == []
    head = tree.find(f"{HTML_NS}head")
    metas = head.findall(f"{HTML_NS}meta")
    assert metas[0].get("charset") == "utf-8"
    policy = [m.get("content") for m in metas if m.get("http-equiv") == "Content-Security-Policy"]
    assert policy == ["default-src 'none'; style-src 'unsafe-inline'; img-src data:"]
    assert [_local(child.tag) for child in head].index("style") > 1  # the policy comes before the style
    assert head.find(f"{HTML_NS}title").text == "spin report: Council approves tram line"
    overview = tree.find(f".//{HTML_NS}table[@class='overview']")
    assert [th.text for th in overview.iter(f"{HTML_NS}th")] == [
        "Version", "Language", "Role", "Readability", "Editorialising", "Translation quality", "Parent in the tree",
        "Credits source", "Claims"]
    rows = overview.find(f"{HTML_NS}tbody").findall(f"{HTML_NS}tr")
    cells = [[_text(td) for td in row] for row in rows]
    assert [row[0].split("Council")[0].split("Shocking")[0].split("Stadtrat")[0] for row in cells] == ["src (en)", "blog (en)", "de (de)"]
    assert cells[2][3:8] == ["40.2Flesch–Amstad", "0.05", "71/100from en", "src (en)translation, 0.90", "yeslaut dem Bericht von src news"]
    assert cells[1][5] == "not a translation" and cells[1][8] == "1 / 2 / 0 / 0"
    sections = tree.findall(f".//{HTML_NS}section[@class='version']")
    assert [s.get("id") for s in sections] == ["v1", "v2", "v3"]
    assert len(tree.findall(f".//{SVG_NS}svg")) == len(report.REPORT_FIGURES)


def test_each_version_shows_its_own_words_with_the_evidence(synthetic_report):
    tree, _ = _parse(synthetic_report)
    blog = tree.find(f".//{HTML_NS}section[@id='v2']")
    text_block = blog.find(f".//{HTML_NS}div[@class='article-text']")
    assert _text(text_block) == synthetic_tables()["articles"]["text"][1]
    marks = {(mark.get("class"), _text(mark)) for mark in text_block.iter(f"{HTML_NS}mark")}
    assert {("cue", "Shocking"), ("cue", "disastrous"), ("altered", "£150 million"), ("added", "disastrous")} <= marks
    altered = next(m for m in text_block.iter(f"{HTML_NS}mark") if m.get("class") == "altered")
    assert "reference: £120 million" in altered.get("title")
    dropped = blog.find(f".//{HTML_NS}ul[@class='dropped']")
    assert "the mayor said" in _text(dropped) and "The council approved a tram line on Tuesday" in _text(dropped)
    quotes = blog.find(f".//{HTML_NS}ol[@class='quotes']")
    assert [_text(item) for item in quotes] == ["0.85 Shocking: council rams through tram scheme",
                                                "0.85 The council rammed through a disastrous tram line on Tuesday."]
    side = blog.find(f".//{HTML_NS}table[@class='side']")
    assert len(side.find(f"{HTML_NS}tbody")) == 4
    german = tree.find(f".//{HTML_NS}section[@id='v3']")
    side_rows = german.find(f".//{HTML_NS}table[@class='side']").find(f"{HTML_NS}tbody")
    assert _text(side_rows[-1]).startswith("Critics say the route ignores poor districts.(dropped: no counterpart")
    assert "omission" in _text(german.find(f".//{HTML_NS}table[@class='errors']"))
    assert german.find(f".//{HTML_NS}ol[@class='quotes']") is None  # nothing reaches the editorial threshold
    source = tree.find(f".//{HTML_NS}section[@id='v1']")
    later = [(m.get("title"), _text(m)) for m in source.iter(f"{HTML_NS}mark") if m.get("class") == "later"]
    assert later == [("in de (de): altered name; reference: the mayor; same person, translated", "the mayor"),
                     ("in blog (en): altered number; reference: £120 million; 120000000 GBP -> 150000000 GBP", "£120 million")]


def test_hostile_text_stays_inert_and_visible(hostile_report):
    tree, errors = _parse(hostile_report)
    assert errors == []
    for element in tree.iter():
        assert _local(element.tag) not in {"script", "iframe", "img", "object", "embed", "foreignObject", "base", "link"}
        for name, value in element.attrib.items():
            assert not _local(name).lower().startswith("on"), (element.tag, name)
            assert not value.strip().lower().startswith("javascript:"), (element.tag, name)
    visible = _text(tree)
    for value in HOSTILE.values():
        assert value in visible
    assert tree.find(f".//{HTML_NS}title").text == f"spin report: {HOSTILE['script']}"
    assert "<script" not in hostile_report and "<img" not in hostile_report and "<iframe" not in hostile_report


def test_no_external_reference(hostile_report):
    tree, _ = _parse(hostile_report)
    for element in tree.iter():
        for name, value in element.attrib.items():
            if _local(name) in {"src", "href", "action", "srcset", "poster", "data", "background"}:
                assert value.startswith("#") or value.startswith("data:image/"), (element.tag, name, value)
            assert "http://" not in value and "https://" not in value or _local(name) in {"title", "aria-label"}
    styles = "".join(_text(style) for style in tree.iter(f"{HTML_NS}style"))
    assert "@import" not in styles and "url(" not in styles
    svg_styles = [e.get("style", "") + e.get("clip-path", "") for e in tree.iter() if str(e.tag).startswith(SVG_NS)]
    assert all("url(" not in value or "url(#" in value for value in svg_styles)


def test_svg_ids_are_unique_and_references_resolve(synthetic_report):
    tree, _ = _parse(synthetic_report)
    ids = [e.get("id") for e in tree.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    known = set(ids)
    for element in tree.iter():
        for name, value in element.attrib.items():
            if _local(name) == "href" and value.startswith("#"):
                assert value[1:] in known, value
            if "url(#" in value:
                assert value.split("url(#", 1)[1].split(")", 1)[0] in known


@pytest.mark.parametrize(("text", "spans", "expected"), [
    ("a<b>c", [], "a&lt;b&gt;c"),
    ("one two", [report.Span(0, 3, "cue", 'x"y')], '<mark class="cue" title="x&quot;y">one</mark> two'),
    # overlapping spans are split at each boundary and nested in a fixed order
    ("abcdef", [report.Span(0, 4, "ed1"), report.Span(2, 6, "cue")],
     '<mark class="ed1" title="">ab</mark><mark class="ed1" title=""><mark class="cue" title="">cd</mark></mark>'
     '<mark class="cue" title="">ef</mark>'),
    # a span inside another nests without splitting the outer one more than needed
    ("abcdef", [report.Span(1, 3, "cue"), report.Span(0, 6, "ed2")],
     '<mark class="ed2" title="">a</mark><mark class="ed2" title=""><mark class="cue" title="">bc</mark></mark>'
     '<mark class="ed2" title="">def</mark>'),
    # out of range and unreadable offsets never break the text
    ("abc", [report.Span(-5, 2, "cue"), report.Span(2, 99, "error"), report.Span(None, 2, "x"),
             report.Span(float("nan"), 1, "x"), report.Span("two", 3, "x"), report.Span(3, 1, "added")],
     '<mark class="cue" title="">ab</mark><mark class="error" title="">c</mark><mark class="added gap" title="">&#8248;</mark>'),
    ("", [report.Span(0, 4, "cue")], ""),
    ("Straße 🚋", [report.Span(7, 8, "error", "<b>")], 'Straße <mark class="error" title="&lt;b&gt;">🚋</mark>'),
    ("x", [report.Span(np.int64(0), pd.NA, "cue")], '<mark class="cue gap" title="">&#8248;</mark>x'),
])
def test_highlight(text, spans, expected):
    assert report.highlight(text, spans) == expected


def test_cue_offsets_relative_to_the_sentence_are_found_in_the_article():
    tables = synthetic_tables()
    editorial = tables["editorial"].copy()
    sentence_start = int(tables["sentences"].query("article_id == 'blog' and sent_id == 1")["start"].iloc[0])
    shifted = []
    for article_id, sent_id, cues in zip(editorial["article_id"], editorial["sent_id"], editorial["cues"]):
        offset = sentence_start if (article_id, sent_id) == ("blog", 1) else 0
        shifted.append([{**cue, "start": cue["start"] - offset, "end": cue["end"] - offset} for cue in cues])
    tables["editorial"] = editorial.assign(cues=shifted)
    spans = [s for s in report.version_spans(FakeAnalysis(tables), "blog") if s.kind == "cue"]
    text = tables["articles"]["text"][1]
    assert sorted(text[s.start:s.end] for s in spans) == ["Shocking", "disastrous", "rammed through", "rams through"]


def test_inline_svg_is_rebuilt_from_an_allow_list():
    hostile_svg = (
        '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="100pt" height="50pt" viewBox="0 0 100 50" onload="alert(1)">'
        '<script>alert(2)</script><style>*{}</style><foreignObject><div>x</div></foreignObject>'
        '<defs><clipPath id="p1"><rect x="0" y="0" width="1" height="1"/></clipPath></defs>'
        '<g id="g1" clip-path="url(#p1)" onclick="alert(3)" style="fill: url(https://evil.example/x)">'
        '<text x="1" y="2">&lt;script&gt;alert(4)&lt;/script&gt;</text>'
        '<use xlink:href="#g1"/><use xlink:href="https://evil.example/#x"/><image xlink:href="javascript:alert(5)"/>'
        '<image xlink:href="data:image/png;base64,AAAA"/></g></svg>'
    )
    markup = report.inline_svg(hostile_svg, "f-", 'a "label"')
    tree, errors = _parse(f"<!DOCTYPE html><html><head><title>t</title></head><body>{markup}</body></html>")
    assert errors == []
    svg = tree.find(f".//{SVG_NS}svg")
    tags = [_local(e.tag) for e in svg.iter()]
    assert "script" not in tags and "style" not in tags and "foreignObject" not in tags and "div" not in tags
    group = svg.find(f".//{SVG_NS}g")
    assert group.get("id") == "f-g1" and group.get("clip-path") == "url(#f-p1)"
    assert group.get("onclick") is None and group.get("style") is None
    assert svg.find(f".//{SVG_NS}text").text == "<script>alert(4)</script>"
    links = [e.get("{http://www.w3.org/1999/xlink}href") for e in svg.iter() if _local(e.tag) in {"use", "image"}]
    assert links == ["#f-g1", None, None, "data:image/png;base64,AAAA"]
    assert svg.get("onload") is None and svg.get("width") is None and svg.get("aria-label") == 'a "label"'


def test_matplotlib_text_in_figures_is_escaped():
    tables = _hostile_tables()
    svg = figures.svg_text(figures.derivation_tree(FakeAnalysis(tables)), "tree")
    assert "<script>" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt;" in svg


def test_side_by_side_table():
    table = report.side_by_side(FakeAnalysis(synthetic_tables()), "de")
    assert list(table.columns) == ["link_id", "ref_sents", "reference_text", "sent_ids", "version_text", "score", "method"]
    assert table["ref_sents"].tolist() == [[0], [1], [2], [3]]
    assert table["sent_ids"].tolist() == [[0], [1], [2], []]
    assert table["version_text"].iloc[-1] == "" and table["reference_text"].iloc[-1] == SOURCE.strip().split(". ")[-1]


def test_report_with_only_articles_says_what_is_missing(tmp_path):
    tables = {"articles": synthetic_tables()["articles"]}
    path = report.write_report(FakeAnalysis(tables, reference=None), tmp_path / "sub" / "report.html")
    document = path.read_text(encoding="utf-8")
    tree, errors = _parse(document)
    assert errors == []
    visible = _text(tree)
    assert "No readability scores for this family." in visible and "No translation in this family." in visible
    assert "3 versions in de, en" in visible and "Council approves tram line" in visible


def test_report_of_an_empty_analysis_renders():
    tree, errors = _parse(report.render_report({}))
    assert errors == [] and "0 versions" in _text(tree)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed (apt-get install chromium) so the "
                    "report is not rendered; the parser tests above still check it")
def test_chromium_renders_a_page_that_is_not_blank(tmp_path):
    from matplotlib.image import imread

    page = report.write_report(FakeAnalysis(synthetic_tables()), tmp_path / "report.html")
    shot = tmp_path / "shot.png"
    subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
         "--hide-scrollbars", "--window-size=1000,1400", f"--screenshot={shot}", page.as_uri()],
        capture_output=True, timeout=120, check=False,
    )
    assert shot.is_file(), "Chromium wrote no screenshot"
    pixels = imread(shot)[..., :3]
    ink = (pixels < 0.6).any(axis=-1).mean()
    colour = (np.ptp(pixels, axis=-1) > 0.2).mean()
    assert ink > 0.01 and colour > 0.002, (ink, colour)
    shutil.rmtree(tmp_path / "profile", ignore_errors=True)
