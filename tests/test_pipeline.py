"""analyze(): every table of DESIGN.md, from files or a DataFrame, and what save() writes."""

from __future__ import annotations

import pandas as pd
import pytest

import spin
from spin.errors import InputError, NoUsableVersion
from spin.pipeline import TABLE_ORDER


def test_analyze_a_dataframe_and_save_everything(tmp_path):
    articles = pd.DataFrame({
        "article_id": ["leeds-en", "leeds-fr", "leeds-de"],
        "text": [
            "Leeds orders 40 electric buses\n\nThe city of Leeds said on Monday that 40 electric buses will arrive in May. "
            "The order is worth 18 million pounds, the council said.",
            "Leeds commande 40 bus électriques\n\nLa ville de Leeds a déclaré lundi que 40 bus électriques arriveront en mai. "
            "La commande s'élève à 18 millions de livres, selon le conseil.",
            "Leeds bestellt 40 Elektrobusse\n\nDie Stadt Leeds teilte am Montag mit, dass im Mai 40 Elektrobusse eintreffen. "
            "Der Auftrag ist 18 Millionen Pfund wert, sagte der Stadtrat.",
        ],
    })
    analysis = spin.analyze(articles)
    assert list(analysis.tables) == list(TABLE_ORDER)
    assert dict(zip(analysis["articles"]["article_id"], analysis["articles"]["language"])) == {
        "leeds-en": "en", "leeds-fr": "fr", "leeds-de": "de"}
    assert analysis.reference == "consensus" and analysis.run["reference_reason"]["rule"].startswith("no source given")
    assert set(analysis["stemma"]["child"]) == {"leeds-en", "leeds-fr", "leeds-de"}
    out = analysis.save(tmp_path / "out")
    written = {p.name for p in out.iterdir()}
    assert {f"{name}.csv" for name in TABLE_ORDER} <= written
    assert {"run.json", "consensus.txt", "stemma.graphml", "stemma.dot", "report.html", "figures"} <= written
    assert (out / "consensus.txt").read_text(encoding="utf-8").strip()


def test_source_is_the_reference_when_given():
    articles = pd.DataFrame({"article_id": ["a", "b"], "text": [
        "The port of Rotterdam handled 12 million containers in 2023, the port authority said.",
        "The port of Rotterdam handled 21 million containers in 2023, the port authority said.",
    ]})
    analysis = spin.analyze(articles, source="a")
    assert analysis.reference == "a"
    number = analysis["mutations"].query("article_id == 'b' and reference == 'a' and kind == 'number'")
    assert list(number["detail"]) == ["12 million → 21 million"]


def test_dataframe_without_text_is_refused():
    with pytest.raises(InputError, match="lacks columns: text"):
        spin.analyze(pd.DataFrame({"article_id": ["a"]}))


def test_only_unsupported_languages_is_no_usable_version():
    articles = pd.DataFrame({"article_id": ["es"], "text": [
        "El ayuntamiento aprobó el martes un presupuesto de 85 millones de euros para escuelas y hospitales."]})
    with pytest.raises(NoUsableVersion, match="language es is not supported"):
        spin.analyze(articles)
