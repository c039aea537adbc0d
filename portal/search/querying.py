"""Turning what a person typed into a Whoosh query: words, phrases, typos and suggestions."""

import re
import unicodedata
from dataclasses import dataclass, field

from whoosh import query as q

from portal.search.analysis import CYRILLIC, analyse_query_word, words
from portal.search.vocabulary import VocabularyLookup, folded

#: Longer queries are cut, not refused: people paste whole paragraphs.
MAX_QUERY_CHARS = 200
MAX_WORDS = 12
#: Field weights: titles and summaries count more than bodies; exact Kyrgyz letters more
#: than folded ones; spelling keys and typo corrections less than what was typed.
FIELD_WEIGHTS = {
    "ky": (("head_ky", 4.0), ("body_ky", 1.6)),
    "kyf": (("head_kyf", 2.5), ("body_kyf", 1.0)),
    "ru": (("head_ru", 2.5), ("body_ru", 1.0)),
    "en": (("head_en", 2.5), ("body_en", 1.0)),
}
#: Indexed words with the same spelling key in the other script (Karakol → Каракол).
KEY_WEIGHT = 0.6
KEY_FAMILIES = ("kyf", "ru", "en")
#: The parts of a hyphenated word typed whole.
PART_WEIGHT = 0.25
CORRECTION_WEIGHT = 0.7
PREFIX_WEIGHT = 0.5
PHRASE_WEIGHT = 3.0
#: Neighbouring query words close together in a text (within PROXIMITY_SLOP positions).
PROXIMITY_WEIGHT = 1.0
PROXIMITY_SLOP = 3
PROXIMITY_FAMILIES = ("kyf", "ru", "en")
#: A word typed as one but written as two: parts of at least MIN_PART letters.
COMPOUND_WEIGHT = 0.8
MIN_PART = 3
MAX_SPLITS = 2
PHRASE_PATTERN = re.compile(r'"([^"]+)"')
PREFIX_PATTERN = re.compile(r"(\w{3,})\*")


@dataclass
class ParsedQuery:
    """A query string made safe: its words, quoted phrases and prefix words."""

    text: str
    words: list[str]
    phrases: list[list[str]] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)

    @property
    def normalised(self) -> str:
        """The query as logged and shown: lower-case words separated by single spaces."""
        return " ".join(self.words)[:MAX_QUERY_CHARS]


def parse_query(raw: str) -> ParsedQuery:
    """Read a query string of any content: quotes, operators, symbols and controls are harmless."""
    text = unicodedata.normalize("NFC", raw or "")[: MAX_QUERY_CHARS * 5]
    text = "".join(" " if unicodedata.category(char)[0] == "C" else char for char in text)
    text = " ".join(text.split())[:MAX_QUERY_CHARS]
    phrases = [words(match) for match in PHRASE_PATTERN.findall(text)]
    phrases = [phrase for phrase in phrases if len(phrase) > 1]
    prefixes = [match.lower() for match in PREFIX_PATTERN.findall(text)]
    return ParsedQuery(text, words(text)[:MAX_WORDS], phrases[:3], prefixes[:3])


@dataclass
class BuiltQuery:
    """What a query string became: the clauses that decide what matches (one per word typed,
    and words typed apart but written as one), the clauses that only add to the score
    (proximity, quoted phrases), the terms it looks for (for snippets) and a suggestion."""

    clauses: list[q.Query]
    boosts: list[q.Query]
    terms: set[str]
    suggestion: str | None = None

    @property
    def query(self) -> q.Query | None:
        """The whole query for scoring, or None when nothing in it can match."""
        return q.Or(self.clauses + self.boosts) if self.clauses else None

    @property
    def word_query(self) -> q.Query:
        """The clauses that decide what matches, without the score-only ones."""
        return q.Or(self.clauses)


