"""Synthetic news crawls with planted story families, for benchmarks/scale.py.

Every article is made of real sentences from ``../shared/data`` (WMT21/WMT23 news, MLQE-PE,
DEMETR, BABE, CheckThat!, Bleualign). A *story* is a list of sentence units; a unit carries the
English sentence and, where the data has one, its human (or post-edited) German or French
translation. Each story re-instantiates its numbers and names (every digit run, and every
capitalised word inside a sentence — in a unit with translations, those found in each of them —
is replaced, consistently across the unit's languages, by values drawn for that story) so that
two unrelated stories built from the same pool sentence mostly do not share their facts, as two
real stories would not.

A family is a story's original plus members derived from it (or from an earlier member):

- ``copy``: verbatim, with an outlet's boilerplate line added or not;
- ``rewrite``: the mutation generator's document perturbation (``benchmarks/mutation_generator.py``:
  a quarter of the sentences dropped, new ones added, two moved, claims altered), then a third
  of the words that have a synonym replaced;
- ``spun``: 35 % of the words replaced, synonyms first (an article spinner; names and numbers
  kept; ``benchmarks/data/en_synonyms.txt``);
- ``truncation``: the first 25–60 % of the sentences;
- ``de`` / ``fr``: the German or French sides of the units (a tenth of them dropped).

The remaining articles are unrelated stories in English, German and French. Ground truth is one
row per article: article_id, story (empty for unrelated), kind, parent, language.
"""

from __future__ import annotations

import csv
import json
import random
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from mutation_generator import DATA, demetr_parallel, perturb_document, wmt21_segments

MEMBER_KINDS = ("copy", "rewrite", "spun", "truncation", "de", "fr")
SPIN_SHARE = 0.35  # share of a spun copy's words that the spinner replaces
_MEMBER_WEIGHTS = {"copy": 0.24, "rewrite": 0.24, "spun": 0.16, "truncation": 0.14, "de": 0.14, "fr": 0.08}
_FAMILY_SIZES = (2, 3, 4, 5, 6, 8, 12)
_FAMILY_SIZE_WEIGHTS = (0.30, 0.22, 0.16, 0.12, 0.09, 0.07, 0.04)
_BOILERPLATE = (
    "Share this article on social media.",
    "Read more news on our website.",
    "Sign up for our daily newsletter.",
    "This story was first published by a partner outlet.",
    "Follow us for breaking news.",
)
SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "en_synonyms.txt"


@lru_cache(maxsize=1)
def _synonyms() -> dict[str, list[str]]:
    """Hand-written English synonyms (``benchmarks/data/en_synonyms.txt``) for rewrites and spinning."""
    table = {}
    for line in SYNONYMS_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            word, _, synonyms = line.partition("\t")
            table[word] = synonyms.split("|")
    return table


@dataclass(frozen=True)
class Unit:
    """One sentence of a story, in English and, where the data has it, in German and French."""

    en: str
    de: str | None = None
    fr: str | None = None


@dataclass(frozen=True)
class Pools:
    """Real sentences by language, and sentence pairs with a human translation."""

    english: tuple[Unit, ...]
    with_german: tuple[Unit, ...]
    with_french: tuple[Unit, ...]
    german: tuple[str, ...]
    french: tuple[str, ...]
    vocabulary: tuple[str, ...]  # lower-case English words of the pools, for the spinner


def _tsv(path: Path, **kwargs) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", quoting=csv.QUOTE_NONE, dtype=str, keep_default_na=False, **kwargs)


def _clean(sentence: str) -> str:
    return " ".join(sentence.split())


def _unquote(field: str) -> str:
    """A CSV-quoted field as its text ("...""x""..." -> ...\"x\"...)."""
    field = _clean(field)
    if len(field) > 1 and field[0] == field[-1] == '"':
        field = field[1:-1].replace('""', '"')
    return field


def _usable(sentence: str) -> bool:
    return 4 <= len(sentence.split()) <= 60


