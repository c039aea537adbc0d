"""What a browser would find on a rendered page: its forms (with their fields) and its links."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

#: Inputs whose value a person does not type; the fuzzers still send other values to them.
CHOICE_TYPES = frozenset({"checkbox", "radio", "select", "submit"})


@dataclass
class FormField:
    """One named control of a form and the values the page offers for it."""

    name: str
    kind: str
    options: list[str] = field(default_factory=list)


@dataclass
class PageForm:
    """A form on a page: where it is sent, how, and its named controls."""

    action: str
    method: str
    fields: dict[str, FormField] = field(default_factory=dict)

    def add(self, name: str, kind: str, value: str | None) -> None:
        """Record a control; radio buttons, options and buttons of one name share an entry."""
        entry = self.fields.setdefault(name, FormField(name, kind))
        if value is not None and value not in entry.options:
            entry.options.append(value)

    @property
    def signature(self) -> tuple[str, str, tuple[str, ...]]:
        """What makes two forms the same form: method, target path and field names."""
        return self.method, urlsplit(self.action).path, tuple(sorted(self.fields))


class PageParser(HTMLParser):
    """Collect the forms and the link targets of an HTML page."""

    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[PageForm] = []
        self.links: list[str] = []
        self._form: PageForm | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Note forms, their controls and every link."""
        attributes = {key: value or "" for key, value in attrs}
        if tag == "a" and attributes.get("href"):
            self.links.append(urljoin(self.page_url, attributes["href"]))
        elif tag == "form":
            action = urljoin(self.page_url, attributes.get("action") or self.page_url)
            self._form = PageForm(action, (attributes.get("method") or "get").upper())
            self.forms.append(self._form)
        elif self._form is not None:
            self._control(tag, attributes)

    def _control(self, tag: str, attributes: dict[str, str]) -> None:
        name = attributes.get("name")
        if tag == "option" and self._select is not None:
            self._form.add(self._select, "select", attributes.get("value", ""))
        elif not name:
            return
        elif tag == "select":
            self._select = name
            self._form.add(name, "select", None)
        elif tag == "textarea":
            self._form.add(name, "textarea", None)
        elif tag in ("input", "button"):
            kind = attributes.get("type") or ("submit" if tag == "button" else "text")
            self._form.add(name, kind, attributes.get("value"))

    def handle_endtag(self, tag: str) -> None:
        """Close the current form or select."""
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def parse_page(page_url: str, html: str) -> PageParser:
    """The forms and links of `html`, served at `page_url`."""
    parser = PageParser(page_url)
    parser.feed(html)
    parser.close()
    return parser


def query_pairs(url: str) -> list[tuple[str, str]]:
    """The query parameters of a URL as (name, value) pairs."""
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def query_names(url: str) -> set[str]:
    """The names of a URL's query parameters."""
    return {name for name, _value in query_pairs(url)}
