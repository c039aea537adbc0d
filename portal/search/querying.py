"""Turning what a person typed into a Whoosh query: words, phrases, typos and suggestions."""

import re
import unicodedata
from dataclasses import dataclass, field

from whoosh import query as q

from portal.search import kyrgyz, translit
from portal.search.analysis import CYRILLIC, LATIN, analyse_query_word, clean, words

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
    "skel": (("skel", 0.6),),
}
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
    """The Whoosh query, the terms it looks for (for snippets) and a spelling suggestion."""

    query: q.Query | None
    terms: set[str]
    suggestion: str | None = None


class QueryBuilder:
    """Builds queries against one searcher's reader, keeping only terms the index has."""

    def __init__(self, reader):
        self.reader = reader

    def build(self, parsed: ParsedQuery) -> BuiltQuery:
        """The query for a parsed query string (None when nothing in it can match)."""
        clauses, terms, corrections = [], set(), {}
        for word in dict.fromkeys(parsed.words):
            clause = self.word_clause(word, terms, corrections)
            if clause is not None:
                clauses.append(clause)
        clauses += self.joined_clauses(parsed.words, terms)
        if len(clauses) > 1:
            clauses += self.proximity_clauses(parsed.words)
        clauses += [c for c in (self.phrase_clause(p) for p in parsed.phrases) if c]
        clauses += [self.prefix_clause(prefix, terms) for prefix in parsed.prefixes]
        clauses = [clause for clause in clauses if clause is not None]
        built = q.Or(clauses) if clauses else None
        return BuiltQuery(built, terms, suggestion_for(parsed, corrections))

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
        for candidate in self.corrections(word):
            alternatives += self.term_queries(candidate, CORRECTION_WEIGHT, terms)
            corrections.setdefault(word, candidate)
        alternatives += self.compound_clauses(word, terms)
        if not alternatives:
            return self.prefix_clause(word[: max(4, len(word) - 3)], terms)
        return q.Or(alternatives)

    def spelling_suggestion(self, word: str) -> str | None:
        """A known word for one that was found only through a spelling key (Караколл).

        Inflected forms the texts do not use are not misspellings: a candidate with the same
        stems as the typed word is no suggestion.
        """
        surface = kyrgyz.fold(clean(word))
        if (
            not CYRILLIC.search(word)
            or len(word) < 4
            or self.reader.doc_frequency("surface", surface)
        ):
            return None
        typed = stems_of(word)
        return next((c for c in self.corrections(word) if stems_of(c).isdisjoint(typed)), None)

    def compound_clauses(self, word: str, terms: set[str]) -> list[q.Query]:
        """A word typed as one that the texts write as two (балабакча, видеосабактар, детсад).

        Both parts must be known words; failing that, a known second part after a prefix.
        """
        splits = []
        for cut in range(MIN_PART, len(word) - MIN_PART + 1):
            left, right = word[:cut], word[cut:]
            left_terms = self.term_queries(left, COMPOUND_WEIGHT, set())
            right_terms = self.term_queries(right, COMPOUND_WEIGHT, set())
            if left_terms and right_terms:
                splits.append((left, right, q.And([q.Or(left_terms), q.Or(right_terms)])))
        if not splits:
            for cut in range(MIN_PART, len(word) - MIN_PART + 1):
                left, right = word[:cut], word[cut:]
                right_terms = self.term_queries(right, COMPOUND_WEIGHT, set())
                prefix = self.prefix_clause(left, set())
                if right_terms and prefix is not None and self.has_prefix(left):
                    splits.append((left, right, q.And([prefix, q.Or(right_terms)])))
        for left, right, _clause in splits[:MAX_SPLITS]:
            self.term_queries(left, 1.0, terms)
            self.term_queries(right, 1.0, terms)
        return [clause for _left, _right, clause in splits[:MAX_SPLITS]]

    def has_prefix(self, prefix: str) -> bool:
        """Whether some indexed word starts with `prefix` (folded)."""
        return any(True for _ in self.reader.expand_prefix("surface", kyrgyz.fold(clean(prefix))))

    def joined_clauses(self, words_typed: list[str], terms: set[str]) -> list[q.Query]:
        """Two words typed apart that the texts write as one (вело дорожка → велодорожка)."""
        clauses = []
        for left, right in zip(words_typed, words_typed[1:], strict=False):
            alternatives = self.term_queries(left + right, 1.0, terms)
            if alternatives:
                clauses.append(q.Or(alternatives))
        return clauses

    def proximity_clauses(self, words_typed: list[str]) -> list[q.Query]:
        """Neighbouring query words found near each other in a body score extra."""
        clauses = []
        content = [
            word
            for word in words_typed
            if any(analyse_query_word(word).family(f) for f in PROXIMITY_FAMILIES)
        ]
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

    def term_queries(self, word: str, weight: float, terms: set[str]) -> list[q.Query]:
        """Term queries for the word's analysed forms that occur in the index."""
        analysed = analyse_query_word(word)
        found = []
        for family, fields in FIELD_WEIGHTS.items():
            for term in analysed.family(family):
                for fieldname, boost in fields:
                    if self.reader.doc_frequency(fieldname, term):
                        found.append(q.Term(fieldname, term, boost=boost * weight))
                        terms.add(f"{family}:{term}")
        return found

    def corrections(self, word: str) -> list[str]:
        """Up to three known words within one or two edits, closest and commonest first."""
        cleaned = kyrgyz.fold(clean(word))
        fieldname = "surface"
        if LATIN.search(word) and not CYRILLIC.search(word):
            cleaned, fieldname = translit.skeleton(word), "skel"
        distance = 2 if len(cleaned) >= 8 else 1
        found = set(self.reader.terms_within(fieldname, cleaned, distance, prefix=1))
        found.discard(cleaned)
        ranked = sorted(
            found,
            key=lambda term: (
                edit_distance(cleaned, term),
                -self.reader.doc_frequency(fieldname, term),
                term,
            ),
        )
        return ranked[:3]

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
        folded = kyrgyz.fold(prefix)
        if len(folded) < 3:
            return None
        terms.add(f"prefix:{folded}")
        return q.Prefix("surface", folded, boost=PREFIX_WEIGHT)


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


def edit_distance(left: str, right: str) -> int:
    """Damerau–Levenshtein distance (adjacent swaps count once), for ranking corrections."""
    previous2: list[int] = []
    previous = list(range(len(right) + 1))
    for i, left_char in enumerate(left, 1):
        current = [i]
        for j, right_char in enumerate(right, 1):
            cost = 0 if left_char == right_char else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and left_char == right[j - 2] and left[i - 2] == right_char:
                value = min(value, previous2[j - 2] + 1)
            current.append(value)
        previous2, previous = previous, current
    return previous[-1]
