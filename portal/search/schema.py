"""The Whoosh schema: one document per entity and language, terms analysed before indexing."""

from whoosh.analysis import RegexTokenizer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

#: Every text field receives terms that portal.search.analysis already produced.
_terms = RegexTokenizer(r"[^ ]+")

#: Text fields per family: "head" holds title and summary, "body" the rest.
TEXT_FIELDS = tuple(
    f"{part}_{family}" for family in ("ky", "kyf", "ru", "en") for part in ("head", "body")
)

#: The watermark lives in the index itself, so it changes in the same commit as the documents.
WATERMARK_DOC_ID = "__watermark__"


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
        "year": NUMERIC(stored=True, sortable=True),
        "date": NUMERIC(bits=64, stored=True, sortable=True),
        "title": STORED(),
        "summary": STORED(),
        "text": STORED(),
        "watermark": STORED(),
        "skel": TEXT(analyzer=_terms, phrase=False),
        "surface": TEXT(analyzer=_terms, phrase=False),
        "title_surface": KEYWORD(),
    }
    for name in TEXT_FIELDS:
        fields[name] = TEXT(analyzer=_terms, phrase=name.startswith("body"))
    return Schema(**fields)
