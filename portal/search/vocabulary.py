"""Looking words up in the index's vocabulary documents: spelling keys, typos, prefixes."""

from portal.search import kyrgyz, translit
from portal.search.analysis import CYRILLIC, LATIN, analyse_query_word, clean

#: Words sharing a spelling key (Latin ↔ Cyrillic) or a prefix that one query word may reach.
MAX_KEY_WORDS = 12
MAX_PREFIX_WORDS = 30
MAX_CORRECTIONS = 3


class VocabularyLookup:
    """The words an index has seen, looked up without touching per-document postings."""

    def __init__(self, reader):
        self.reader = reader

    def knows(self, word: str) -> bool:
        """Whether the word, as typed (folded), occurs in some indexed text."""
        return bool(self.reader.doc_frequency("vocab", folded(word)))

    def same_key_words(self, word: str) -> list[str]:
        """Indexed words spelt with the same key in either script (Karakol → каракол)."""
        found: dict[str, None] = {}
        for key in analyse_query_word(word, parts=False).skel:
            for term in self.reader.expand_prefix("skelmap", f"{key}="):
                found[term.decode("utf-8").partition("=")[2]] = None
                if len(found) >= MAX_KEY_WORDS:
                    return list(found)
        return list(found)

    def words_starting(self, prefix: str) -> list[str]:
        """Indexed words starting with `prefix` (folded), commonest first."""
        candidates = [
            term.decode("utf-8") for term in self.reader.expand_prefix("vocab", folded(prefix))
        ]
        candidates.sort(key=lambda term: -self.reader.doc_frequency("vocab", term))
        return candidates[:MAX_PREFIX_WORDS]

    def has_prefix(self, prefix: str) -> bool:
        """Whether some indexed word starts with `prefix` (folded)."""
        return any(True for _ in self.reader.expand_prefix("vocab", folded(prefix)))

    def corrections(self, word: str) -> list[str]:
        """Up to three indexed words within one or two edits, closest and commonest first."""
        word = word.lower()
        if LATIN.search(word) and not CYRILLIC.search(word):
            return self._latin_corrections(word)
        typed = folded(word)
        return self._closest("vocab", typed)

    def _latin_corrections(self, word: str) -> list[str]:
        keys = self._closest("vocab_skel", translit.skeleton(word))
        words = []
        for key in keys:
            mapped = next(self.reader.expand_prefix("skelmap", f"{key}="), None)
            if mapped is not None:
                words.append(mapped.decode("utf-8").partition("=")[2])
        return words

    def _closest(self, fieldname: str, typed: str) -> list[str]:
        distance = 2 if len(typed) >= 8 else 1
        found = set(self.reader.terms_within(fieldname, typed, distance, prefix=1))
        found.discard(typed)
        ranked = sorted(
            found,
            key=lambda term: (
                edit_distance(typed, term),
                -self.reader.doc_frequency(fieldname, term),
                term,
            ),
        )
        return ranked[:MAX_CORRECTIONS]


def folded(word: str) -> str:
    """A word as the vocabulary holds it: repaired letters, ө ү ң folded."""
    return kyrgyz.fold(clean(word.lower()))


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
