"""Search benchmark vocabulary: word Markov chains and place names from the source texts."""

import json
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (ROOT / "practices/demo/practices.json", ROOT / "tests/search/relevance_corpus.json")
FACTS = ROOT.parent / "shared" / "FACTS.md"

CITY_MUNICIPALITIES = {"bishkek": "Бишкек шаары", "osh-city": "Ош шаары"}
#: Synthetic ayil aimak names (first part + second part), beside the real ones of the corpus.
NAME_FIRST = "Ак Кара Көк Сары Кызыл Ала Таш Жаңы Чоң Кичи Беш Үч Орто Төмөн Жогорку".split()
NAME_SECOND = (
    "Булак Суу Жар Бел Таш Кол Дөбө Арык Кыя Тоо Сай Талаа Көл Булуң Өзөн Башат Кайың Терек "
    "Жыгач Коргон"
).split()

START, END = "\x02", "\x03"
#: A place name in a training sentence: PLACE + language, then SEP-separated inflection class,
#: original token and suffix (\x01 because str.split() takes \x1c–\x1f for whitespace).
PLACE, SEP = "\x04", "\x01"
#: Shares of place names kept as written, and replaced by the practice's own municipality.
KEEP_SHARE = 0.2
HOME_SHARE = 0.6
#: Names of regions are left alone (the index adds them anyway); Bishkek and Osh are regions.
REGION_STEMS = {"Нарын", "Талас", "Баткен", "Жалал-Абад", "Ош", "Бишкек", "Чүй", "Ысык-Көл"}
KY_VOWELS = "аеёиоөуүыэюя"
VOICELESS = frozenset("пткфхцчшщс")
#: Vowels after which Kyrgyz suffixes look the same (Балыкчыда, Таласта; Кеминде, Ысыкта…).
HARMONY = str.maketrans("ёюяэыиү", "оуаеаеө")
FOLD = str.maketrans("өүңӨҮҢ", "оунОУН")
LATIN_LETTERS = dict(
    zip(
        "абвгдеёжзийклмнңоөпрстуүфхцчшщыэюя",
        "a b v g d e yo j z i y k l m n ng o o p r s t u u f kh ts ch sh sch y e yu ya".split(),
        strict=True,
    )
) | {"ъ": "", "ь": ""}
SENTENCE_SPLIT = re.compile(r"(?<=[.!?…])\s+")
LINE_MARKUP = re.compile(r"^\s*(?:#+|[-*]|\d+\.)\s+")
ITALIC = re.compile(r"\*([^*]+)\*")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
FACT_FRAGMENT = re.compile(r"\b(ky|Kyrgyz|ru|Russian)\s+\*([^*]+)\*")
TERMINAL = (".", "!", "?", "…")


def sentences_of(text: str) -> list[str]:
    """The sentences of a text with Markdown line markers and emphasis removed."""
    found = []
    for line in text.replace("**", "").splitlines():
        line = LINE_MARKUP.sub("", line).strip()
        found += [part for part in SENTENCE_SPLIT.split(line) if len(part.split()) >= 2]
    return found


def source_practices() -> list[dict]:
    """The practices of the demo library and the relevance corpus."""
    return [record for path in SOURCES for record in json.loads(path.read_text("utf-8"))]


def source_texts(records: list[dict]) -> dict[str, dict[str, list[str]]]:
    """Training sentences per language and part (title, summary, body)."""
    texts: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for record in records:
        for language, translation in record["translations"].items():
            texts[language]["title"].append(translation["title"])
            texts[language]["summary"] += sentences_of(translation.get("summary", ""))
            for name in ("problem", "actions", "results", "lessons", "body"):
                texts[language]["body"] += sentences_of(translation.get(name, ""))
    for language, fragments in facts_sentences().items():
        texts[language]["body"] += fragments
    return texts


def facts_sentences() -> dict[str, list[str]]:
    """Kyrgyz and Russian terms and English sentences of FACTS.md (empty when it is absent)."""
    if not FACTS.exists():
        return {}
    found: dict[str, list[str]] = defaultdict(list)
    text = FACTS.read_text("utf-8")
    # The facts start at the first section; the lines before it address the authors.
    for line in text[text.find("\n## ") :].splitlines():
        if line.startswith("#"):
            continue
        for label, fragment in FACT_FRAGMENT.findall(line):
            found["ky" if label in ("ky", "Kyrgyz") else "ru"].append(fragment)
        english = ITALIC.sub(lambda m: "" if CYRILLIC.search(m.group(1)) else m.group(1), line)
        english = re.sub(r"\b(ky|ru|Kyrgyz|Russian)\b\s*[,;)]?", "", english)
        if not CYRILLIC.search(english):
            found["en"] += sentences_of(english)
    return found


