"""The Whoosh schema: one document per entity and language, terms analysed before indexing."""

from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema


class TermGroupTokenizer(Tokenizer):
    """Reads terms that portal.search.analysis already produced: "a|b c" is a and b at one
    position, then c at the next, so alternative stems of a word keep phrases intact."""

    def __eq__(self, other):
        return self.__class__ is other.__class__

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        groups = value.split(" ") if tokenize else [value]
        position = start_pos
        for group in groups:
            if not group:
                continue
            for text in group.split("|") if tokenize else [group]:
                token.text = text
                token.boost = 1.0
                token.stopped = False
                if positions:
                    token.pos = position
                yield token
            position += 1


#: Every text field receives terms that portal.search.analysis already produced.
_terms = TermGroupTokenizer()

#: Text fields per family: "head" holds title and summary, "body" the rest.
TEXT_FIELDS = tuple(
    f"{part}_{family}" for family in ("ky", "kyf", "ru", "en") for part in ("head", "body")
)

#: The watermark lives in the index itself, so it changes in the same commit as the documents.
WATERMARK_DOC_ID = "__watermark__"
#: Raise when fields or analysis change: an index built otherwise is then rebuilt on first use.
INDEX_VERSION = 3
#: Vocabulary documents hold each batch's distinct words, not per-document postings: what typo
#: correction, prefixes and Latin ↔ Cyrillic keys need, at a fraction of the indexing cost.
VOCABULARY_TYPE = "__vocabulary__"


def build_schema() -> Schema:
    """The fields of the search index."""
    fields = {
        "doc_id": ID(unique=True, stored=True),
        "entity": ID(stored=True, sortable=True),
        "type": ID(stored=True, sortable=True),
        "slug": STORED(),
        "language": ID(stored=True, sortable=True),
        "region": ID(stored=True, sortable=True),
        "topics": KEYWORD(stored=True, commas=True, sortable=True),
        # One term per value (shift_step=0): filters match exact years; nothing asks ranges.
        "year": NUMERIC(stored=True, sortable=True, shift_step=0),
        "date": NUMERIC(bits=64, stored=True, sortable=True, shift_step=0),
        "title": STORED(),
        "summary": STORED(),
        "text": STORED(),
        "watermark": STORED(),
        "version": STORED(),
        "title_surface": KEYWORD(),
        # Vocabulary documents only: folded word forms, "key=form" pairs, and the keys alone.
        "vocab": KEYWORD(),
        "skelmap": KEYWORD(),
        "vocab_skel": KEYWORD(),
    }
    for name in TEXT_FIELDS:
        fields[name] = TEXT(analyzer=_terms, phrase=name.startswith("body"))
    return Schema(**fields)
