"""Loading a family: folders, manifests, files, HTML, encodings, and every kind of bad input."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from spin.corpus import ARTICLE_COLUMNS, load_family, read_family
from spin.errors import InputError
from tests.conftest import EN_ARTICLE, FR_ARTICLE, SEEDS

HTML_PAGE = """<!doctype html><html lang="de"><head>
<title>Hochwasser in Passau: Pegel steigt weiter | Donaubote</title>
<meta property="og:title" content="Hochwasser in Passau: Pegel steigt weiter">
<meta property="article:published_time" content="2024-06-03T08:00:00+02:00">
<link rel="canonical" href="https://donaubote.example/passau-hochwasser">
</head><body>
<nav><a href="/">Startseite</a> | <a href="/region">Region</a></nav>
<article><h1>Hochwasser in Passau: Pegel steigt weiter</h1>
<p>Der Pegel der Donau in Passau ist am Montag auf 9,80 Meter gestiegen, teilte die Stadt mit.
Die Feuerwehr hat mehr als 300 Sandsäcke verteilt und mehrere Straßen in der Altstadt gesperrt.</p>
<p>Nach Angaben des Hochwassernachrichtendienstes könnte der Höchststand am Dienstagabend erreicht werden.
Anwohner sollen Keller räumen und Fahrzeuge aus gefährdeten Bereichen bringen.</p>
</article><footer>© Donaubote 2024 · Impressum · Datenschutz</footer></body></html>"""


def write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def test_seed_family_loads_with_manifest_metadata():
    family = read_family(SEEDS)
    assert list(family.articles.columns) == list(ARTICLE_COLUMNS)
    assert len(family.articles) == 5 and family.errors.empty
    assert set(family.articles["role"]) == {"repost"}
    first = family.articles.iloc[0]
    assert first["sha256"] == hashlib.sha256((SEEDS / first["file"].split("/")[-1]).read_bytes()).hexdigest()


def test_folder_without_manifest_uses_file_stems(small_family):
    articles = load_family(small_family)
    assert list(articles["article_id"]) == ["de", "en", "fr"]
    assert articles.set_index("article_id").loc["fr", "format"] == "markdown"
    assert articles.set_index("article_id").loc["en", "text"] == EN_ARTICLE


def test_list_of_files_and_missing_file(small_family):
    family = read_family([small_family / "en.txt", small_family / "nope.txt"])
    assert list(family.articles["article_id"]) == ["en"]
    assert family.errors.iloc[0]["problem"] == "no such file"


def test_html_keeps_title_date_and_url(tmp_path):
    write(tmp_path, "passau.html", HTML_PAGE)
    article = load_family(tmp_path).iloc[0]
    assert article["title"].startswith("Hochwasser in Passau")
    assert article["published"].startswith("2024-06-03")
    assert article["url"] == "https://donaubote.example/passau-hochwasser"
    assert "9,80 Meter" in article["text"] and "Impressum" not in article["text"]
    assert article["format"] == "html"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (FR_ARTICLE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + FR_ARTICLE.encode("utf-8"), "utf-8"),
        (FR_ARTICLE.encode("utf-16"), "utf-16"),
        (FR_ARTICLE.encode("utf-16-le"), "utf_16_le"),
        (FR_ARTICLE.encode("cp1252"), None),
        (FR_ARTICLE.encode("latin-1"), None),
    ],
)
def test_encodings_are_detected_and_recorded(tmp_path, data, encoding):
    write(tmp_path, "a.txt", data)
    article = load_family(tmp_path).iloc[0]
    assert article["text"] == FR_ARTICLE
    if encoding:
        assert article["encoding"] == encoding
    else:
        assert article["encoding"] in {"cp1252", "latin_1", "iso8859_15"}


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("empty.txt", b"", "is empty"),
        ("blank.txt", b"  \n\t \n", "contains only whitespace"),
        ("nul.txt", b"Some text\x00\x00\x00 with NUL bytes " * 20, "binary"),
        ("image.txt", bytes(range(256)) * 40, "binary"),
        ("photo.jpg", b"\xff\xd8\xff\xe0 JFIF", "unsupported file type '.jpg'"),
        ("noext", b"plain words", "unsupported file type '(none)'"),
        ("bad16.txt", b"\xff\xfe" + b"\x00\xd8" * 3, "not valid utf-16"),
        ("empty.html", b"<html><head><script>track()</script></head><body></body></html>", "HTML page has no article text"),
    ],
)
def test_bad_files_are_reported_by_name_and_the_rest_is_read(tmp_path, name, data, problem):
    write(tmp_path, "good.txt", EN_ARTICLE)
    write(tmp_path, name, data)
    family = read_family(tmp_path)
    assert list(family.articles["article_id"]) == ["good"]
    assert len(family.errors) == 1
    error = family.errors.iloc[0]
    assert error["file"].endswith(name) and problem in error["problem"]


def test_size_limit(tmp_path):
    write(tmp_path, "big.txt", "word " * 400)
    write(tmp_path, "small.txt", EN_ARTICLE)
    family = read_family(tmp_path, max_file_bytes=1_000)
    assert list(family.articles["article_id"]) == ["small"]
    assert "over the limit of 1,000" in family.errors.iloc[0]["problem"]


def test_article_count_limit(small_family):
    family = read_family(small_family, max_articles=2)
    assert len(family.articles) == 2
    assert "more than 2 versions" in family.errors.iloc[0]["problem"]


def test_manifest_rows_pointing_nowhere_or_outside(tmp_path):
    folder = tmp_path / "family"
    folder.mkdir()
    write(tmp_path, "secret.txt", EN_ARTICLE)
    write(folder, "a.txt", EN_ARTICLE)
    write(folder, "family.csv",
          "article_id,file,language,role,title,outlet,url,published\n"
          "a,a.txt,en,source,Tram,Post,,2024-01-02\n"
          "b,missing.txt,,,,,,\n"
          "c,../secret.txt,,,,,,\n"
          "d,/etc/passwd,,,,,,\n"
          "e,a.txt,,editor,,,,\n"
          "f,,,,,,,\n")
    family = read_family(folder)
    assert list(family.articles["article_id"]) == ["a"]
    article = family.articles.iloc[0]
    assert (article["role"], article["title"], article["outlet"], article["published"]) == ("source", "Tram", "Post", "2024-01-02")
    problems = dict(zip(family.errors["article_id"], family.errors["problem"]))
    assert "does not exist" in problems["b"]
    assert "outside the family folder" in problems["c"] and "outside the family folder" in problems["d"]
    assert "role 'editor'" in problems["e"] and "no file" in problems["f"]
    assert all(":" in where for where in family.errors["file"])


def test_duplicate_article_ids_in_manifest(tmp_path):
    write(tmp_path, "a.txt", EN_ARTICLE)
    write(tmp_path, "b.txt", FR_ARTICLE)
    write(tmp_path, "family.csv", "article_id,file\nx,a.txt\nx,b.txt\n")
    family = read_family(tmp_path)
    assert len(family.articles) == 1 and "duplicate article_id 'x'" in family.errors.iloc[0]["problem"]


def test_manifest_with_unknown_columns_is_refused(tmp_path):
    write(tmp_path, "a.txt", EN_ARTICLE)
    write(tmp_path, "family.csv", "file,colour\na.txt,blue\n")
    with pytest.raises(InputError, match="unknown columns: colour"):
        read_family(tmp_path)


def test_missing_path_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file or folder"):
        read_family(tmp_path / "absent")


def test_inputs_are_never_modified(small_family):
    before = {p.name: p.read_bytes() for p in small_family.iterdir()}
    read_family(small_family)
    assert {p.name: p.read_bytes() for p in small_family.iterdir()} == before