def municipality_names(records: list[dict]) -> list[str]:
    """Real municipalities of the corpus and synthetic ayil aimaks (about 320 in all)."""
    real = {r["municipality"] for r in records if r["municipality"].endswith(("аймагы", "шаары"))}
    made = {f"{first}-{second} айыл аймагы" for first in NAME_FIRST for second in NAME_SECOND}
    return sorted((real | made) - set(CITY_MUNICIPALITIES.values()))


class Chain:
    """A word Markov chain of order 2 that backs off to order 1 now and then, for variety."""

    def __init__(self, sentences: list[str], order2_share: float = 0.65):
        second: dict[tuple[str, str], list[str]] = defaultdict(list)
        first: dict[str, list[str]] = defaultdict(list)
        for sentence in sentences:
            tokens = [START, START, *sentence.split(), END]
            for a, b, c in zip(tokens, tokens[1:], tokens[2:], strict=False):
                second[(a, b)].append(c)
                first[b].append(c)
        self.second, self.first = dict(second), dict(first)
        self.order2_share = order2_share

    def sentence(self, rng: random.Random, limit: int = 40) -> list[str]:
        """One generated sentence of at most `limit` words."""
        a, b, out = START, START, []
        while len(out) < limit:
            options = self.second[(a, b)]
            if b != START and rng.random() > self.order2_share:
                options = self.first[b]
            word = rng.choice(options)
            if word == END:
                break
            out.append(word)
            a, b = b, word
        return out

    def text(self, rng: random.Random, words: int, fill=None) -> list[str]:
        """Sentences, each ending in punctuation, until there are at least `words` words."""
        sentences, count = [], 0
        while count < words:
            tokens = self.sentence(rng)
            if not tokens:
                continue
            tokens = fill(tokens) if fill else tokens
            if not tokens[-1].rstrip(')»"').endswith(TERMINAL):
                tokens[-1] = tokens[-1].rstrip(",;:—–-") + "."
            sentences.append(" ".join(tokens))
            count += len(tokens)
        return sentences


def fold(text: str) -> str:
    """Kyrgyz letters written the Russian way (ө ү ң → о у н)."""
    return text.translate(FOLD)


def latin(name: str) -> str:
    """A Kyrgyz name in plain Latin letters (Жалал-Абад → Jalal-Abad)."""
    parts = ["".join(LATIN_LETTERS.get(c, c) for c in p.lower()) for p in name.split("-")]
    return "-".join(part.capitalize() for part in parts)


def ky_class(name: str) -> str:
    """What Kyrgyz suffixes after `name` look like: its last vowel and its last sound."""
    vowels = [char for char in name.lower() if char in KY_VOWELS]
    last = vowels[-1].translate(HARMONY) if vowels else "а"
    end = name[-1].lower()
    return last + ("v" if end in KY_VOWELS else "t" if end in VOICELESS else "d")


def ru_class(name: str) -> str:
    """Russian declension class of a (folded) name: -а/-я, -й, other vowels (indeclinable)."""
    end = name[-1].lower()
    if end in "ая":
        return "а"
    return end if end == "й" else "v" if end in KY_VOWELS else "c"


