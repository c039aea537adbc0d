"""Hypothesis strategies for hostile form and query values."""

import io

from hypothesis import strategies as st

from tests.reliability.pages import CHOICE_TYPES, FormField

#: Values that broke web applications before: kept as examples next to the generated text.
KNOWN_TROUBLE = [
    "",
    " ",
    "\t\r\n",
    "\x00",
    "a\x00b",
    "\x01\x02\x1b[31m\x7f",
    "line\r\nInjected-Header: yes",
    "\u202eexe.fdp",
    "\ufeff\u200b\u00ad",
    "\ufffd",
    "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
    "ӨҮҢ өүң ѳ ӧ ӱ ҥ ё",
    "Бишкек шаарынын мэриясы",
    "Жалал-Абад облусу",
    "Здравствуйте, коллеги!",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{7*7}}",
    "{% raw %}",
    "' OR 1=1 --",
    "%",
    "_",
    "\\",
    "../../../etc/passwd",
    "javascript:alert(1)",
    "//evil.example/",
    "https://evil.example/",
    "a@example.kg",
    "x@y",
    "0",
    "-1",
    "1e309",
    "NaN",
    "inf",
    "-0",
    "1,5",
    "99999999999999999999999",
    "9223372036854775808",
    "-9223372036854775809",
    "2147483648",
    "2024-13-45",
    "true",
    "y",
    "on",
    "null",
    "[]",
    "{}",
    "x" * 10_000,
    "Ө" * 70_000,
]
#: Parameter names the portal's pages use somewhere; each may be sent to any route.
COMMON_NAMES = [
    "q",
    "page",
    "per_page",
    "lang",
    "sort",
    "type",
    "region",
    "district",
    "topic",
    "year",
    "kind",
    "status",
    "role",
    "next",
    "title",
    "download",
    "from",
    "to",
    "gender",
    "month",
]

numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.integers(min_value=-3, max_value=3000),
    st.integers(min_value=1, max_value=12),  # the ids of real objects, often someone else's
).map(str)
decimals = st.floats(allow_nan=True, allow_infinity=True).map(repr)
texts = st.text(max_size=60)
long_texts = st.integers(min_value=200, max_value=6_000).flatmap(
    lambda size: st.sampled_from("xӨ<&\"' \n").map(lambda c: c * size)
)
#: Any single hostile value a person or a script could type.
hostile_values = st.one_of(
    st.sampled_from(KNOWN_TROUBLE), texts, numbers, decimals, long_texts, st.just("")
)
names = st.one_of(st.sampled_from(COMMON_NAMES), st.text(min_size=1, max_size=12))


def field_values(control: FormField) -> st.SearchStrategy[list[str]]:
    """One or more values for a control: often what the page offers, often anything at all."""
    offered = [option for option in control.options if option != ""]
    single = hostile_values
    if control.kind in CHOICE_TYPES and offered:
        single = st.one_of(st.sampled_from(offered), hostile_values)
    many = st.lists(single, min_size=2, max_size=4)  # duplicate keys, multi-selects
    return st.one_of(single.map(lambda value: [value]), many, st.just([]))


def uploads() -> st.SearchStrategy[tuple[io.BytesIO, str]]:
    """A small file with a hostile name and random or truncated-format content."""
    content = st.one_of(
        st.binary(max_size=512),
        st.sampled_from([b"%PDF-1.4\n", b"PK\x03\x04", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"]),
    )
    filename = st.one_of(
        st.sampled_from(["a.pdf", "x.png", "../../evil.docx", "C:\\a.xlsx", ".pdf", "a.PDF"]),
        st.text(max_size=30),
    )
    return st.tuples(content.map(io.BytesIO), filename)
