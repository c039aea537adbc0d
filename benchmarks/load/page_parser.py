"""A small HTML tree for the load test's users: find forms, fields, links and texts in a page."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


@dataclass
class Element:
    """One element with its attributes, children and the text directly inside it."""

    tag: str
    attrs: dict[str, str]
    children: list["Element | str"] = field(default_factory=list)

    def text(self) -> str:
        """All the text inside, whitespace collapsed."""
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join(" ".join(parts).split())

    def raw_text(self) -> str:
        """The text inside exactly as written (a textarea keeps its line breaks)."""
        parts = [c if isinstance(c, str) else c.raw_text() for c in self.children]
        return "".join(parts).removeprefix("\n")

    def find_all(self, tag: str, **attrs: str) -> list["Element"]:
        """Descendants with this tag whose attributes contain the given values (class: a word)."""
        found = []
        for child in self.children:
            if isinstance(child, str):
                continue
            if child.tag == tag and child.matches(attrs):
                found.append(child)
            found.extend(child.find_all(tag, **attrs))
        return found

    def find(self, tag: str, **attrs: str) -> "Element | None":
        """The first descendant find_all would return, or None."""
        matches = self.find_all(tag, **attrs)
        return matches[0] if matches else None

    def matches(self, attrs: dict[str, str]) -> bool:
        """Whether this element has every attribute value asked for."""
        for name, wanted in attrs.items():
            name = name.rstrip("_")
            value = self.attrs.get(name)
            if value is None:
                return False
            if name == "class" and wanted not in value.split():
                return False
            if name != "class" and value != wanted:
                return False
        return True


class TreeBuilder(HTMLParser):
    """Builds Element trees, forgiving unclosed tags as browsers do."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID_ELEMENTS:
            self.stack.append(element)

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    """The element tree of a page."""
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def form_with_action(page: Element, action_part: str) -> Element | None:
    """The first form whose action contains `action_part`."""
    for form in page.find_all("form"):
        if action_part in form.attrs.get("action", ""):
            return form
    return None


def form_fields(form: Element) -> list[tuple[str, str]]:
    """The (name, value) pairs a browser would send for `form` as it stands (no button)."""
    pairs = []
    for element in form.find_all("input"):
        name, kind = element.attrs.get("name"), element.attrs.get("type", "text")
        if not name or kind in {"submit", "button", "file", "image", "reset"}:
            continue
        if kind in {"checkbox", "radio"} and "checked" not in element.attrs:
            continue
        pairs.append((name, element.attrs.get("value", "on" if kind == "checkbox" else "")))
    for element in form.find_all("textarea"):
        if element.attrs.get("name"):
            pairs.append((element.attrs["name"], element.raw_text()))
    for element in form.find_all("select"):
        if element.attrs.get("name"):
            pairs.extend((element.attrs["name"], value) for value in selected_values(element))
    return pairs


def selected_values(select: Element) -> list[str]:
    """The values a select sends: the selected options, or the first for a single select."""
    options = select.find_all("option")
    chosen = [option for option in options if "selected" in option.attrs]
    if not chosen and options and "multiple" not in select.attrs:
        chosen = options[:1]
    return [option.attrs.get("value", option.text()) for option in chosen]


def csrf_token(page: Element) -> str:
    """The CSRF token of the first form on the page that has one."""
    field_ = page.find("input", name="csrf_token")
    return field_.attrs.get("value", "") if field_ else ""


def links(page: Element, prefix: str) -> list[str]:
    """The distinct hrefs on the page that start with `prefix`, in page order."""
    hrefs = (a.attrs.get("href", "") for a in page.find_all("a"))
    return list(dict.fromkeys(h for h in hrefs if h.startswith(prefix)))