class PlaceNames:
    """Place names of the source texts swapped for others, so they spread like real ones.

    The source texts name a few dozen places over and over; left alone, "Karakol" would be
    in most generated practices. Training marks each place name with its inflection class;
    generation puts in the practice's own municipality or another of the same class (same
    last vowel and sound, so Kyrgyz suffixes stay right), keeping the original now and then.
    """

    def __init__(self, source_stems: list[str], pool: list[str]):
        forms = {"ky": lambda n: n, "ru": fold, "en": lambda n: latin(fold(n))}
        self.classify = {"ky": ky_class, "ru": ru_class, "en": lambda name: ""}
        self.stems = {
            lang: sorted({form(stem) for stem in source_stems}, key=len, reverse=True)
            for lang, form in forms.items()
        }
        self.groups: dict[str, dict[str, list[str]]] = {}
        for lang, form in forms.items():
            groups: dict[str, list[str]] = defaultdict(list)
            for name in pool:
                groups[self.classify[lang](form(name))].append(form(name))
            self.groups[lang] = dict(groups)
        self.forms = forms

    def encode(self, token: str, language: str) -> str:
        """The token, or a placeholder when it is an (inflected) place name."""
        core = token.rstrip('.,;:!?…»)"')
        for stem in self.stems[language]:
            if core.startswith(stem) and self.is_suffix(core[len(stem) :], language):
                key = self.classify[language](stem)
                return SEP.join((PLACE + language, key, token, token[len(stem) :]))
        return token

    @staticmethod
    def is_suffix(rest: str, language: str) -> bool:
        """Whether `rest` can be an inflection of a place name in `language`."""
        if language == "en":
            return rest in ("", "'s")
        limit = 6 if language == "ky" else 3
        return rest == "" or (len(rest) <= limit and rest.islower() and bool(CYRILLIC.match(rest)))

    def fill(self, tokens: list[str], rng: random.Random, home: str) -> list[str]:
        """The tokens with every placeholder replaced by a place name."""
        return [self.place(t, rng, home) if t[0] == PLACE else t for t in tokens]

    def place(self, token: str, rng: random.Random, home: str) -> str:
        """One place name: the original, the practice's home or another of its class."""
        head, key, original, suffix = token.split(SEP)
        names = self.groups[head[1:]].get(key)
        if not names or rng.random() < KEEP_SHARE:
            return original
        home = self.forms[head[1:]](home)
        if rng.random() < HOME_SHARE and self.classify[head[1:]](home) == key:
            return home + suffix
        return rng.choice(names) + suffix


def place_stems(records: list[dict]) -> list[str]:
    """Municipality names the source texts talk about (regions and short names left out)."""
    stems = set()
    for record in records:
        name = record["municipality"]
        if name.endswith((" айыл аймагы", " шаары")) and len(name.split()) <= 3:
            stems.add(name.split()[0])
    return sorted(stem for stem in stems if stem not in REGION_STEMS and len(stem) >= 4)


@dataclass
class LanguageModel:
    """The chains of one language (titles, summaries, bodies) and its place names."""

    language: str
    places: PlaceNames
    title_chain: Chain
    summary_chain: Chain
    body_chain: Chain

    def filler(self, rng: random.Random, home: str):
        """A function putting place names into generated tokens."""
        return lambda tokens: self.places.fill(tokens, rng, home)

    def title(self, rng: random.Random, home: str) -> str:
        """A title of 6–12 words."""
        target, words = rng.randint(6, 12), []
        while len(words) < target:
            words += self.title_chain.sentence(rng, target - len(words))
        words = self.places.fill(words[:target], rng, home)
        title = " ".join(words).rstrip(".!?…,;:")[:200]
        return title[:1].upper() + title[1:]

    def summary(self, rng: random.Random, home: str) -> str:
        """A summary of about 25 words (at most 300 characters, the column's size)."""
        sentences = self.summary_chain.text(rng, rng.randint(18, 30), self.filler(rng, home))
        text = " ".join(sentences)
        return text if len(text) <= 300 else text[:300].rsplit(" ", 1)[0] + "…"

    def paragraph(self, rng: random.Random, home: str, words: int) -> str:
        """About `words` words of body text."""
        return " ".join(self.body_chain.text(rng, words, self.filler(rng, home)))

    def paragraphs(self, rng: random.Random, home: str, words: int) -> str:
        """About `words` words in paragraphs of three or four sentences."""
        sentences = self.body_chain.text(rng, words, self.filler(rng, home))
        chunks, start = [], 0
        while start < len(sentences):
            size = rng.randint(3, 4)
            chunks.append(" ".join(sentences[start : start + size]))
            start += size
        return "\n\n".join(chunks)


def language_models(records: list[dict], places: PlaceNames) -> dict[str, LanguageModel]:
    """A LanguageModel per language, trained on the demo texts, the corpus and FACTS.md."""
    models = {}
    for language, parts in source_texts(records).items():
        chains = {
            part: Chain(
                [" ".join(places.encode(t, language) for t in s.split()) for s in sentences]
            )
            for part, sentences in parts.items()
        }
        models[language] = LanguageModel(
            language, places, chains["title"], chains["summary"], chains["body"]
        )
    return models
