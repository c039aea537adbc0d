"""Text analysis for search: one word → the index terms it stands for, per language family.

Documents and queries go through the same functions, so what a query word becomes always
matches what the same word became in a document. Each distinct word is analysed once per
process (the caches below): real text repeats its words, and analysis is the hot path of
indexing.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from whoosh.lang import stemmer_for_language, stopwords_for_language

from portal.search import kyrgyz, translit

#: A word: letters and digits, optionally joined by hyphens (Ак-Муз, COVID-19, видео-сабак).
WORD_PATTERN = re.compile(r"\w+(?:[-‐‑–]\w+)*")
HYPHENS = re.compile(r"[-‐‑–]")
OTHER_HYPHENS = re.compile(r"[‐‑–]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LATIN = re.compile(r"[a-zà-ɏ]")
KYRGYZ_LETTERS = re.compile(r"[өүң]")

#: Index families: which analysis a document field (and a query term for it) went through.
FAMILIES = ("ky", "kyf", "ru", "en")

RUSSIAN_STOP_WORDS = frozenset(stopwords_for_language("ru"))
ENGLISH_STOP_WORDS = frozenset(stopwords_for_language("en"))
_russian_stem = stemmer_for_language("ru")
_english_stem = stemmer_for_language("en")


def words(text: str) -> list[str]:
    """Split text into lower-case words, hyphenated names and words with digits kept whole."""
    text = unicodedata.normalize("NFC", text).lower()
    if OTHER_HYPHENS.search(text):
        text = HYPHENS.sub("-", text)
    return WORD_PATTERN.findall(text)


def folded_words(text: str) -> list[str]:
    """Words of `text` cleaned and folded: what title completion compares."""
    return [kyrgyz.fold(clean(word)) for word in words(text)]


@lru_cache(maxsize=200_000)
def variants(word: str, parts: bool = True) -> tuple[str, ...]:
    """A hyphenated word, its parts (unless `parts` is false) and its joined spelling
    (ак-муз, ак, муз, акмуз)."""
    if "-" not in word:
        return (word,)
    pieces = [piece for piece in word.split("-") if piece]
    return (word, *(pieces if parts else ()), "".join(pieces))


@lru_cache(maxsize=200_000)
def clean(word: str) -> str:
    """Repair look-alike letters and ё, the way every family sees a word first."""
    return kyrgyz.repair_letters(word).replace("ё", "е")


@lru_cache(maxsize=200_000)
def kyrgyz_stems(word: str) -> tuple[str, ...]:
    """The Kyrgyz stems (unfolded) of a cleaned word, none for a stop word."""
    if word in kyrgyz.STOP_WORDS or kyrgyz.fold(word) in FOLDED_KYRGYZ_STOP_WORDS:
        return ()
    return kyrgyz.stems(word)


FOLDED_KYRGYZ_STOP_WORDS = frozenset(kyrgyz.fold(word) for word in kyrgyz.STOP_WORDS)


@lru_cache(maxsize=200_000)
def russian_stem(word: str) -> str:
    """The Snowball Russian stem of a cleaned word, or "" for a stop word."""
    if word in RUSSIAN_STOP_WORDS:
        return ""
    # Kyrgyz names in Russian text keep their letters: fold them as Kyrgyz text is folded.
    return kyrgyz.fold(_russian_stem(word)) if CYRILLIC.search(word) else word


@lru_cache(maxsize=200_000)
def english_stem(word: str) -> str:
    """The English (Porter2) stem of a cleaned word, or "" for a stop word."""
    if word in ENGLISH_STOP_WORDS:
        return ""
    return _english_stem(word) if LATIN.search(word) else word


@dataclass(frozen=True)
class WordTerms:
    """The index terms one word stands for, per field family."""

    ky: tuple[str, ...] = ()  # unfolded Kyrgyz stems, only those with ө ү ң
    kyf: tuple[str, ...] = ()  # folded Kyrgyz stems
    ru: tuple[str, ...] = ()
    en: tuple[str, ...] = ()
    skel: tuple[str, ...] = ()  # spelling-independent keys (Latin ↔ Cyrillic)
    surface: tuple[str, ...] = ()  # folded unstemmed forms, for typos and completion

    def family(self, name: str) -> tuple[str, ...]:
        """The terms of one family by name (ky, kyf, ru, en, skel, surface)."""
        return getattr(self, name)


@lru_cache(maxsize=200_000)
def analyse_word(word: str, language: str, parts: bool = True) -> WordTerms:
    """What a document word of `language` (ky, ru or en) is indexed as (with the parts of a
    hyphenated word unless `parts` is false)."""
    forms = [clean(form) for form in variants(word, parts)]
    if language == "ky":
        stems = [stem for form in forms for stem in kyrgyz_stems(form) if stem]
        folded = unique(kyrgyz.fold(stem) for stem in stems)
        exact = unique(stem for stem in stems if KYRGYZ_LETTERS.search(stem))
        return WordTerms(
            ky=exact, kyf=folded, skel=skeletons(stems), surface=surface_forms(forms, stems)
        )
    stem = russian_stem if language == "ru" else english_stem
    stems = [stem(form) for form in forms]
    stems = [value for value in stems if value]
    terms = unique(stems)
    if language == "ru":
        return WordTerms(ru=terms, skel=skeletons(stems), surface=surface_forms(forms, stems))
    return WordTerms(en=terms, skel=skeletons(stems), surface=surface_forms(forms, stems))


def surface_forms(forms: list[str], stems: list[str]) -> tuple[str, ...]:
    """Folded unstemmed forms of a word that is not a stop word."""
    if not stems:
        return ()
    return unique(kyrgyz.fold(form) for form in forms)


def skeletons(stems: list[str]) -> tuple[str, ...]:
    """Spelling-independent keys of the stems (Karakol = Каракол, Хельветас = Helvetas)."""
    return unique(key for key in (translit.skeleton(stem) for stem in stems) if key)


def unique(values) -> tuple[str, ...]:
    """The values without repeats, in their first order."""
    return tuple(dict.fromkeys(values))


@lru_cache(maxsize=50_000)
def analyse_query_word(word: str, parts: bool = True) -> WordTerms:
    """Every term a query word may stand for, whatever language the user typed in (the parts
    of a hyphenated word included unless `parts` is false)."""
    cleaned = clean(word)
    spellings = [cleaned]
    if LATIN.search(cleaned) and not CYRILLIC.search(cleaned):
        spellings += translit.latin_to_cyrillic(cleaned)
    merged: dict[str, dict[str, None]] = {name: {} for name in WordTerms.__dataclass_fields__}
    for spelling in spellings:
        for language in ("ky", "ru", "en"):
            terms = analyse_word(spelling, language, parts)
            for name in merged:
                merged[name].update(dict.fromkeys(terms.family(name)))
    return WordTerms(**{name: tuple(values) for name, values in merged.items()})


@dataclass
class AnalysedText:
    """A text as the index takes it: terms per field family, and its vocabulary."""

    fields: dict[str, str]
    vocabulary: set[tuple[str, str]]


def analyse_text(text: str, language: str) -> AnalysedText:
    """The indexed families of one text, a word's alternative terms joined by "|" (see
    schema.TermGroupTokenizer), and the (folded form, spelling key) pairs of its words."""
    collected: tuple[list[str], ...] = tuple([] for _family in FAMILIES)
    text_words = words(text)
    for word in text_words:
        for values, group in zip(collected, word_groups(word, language), strict=True):
            if group:
                values.append(group)
    vocabulary: set[tuple[str, str]] = set()
    for word in set(text_words):
        vocabulary.update(word_vocabulary(word, language))
    fields = {name: " ".join(values) for name, values in zip(FAMILIES, collected, strict=True)}
    return AnalysedText(fields, vocabulary)


@lru_cache(maxsize=200_000)
def word_groups(word: str, language: str) -> tuple[str, ...]:
    """The term group of a document word in each family of FAMILIES ("" where it has none)."""
    terms = analyse_word(word, language)
    return tuple("|".join(terms.family(name)) for name in FAMILIES)


@lru_cache(maxsize=200_000)
def word_vocabulary(word: str, language: str) -> tuple[tuple[str, str], ...]:
    """(folded form, spelling key) pairs of a word, its parts and its joined spelling; the
    key "" marks the form itself (stop words have none)."""
    pairs = []
    for form in variants(word):
        terms = analyse_word(form, language, parts=False)
        if terms.surface:
            pairs.append((terms.surface[0], ""))
            pairs.extend((terms.surface[0], key) for key in terms.skel)
    return tuple(pairs)


def text_language(text: str) -> str:
    """Guess ky, ru or en for an attachment's text from its letters and commonest words."""
    sample = text[:20_000].lower()
    cyrillic = len(CYRILLIC.findall(sample))
    if cyrillic <= len(LATIN.findall(sample)):
        return "en"
    sample_words = WORD_PATTERN.findall(sample)
    russian = sum(word in RUSSIAN_STOP_WORDS for word in sample_words)
    # Russian prose is a quarter stop words (и, в, на…), Kyrgyz has almost none of them;
    # ө ү ң are a few per cent of Kyrgyz letters and appear in Russian only in names.
    if russian >= max(2, len(sample_words) // 12):
        return "ru"
    if KYRGYZ_LETTERS.search(sample):
        return "ky"
    return "ru" if russian else "ky"
