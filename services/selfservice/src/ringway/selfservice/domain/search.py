"""Knowledge-base full text: Snowball stems per language, trigrams for Arabic, idf ranking."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache

import snowballstemmer  # type: ignore[import-untyped]

STEMMERS = {"en": "english", "es": "spanish", "el": "greek", "ar": "arabic"}
TITLE_WEIGHT = 3.0
BODY_WEIGHT = 1.0
# Arabic broken plurals and clitics defeat stemming alone; trigrams catch the rest, weakly.
TRIGRAM_WEIGHT = 0.3
MAX_TERM = 64
_WORD = re.compile(r"\w+", re.UNICODE)
_TATWEEL = "\u0640"


@cache
def _stemmer(language: str) -> object | None:
    name = STEMMERS.get(language.split("-")[0])
    return snowballstemmer.stemmer(name) if name else None


def fold(text: str) -> str:
    """Case-folded, without accents, tonos or Arabic diacritics (harakat) and tatweel."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace(_TATWEEL, ""))
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", kept)


def words(text: str) -> list[str]:
    """The folded words of a text (underscores are not words)."""
    return [w for w in _WORD.findall(fold(text).replace("_", " ")) if w]


def _stems(tokens: list[str], language: str) -> list[str]:
    stemmer: object | None = _stemmer(language)
    stemmed: list[str] = tokens if stemmer is None else stemmer.stemWords(tokens)  # type: ignore[attr-defined]
    return [s[:MAX_TERM] for s in stemmed if s]


def _trigrams(token: str) -> list[str]:
    padded = f"_{token}_"
    return [f"3:{padded[i:i + 3]}" for i in range(len(padded) - 2)]


def _is_arabic(language: str) -> bool:
    return language.split("-")[0] == "ar"


def terms(text: str, language: str, weight: float) -> dict[str, float]:
    """Index terms of a text with their weights (a repeated word counts more, sub-linearly)."""
    found: dict[str, float] = {}
    tokens = words(text)
    for stem in _stems(tokens, language):
        found[f"w:{stem}"] = found.get(f"w:{stem}", 0.0) + weight
    if _is_arabic(language):
        for token in tokens:
            for gram in _trigrams(token):
                found[gram] = found.get(gram, 0.0) + weight * TRIGRAM_WEIGHT
    return {term: 1.0 + math.log(w) if w > 1 else w for term, w in found.items()}


def document_terms(title: str, body: str, language: str) -> dict[str, float]:
    """Every index term of an article, title words weighing more."""
    merged = dict(terms(body, language, BODY_WEIGHT))
    for term, weight in terms(title, language, TITLE_WEIGHT).items():
        merged[term] = merged.get(term, 0.0) + weight
    return merged


def query_terms(q: str, languages: Iterable[str]) -> dict[str, float]:
    """Terms of a query, stemmed for each language it may be in."""
    found: dict[str, float] = {}
    for language in languages:
        for term, weight in terms(q, language, 1.0).items():
            found[term] = max(found.get(term, 0.0), weight)
    return found


def rank(matches: Iterable[tuple[str, str, float]], query: Mapping[str, float],
         document_frequency: Mapping[str, int], total: int) -> list[tuple[str, float]]:
    """(article, score) best first; rarer terms count more (idf)."""
    scores: dict[str, float] = {}
    for article_id, term, weight in matches:
        idf = math.log(1 + total / max(1, document_frequency.get(term, 1)))
        scores[article_id] = scores.get(article_id, 0.0) + weight * query.get(term, 0.0) * idf
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))