@lru_cache(maxsize=1)
def load_pools() -> Pools:
    """Read every sentence pool from the shared data folder (the mutation generator's ``DATA``)."""
    root = DATA
    with_german, with_french, german, french, english = [], [], [], [], []

    for row in wmt21_segments():
        if row["system"] in ("ref-A", "ref-C", "ref-D"):
            with_german.append(Unit(_clean(row["source"]), de=_clean(row["target"])))
    wmt23 = _tsv(root / "wmt-mqm-ende" / "generalMT2023_ende_news_sxs_mqm.segscores.tsv")
    wmt23 = wmt23[wmt23["system"] == "refA"].drop_duplicates("globalSegId")
    with_german += [Unit(_unquote(s), de=_unquote(t)) for s, t in zip(wmt23["source"], wmt23["target"])]
    for name in ("dev", "test20"):
        mlqe = _tsv(root / "mlqe-pe-ende" / "da" / f"{name}.ende.df.short.tsv")
        with_german += [Unit(_clean(s), de=_clean(t)) for s, t in zip(mlqe["original"], mlqe["translation"])]
    test21 = root / "mlqe-pe-ende" / "test21"
    sources = (test21 / "test21.src").read_text(encoding="utf-8").splitlines()
    targets = (test21 / "test21.mt").read_text(encoding="utf-8").splitlines()
    with_german += [Unit(_clean(s), de=_clean(t)) for s, t in zip(sources, targets)]

    for item in demetr_parallel():
        if item["language"] == "de":
            with_german.append(Unit(_clean(item["eng"]), de=_clean(item["src"])))
        else:
            with_french.append(Unit(_clean(item["eng"]), fr=_clean(item["src"])))

    babe = pd.read_csv(root / "babe" / "final_labels_SG2.csv", sep=";", encoding="utf-8-sig", dtype=str,
                       keep_default_na=False)
    english += [Unit(_clean(s)) for s in babe["text"]]
    for language, sink in (("english", english), ("german", german)):
        for path in sorted((root / "checkthat_subjectivity" / language).glob("*.tsv")):
            sentences = _tsv(path)["sentence"]
            sink += [Unit(_clean(s)) if sink is english else _clean(s) for s in sentences]
    for path in sorted((root / "bleualign-defr").glob("*.de")):
        german += [_clean(s) for s in path.read_text(encoding="utf-8").splitlines()]
    for path in sorted((root / "bleualign-defr").glob("*.fr")):
        french += [_clean(s) for s in path.read_text(encoding="utf-8").splitlines()]
    german += [unit.de for unit in with_german]
    french += [unit.fr for unit in with_french]

    def keep_units(units):
        return tuple(dict.fromkeys(u for u in units if _usable(u.en) and all(
            _usable(side) for side in (u.de, u.fr) if side is not None)))

    english_units = keep_units(english)
    words = sorted({w for unit in english_units for w in _WORD.findall(unit.en) if w.islower() and len(w) > 3})
    return Pools(
        english=english_units,
        with_german=keep_units(with_german),
        with_french=keep_units(with_french),
        german=tuple(dict.fromkeys(s for s in german if _usable(s))),
        french=tuple(dict.fromkeys(s for s in french if _usable(s))),
        vocabulary=tuple(words),
    )


# ---------------------------------------------------------------- re-instantiating facts

_PIECE = re.compile(r"\d+|(?<![\w.])[A-Z][a-zà-ÿ]{2,}(?:-[A-Z][a-zà-ÿ]+)?(?!\w)")
_ONSETS = ("b", "br", "c", "d", "dr", "f", "g", "gr", "h", "k", "l", "m", "n", "p", "r", "s", "st", "t", "tr",
           "v", "w", "z")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ei", "ou")
_CODAS = ("", "", "n", "r", "l", "s", "m", "nd", "rt", "st")


def _pseudo_name(rng: random.Random) -> str:
    syllables = rng.randint(2, 3)
    name = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables))
    return name.capitalize()


def _new_number(run: str, rng: random.Random) -> str:
    if len(run) == 4 and run[:2] in ("19", "20"):
        return str(rng.randint(1950, 2030))
    if len(run) == 1:
        return str(rng.randint(0, 9))
    return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(len(run) - 1))


@dataclass
class _Facts:
    """A story's own numbers and names, drawn once and applied to every unit and language."""

    rng: random.Random
    numbers: dict
    names: dict

    def number(self, run: str) -> str:
        if run not in self.numbers:
            self.numbers[run] = _new_number(run, self.rng)
        return self.numbers[run]

    def name(self, word: str) -> str:
        if word not in self.names:
            self.names[word] = _pseudo_name(self.rng)
        return self.names[word]


@lru_cache(maxsize=None)
def _template(unit: Unit) -> tuple:
    """Each side of the unit cut into literal text, digit runs and names (names shared by all sides)."""
    names = {m.group(0) for m in _PIECE.finditer(unit.en) if m.start() > 0 and not m.group(0)[0].isdigit()}
    for side in (unit.de, unit.fr):
        if side is not None:
            names &= {m.group(0) for m in _PIECE.finditer(side)}

    def pieces(text: str | None):
        if text is None:
            return None
        out, position = [], 0
        for match in _PIECE.finditer(text):
            value = match.group(0)
            kind = "number" if value[0].isdigit() else "name" if value in names else None
            if kind:
                out.append(("text", text[position:match.start()]))
                out.append((kind, value))
                position = match.end()
        out.append(("text", text[position:]))
        return tuple(out)

    return pieces(unit.en), pieces(unit.de), pieces(unit.fr)