class QueryBuilder:
    """Builds queries against one searcher's reader, keeping only terms the index has."""

    def __init__(self, reader):
        self.reader = reader
        self.vocabulary = VocabularyLookup(reader)

    def build(self, parsed: ParsedQuery) -> BuiltQuery:
        """The query for a parsed query string (None when nothing in it can match)."""
        clauses, terms, corrections = [], set(), {}
        for word in dict.fromkeys(parsed.words):
            clause = self.word_clause(word, terms, corrections)
            if clause is not None:
                clauses.append(clause)
        clauses += self.joined_clauses(parsed.words, terms)
        clauses += [self.prefix_clause(prefix, terms) for prefix in parsed.prefixes]
        clauses = [clause for clause in clauses if clause is not None]
        boosts = self.proximity_clauses(parsed.words) if len(clauses) > 1 else []
        boosts += [c for c in (self.phrase_clause(p) for p in parsed.phrases) if c]
        return BuiltQuery(clauses, boosts, terms, suggestion_for(parsed, corrections))

    def word_clause(self, word: str, terms: set[str], corrections: dict) -> q.Query | None:
        """Everything one word may match; a word the index lacks is corrected or split."""
        alternatives = self.term_queries(word, 1.0, terms)
        if alternatives:
            suggestion = self.spelling_suggestion(word)
            if suggestion:
                corrections.setdefault(word, suggestion)
            return q.Or(alternatives)
        if len(word) < 4 or word.isdigit():
            return None
        for candidate in self.vocabulary.corrections(word):
            alternatives += self.term_queries(candidate, CORRECTION_WEIGHT, terms)
            corrections.setdefault(word, candidate)
        alternatives += self.compound_clauses(word, terms)
        if not alternatives:
            return self.prefix_clause(word[: max(4, len(word) - 3)], terms)
        return q.Or(alternatives)

    def term_queries(
        self, word: str, weight: float, terms: set[str], keyed: bool = True
    ) -> list[q.Query]:
        """Term queries for the word's analysed forms, and for indexed words spelt with the
        same key in the other script (`keyed`), that occur in the index."""
        boosts: dict[tuple[str, str], float] = {}
        self._add_terms(word, weight, boosts, terms)
        if keyed:
            for other in self.vocabulary.same_key_words(word):
                # The exact-letters bonus (ky) rewards what was typed, not what a key found.
                analysed = analyse_query_word(other.replace("-", ""), parts=False)
                self._add_analysed(analysed, weight * KEY_WEIGHT, boosts, terms, KEY_FAMILIES)
        return [q.Term(field, text, boost=boost) for (field, text), boost in boosts.items()]

    def _add_terms(self, word: str, weight: float, boosts: dict, terms: set[str]) -> None:
        # Texts index a hyphenated word whole, in parts and joined (ак-муз, ак, муз, акмуз):
        # the joined form alone finds it without counting one word three times, and a part
        # (Ата of Бакай-Ата) says less than the whole.
        whole = word.replace("-", "")
        self._add_analysed(analyse_query_word(whole, parts=False), weight, boosts, terms)
        for part in word.split("-") if "-" in word else ():
            self._add_analysed(analyse_query_word(part), weight * PART_WEIGHT, boosts, terms)

    def _add_analysed(
        self, analysed, weight: float, boosts: dict, terms: set[str], families=FIELD_WEIGHTS
    ) -> None:
        for family in families:
            fields = FIELD_WEIGHTS[family]
            for term in analysed.family(family):
                for fieldname, boost in fields:
                    if self.reader.doc_frequency(fieldname, term):
                        key = (fieldname, term)
                        boosts[key] = max(boosts.get(key, 0.0), boost * weight)
                        terms.add(f"{family}:{term}")

    def spelling_suggestion(self, word: str) -> str | None:
        """A known word for one that was found only through a spelling key (Караколл).

        Inflected forms the texts do not use are not misspellings: a candidate with the same
        stems as the typed word is no suggestion.
        """
        if not CYRILLIC.search(word) or len(word) < 4 or self.vocabulary.knows(word):
            return None
        typed = stems_of(word)
        candidates = self.vocabulary.corrections(word)
        return next((c for c in candidates if stems_of(c).isdisjoint(typed)), None)

    def compound_clauses(self, word: str, terms: set[str]) -> list[q.Query]:
        """A word typed as one that the texts write as two (балабакча, видеосабактар, детсад):
        two known words, or failing that a known second word after a prefix."""
        cuts = range(MIN_PART, len(word) - MIN_PART + 1)
        splits = [s for s in (self.two_words(word[:c], word[c:]) for c in cuts) if s]
        if not splits:
            splits = [s for s in (self.prefix_and_word(word[:c], word[c:]) for c in cuts) if s]
        for left, right, _clause in splits[:MAX_SPLITS]:
            self.term_queries(left, 1.0, terms, keyed=False)
            self.term_queries(right, 1.0, terms, keyed=False)
        return [clause for _left, _right, clause in splits[:MAX_SPLITS]]

    def two_words(self, left: str, right: str):
        """(left, right, clause) when both parts are indexed words."""
        left_terms = self.term_queries(left, COMPOUND_WEIGHT, set(), keyed=False)
        right_terms = left_terms and self.term_queries(right, COMPOUND_WEIGHT, set(), keyed=False)
        if left_terms and right_terms:
            return left, right, q.And([q.Or(left_terms), q.Or(right_terms)])
        return None

    def prefix_and_word(self, left: str, right: str):
        """(left, right, clause) when the left part begins indexed words and the right is one."""
        right_terms = self.term_queries(right, COMPOUND_WEIGHT, set(), keyed=False)
        if not right_terms or not self.vocabulary.has_prefix(left):
            return None
        prefix = self.prefix_clause(left, set())
        return (left, right, q.And([prefix, q.Or(right_terms)])) if prefix else None

    def joined_clauses(self, words_typed: list[str], terms: set[str]) -> list[q.Query]:
        """Two words typed apart that the texts write as one (вело дорожка → велодорожка)."""
        clauses = []
        for left, right in zip(words_typed, words_typed[1:], strict=False):
            if "-" in left + right:
                continue
            alternatives = self.term_queries(left + right, 1.0, terms, keyed=False)
            if alternatives:
                clauses.append(q.Or(alternatives))
        return clauses

    def proximity_clauses(self, words_typed: list[str]) -> list[q.Query]:
        """Neighbouring query words found near each other in a body score extra."""
        content = [word for word in words_typed if any(stems_of(word))]
        clauses = []
        for first_word, second_word in zip(content, content[1:], strict=False):
            first_terms = analyse_query_word(first_word)
            second_terms = analyse_query_word(second_word)
            for family in PROXIMITY_FAMILIES:
                pair = [first(first_terms.family(family)), first(second_terms.family(family))]
                fieldname = f"body_{family}"
                if all(pair) and all(self.reader.doc_frequency(fieldname, t) for t in pair):
                    clauses.append(
                        q.Phrase(fieldname, pair, slop=PROXIMITY_SLOP, boost=PROXIMITY_WEIGHT)
                    )
        return clauses

    def phrase_clause(self, phrase: list[str]) -> q.Query | None:
        """Exact word order, matched on the stemmed body fields of each language."""
        alternatives = []
        for family in ("kyf", "ru", "en"):
            stems = [first(analyse_query_word(word).family(family)) for word in phrase]
            if all(stems):
                fieldname = f"body_{family}"
                alternatives.append(q.Phrase(fieldname, stems, boost=PHRASE_WEIGHT))
        return q.Or(alternatives) if alternatives else None

    def prefix_clause(self, prefix: str, terms: set[str]) -> q.Query | None:
        """Words starting with what was typed (the word* syntax, and a last resort)."""
        typed = folded(prefix)
        if len(typed) < 3:
            return None
        alternatives = []
        for word in self.vocabulary.words_starting(typed):
            alternatives += self.term_queries(word, PREFIX_WEIGHT, set(), keyed=False)
        if not alternatives:
            return None
        terms.add(f"prefix:{typed}")
        return q.Or(alternatives)


def stems_of(word: str) -> set[str]:
    """Every stem a word may stand for, in any language."""
    analysed = analyse_query_word(word)
    return {*analysed.kyf, *analysed.ru, *analysed.en}


def first(values: tuple[str, ...]) -> str:
    """The first value, or "" for none."""
    return values[0] if values else ""


def suggestion_for(parsed: ParsedQuery, corrections: dict[str, str]) -> str | None:
    """The query with every corrected word replaced, or None when nothing was corrected."""
    if not corrections:
        return None
    return " ".join(corrections.get(word, word) for word in parsed.words)
