"""Snippets: the passage of a result that best shows why it was found, matches marked."""

import re

from markupsafe import Markup, escape

from portal.search.analysis import analyse_query_word, words

SNIPPET_CHARS = 240
#: Sentences of a text looked at for the best passage.
MAX_SENTENCES = 40
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
WORD = re.compile(r"\w+(?:[-‐‑–]\w+)*")


class Highlighter:
    """Decides which words of a text match a query's terms, remembering each word's answer."""

    def __init__(self, terms: set[str]):
        self.terms = terms
        self.prefixes = tuple(term[7:] for term in terms if term.startswith("prefix:"))
        self.known: dict[str, bool] = {}

    def matches(self, word: str) -> bool:
        """Whether a text word stands for one of the query's terms."""
        answer = self.known.get(word)
        if answer is None:
            answer = self.known[word] = self._matches(word)
        return answer

    def _matches(self, word: str) -> bool:
        found = words(word)
        analysed = analyse_query_word(found[0] if found else word)
        for family in ("ky", "kyf", "ru", "en"):
            if any(f"{family}:{term}" in self.terms for term in analysed.family(family)):
                return True
        return any(form.startswith(self.prefixes) for form in analysed.surface)

    def snippet(self, text: str) -> Markup:
        """The passage of `text` with most query words, escaped, matches wrapped in <mark>."""
        sentences = [s.strip() for s in SENTENCE_END.split(text) if s and s.strip()]
        if not sentences:
            return Markup("")
        best_score, chosen = -1, sentences[0]
        for sentence in sentences[:MAX_SENTENCES]:
            score = sum(self.matches(w) for w in set(WORD.findall(sentence)))
            if score > best_score:
                best_score, chosen = score, sentence
        return self.highlight(self.shorten(chosen))

    def shorten(self, sentence: str) -> str:
        """At most SNIPPET_CHARS characters of a sentence, around its first match."""
        if len(sentence) <= SNIPPET_CHARS:
            return sentence
        first = next((m.start() for m in WORD.finditer(sentence) if self.matches(m.group())), 0)
        start = max(0, first - SNIPPET_CHARS // 3)
        piece = sentence[start : start + SNIPPET_CHARS]
        ellipsis_after = start + SNIPPET_CHARS < len(sentence)
        return ("…" if start else "") + piece + ("…" if ellipsis_after else "")

    def highlight(self, text: str) -> Markup:
        """Escape `text` and wrap every matching word in <mark>."""
        parts, last = [], 0
        for match in WORD.finditer(text):
            if self.matches(match.group()):
                parts.append(escape(text[last : match.start()]))
                parts.append(Markup("<mark>%s</mark>") % match.group())
                last = match.end()
        parts.append(escape(text[last:]))
        return Markup("").join(parts)