def _reinstantiate(unit: Unit, facts: _Facts) -> Unit:
    def fill(pieces) -> str | None:
        if pieces is None:
            return None
        return "".join(
            value if kind == "text" else facts.number(value) if kind == "number" else facts.name(value)
            for kind, value in pieces
        )

    return Unit(*(fill(pieces) for pieces in _template(unit)))


# ---------------------------------------------------------------- stories and mutations


def paragraphs(sentences: list[str], rng: random.Random) -> str:
    """Sentences grouped into paragraphs of 2–4 after a lead sentence, separated by blank lines."""
    if not sentences:
        return ""
    paragraphs, current = [sentences[0]], []
    for sentence in sentences[1:]:
        current.append(sentence)
        if len(current) >= rng.randint(2, 4):
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


def _words_target(rng: random.Random, mean_words: int) -> int:
    return int(max(150, rng.gauss(mean_words, mean_words * 0.2)))


def _draw_units(pool: tuple, rng: random.Random, words: int, language: str = "en") -> list:
    chosen, total = [], 0
    while total < words:
        item = rng.choice(pool)
        chosen.append(item)
        total += len((getattr(item, language) if isinstance(item, Unit) else item).split())
    return chosen


def _story(pools: Pools, kind: str, rng: random.Random, mean_words: int) -> list[Unit]:
    words = _words_target(rng, mean_words)
    if kind == "de":
        units = _draw_units(pools.with_german, rng, words)
    elif kind == "fr":
        french = _draw_units(pools.with_french, rng, words // 3)
        units = french + _draw_units(pools.with_german, rng, words - sum(len(u.en.split()) for u in french))
        rng.shuffle(units)
    else:
        mixed = pools.english + pools.with_german
        units = _draw_units(mixed, rng, words)
    facts = _Facts(rng, {}, {})
    return [_reinstantiate(unit, facts) for unit in units]


def _synonym(word: str, rng: random.Random) -> str:
    options = _synonyms().get(word.lower())
    if not options:
        return word
    choice = rng.choice(options)
    return choice.capitalize() if word[0].isupper() else choice


_WORD = re.compile(r"[A-Za-z]+")


def _replace_synonyms(sentence: str, share: float, rng: random.Random) -> str:
    def swap(match: re.Match) -> str:
        word = match.group(0)
        if word.lower() in _synonyms() and rng.random() < share:
            return _synonym(word, rng)
        return word

    return _WORD.sub(swap, sentence)


def _copy(sentences: list[str], rng: random.Random) -> list[str]:
    if rng.random() < 0.5:
        return list(sentences)
    line = rng.choice(_BOILERPLATE)
    return [line] + list(sentences) if rng.random() < 0.3 else list(sentences) + [line]


def _rewrite(sentences: list[str], pools: Pools, rng: random.Random) -> list[str]:
    """The mutation generator's document perturbation (sentences dropped, added, moved; numbers,
    dates, names, quotes, hedges or speakers altered), then a third of the synonym-listed words
    replaced."""
    facts = _Facts(rng, {}, {})
    n = len(sentences)
    fillers = [_reinstantiate(rng.choice(pools.english), facts).en for _ in range(max(1, round(n * 0.15)))]
    case = perturb_document(list(sentences), fillers, rng, n_drop=round(n * 0.25), n_add=len(fillers),
                            n_move=2, n_changes=max(3, n // 6))
    return [_replace_synonyms(sentence, 0.33, rng) for sentence in case.version] or sentences[:1]


def _spin(sentences: list[str], vocabulary: tuple[str, ...], rng: random.Random) -> list[str]:
    """An article spinner: every word with a listed synonym is replaced, then other lower-case words
    of four letters or more (never names or numbers) until ``SPIN_SHARE`` of the words are new.
    What is put in does not matter to shingles or anchors, only how much and where, so words
    past the synonym list are replaced by other pool words."""
    words = [w for sentence in sentences for w in _WORD.findall(sentence)]
    listed = sum(w.lower() in _synonyms() for w in words)
    eligible = sum(w.lower() not in _synonyms() and w.islower() and len(w) > 3 for w in words)
    extra = max(0.0, SPIN_SHARE * len(words) - listed) / max(eligible, 1)

    def swap(match: re.Match) -> str:
        word = match.group(0)
        if word.lower() in _synonyms():
            return _synonym(word, rng)
        if word.islower() and len(word) > 3 and rng.random() < extra:
            return rng.choice(vocabulary)
        return word

    return [_WORD.sub(swap, sentence) for sentence in sentences]


def _truncate(sentences: list[str], rng: random.Random) -> list[str]:
    keep = max(3, int(round(len(sentences) * rng.uniform(0.25, 0.6))))
    return list(sentences[:keep])


def _translation(units: list[Unit], language: str, rng: random.Random) -> list[str]:
    sides = [getattr(unit, language) for unit in units if getattr(unit, language) is not None]
    return [side for side in sides if rng.random() >= 0.1] or sides[:1]


def _member_kinds(story_kind: str, size: int, rng: random.Random) -> list[str]:
    allowed = [k for k in MEMBER_KINDS
               if (k != "de" or story_kind in ("de", "fr")) and (k != "fr" or story_kind == "fr")]
    kinds = rng.choices(allowed, weights=[_MEMBER_WEIGHTS[k] for k in allowed], k=size - 1)
    if story_kind in ("de", "fr") and story_kind not in kinds:
        kinds[0] = story_kind
    return kinds


@dataclass(frozen=True)
class Article:
    """One generated article and its ground truth."""

    article_id: str
    text: str
    language: str
    story: str
    kind: str
    parent: str


def _family(story_id: str, pools: Pools, rng: random.Random, mean_words: int) -> list[Article]:
    size = rng.choices(_FAMILY_SIZES, weights=_FAMILY_SIZE_WEIGHTS)[0]
    story_kind = rng.choices(["en", "de", "fr"], weights=[0.6, 0.28, 0.12])[0]
    units = _story(pools, story_kind, rng, mean_words)
    original = [unit.en for unit in units]
    members = [Article(f"{story_id}-0", paragraphs(original, rng), "en", story_id, "original", "")]
    english_versions = {members[0].article_id: original}
    for number, kind in enumerate(_member_kinds(story_kind, size, rng), start=1):
        article_id = f"{story_id}-{number}"
        if kind in ("de", "fr"):
            parent, sentences, language = members[0].article_id, _translation(units, kind, rng), kind
        else:
            parents = list(english_versions)
            parent = parents[0] if rng.random() < 0.7 else rng.choice(parents)
            base, language = english_versions[parent], "en"
            sentences = {
                "copy": lambda: _copy(base, rng),
                "rewrite": lambda: _rewrite(base, pools, rng),
                "spun": lambda: _spin(base, pools.vocabulary, rng),
                "truncation": lambda: _truncate(base, rng),
            }[kind]()
            english_versions[article_id] = sentences
        members.append(Article(article_id, paragraphs(sentences, rng), language, story_id, kind, parent))
    return members


def _unrelated(article_id: str, pools: Pools, rng: random.Random, mean_words: int) -> Article:
    language = rng.choices(["en", "de", "fr"], weights=[0.8, 0.12, 0.08])[0]
    words = _words_target(rng, mean_words)
    facts = _Facts(rng, {}, {})
    if language == "en":
        units = _draw_units(pools.english + pools.with_german, rng, words)
        sentences = [_reinstantiate(unit, facts).en for unit in units]
    else:
        pool = pools.german if language == "de" else pools.french
        sentences = [_reinstantiate(Unit(s), facts).en for s in _draw_units(pool, rng, words, language="en")]
    return Article(article_id, paragraphs(sentences, rng), language, "", "unrelated", "")


def generate_corpus(n_articles: int, seed: int, family_share: float = 0.35, mean_words: int = 600,
                    pools: Pools | None = None) -> pd.DataFrame:
    """A shuffled crawl of ``n_articles``: planted families make up about ``family_share`` of it.

    Columns: article_id, text, and the truth columns language, story, kind, parent.
    """
    pools = pools or load_pools()
    rng = random.Random(seed)
    articles: list[Article] = []
    story = 0
    while len(articles) < n_articles * family_share:
        articles += _family(f"s{seed}-{story:06d}", pools, rng, mean_words)
        story += 1
    filler = 0
    while len(articles) < n_articles:
        articles.append(_unrelated(f"u{seed}-{filler:07d}", pools, rng, mean_words))
        filler += 1
    frame = pd.DataFrame([a.__dict__ for a in articles[:n_articles]])
    order = list(range(len(frame)))
    rng.shuffle(order)
    frame = frame.iloc[order].reset_index(drop=True)
    opaque = {old: f"a{seed}-{i:07d}" for i, old in enumerate(frame["article_id"])}
    frame["article_id"] = frame["article_id"].map(opaque)
    frame["parent"] = frame["parent"].map(lambda parent: opaque.get(parent, ""))
    return frame


def write_corpus(corpus: pd.DataFrame, path: Path) -> None:
    """Write the crawl as JSON-lines with only ``id`` and ``text`` (no language, no truth)."""
    with open(path, "w", encoding="utf-8") as out:
        for article_id, text in zip(corpus["article_id"], corpus["text"]):
            out.write(json.dumps({"id": article_id, "text": text}, ensure_ascii=False) + "\n")
