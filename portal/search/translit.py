"""Latin ↔ Cyrillic for the names people type both ways (Karakol, Jalal-Abad, Helvetas).

`latin_to_cyrillic` turns a lower-case Latin word into one to three Cyrillic spellings by a
small rule table with longest match: the Kyrgyz spelling first (j → ж, i → ы after a back
vowel and y, ayil → айыл), then the Russian one (j → дж, i → и, a final -kul → -куль), then the
Kyrgyz one with a final ng → ң. No word lists are involved.

`skeleton` is a lossy Latin key for a Latin or Cyrillic lower-case word, so that spellings
of one name collide. Its rules, in order:

1. дж → j; Cyrillic letters become Latin: ж → j, х → h, ч → ch, ш and щ → sh, ц → ts,
   я → ia, ю → iu, ы → y, й and и → i, е ё э → e, ө → o, ү → u, ң → n; ь and ъ are dropped.
2. Hyphens, apostrophes and spaces are dropped (jalal-abad = jalalabad).
3. Latin spellings: shch → sh, dzh dj zh → j, kh → h, ya → ia, yu → iu, ü → u, ö → o,
   ñ → n, w → v, x → ks, q → k, and c → k unless it starts ch.
4. A final y after a vowel becomes i (chuy = chui = чүй).
5. Doubled letters are collapsed (issyk = isyk, Ысык-Көл = ysykol).

Иссык and Ысык still differ (i against y); a word that maps to nothing keeps itself.
"""

import re
import unicodedata

_LATIN_RULES = {  # longest first: the first rule that matches wins
    "shch": "щ",
    "dzh": "дж",
    "zh": "ж",
    "kh": "х",
    "ch": "ч",
    "sh": "ш",
    "ts": "ц",
    "ya": "я",
    "yu": "ю",
    "yo": "ё",
    "ia": "я",
    "iu": "ю",
}
_LATIN_LETTERS = dict(
    zip("abcdfghklmnopqrstuvwzöüñışçğé", "абкдфгхклмнопкрстуввзөүңышчге", strict=True)
)
_LATIN_LETTERS["x"] = "кс"
_LATIN_VOWELS = frozenset("aeiouyöüı")
_CYRILLIC_VOWELS = frozenset("аеёиоөуүыэюя")
_BACK_VOWELS = frozenset("аоуыяё")

_CYRILLIC_TO_LATIN = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "j",
    "з": "z",
    "и": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "ң": "n",
    "о": "o",
    "ө": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ү": "u",
    "ф": "f",
    "х": "h",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "sh",
    "ы": "y",
    "э": "e",
    "ю": "iu",
    "я": "ia",
    "ь": "",
    "ъ": "",
}
_LATIN_SPELLINGS = (
    ("shch", "sh"),
    ("dzh", "j"),
    ("dj", "j"),
    ("zh", "j"),
    ("kh", "h"),
    ("ya", "ia"),
    ("yu", "iu"),
    ("ü", "u"),
    ("ö", "o"),
    ("ñ", "n"),
    ("w", "v"),
    ("x", "ks"),
    ("q", "k"),
)


def is_latin(word: str) -> bool:
    """Whether every letter of the word is a Latin letter (and there is at least one)."""
    letters = [ch for ch in word if ch.isalpha()]
    return bool(letters) and all("LATIN" in unicodedata.name(ch, "") for ch in letters)


def latin_to_cyrillic(word: str) -> list[str]:
    """One to three plausible Cyrillic spellings of a lower-case Latin word, likeliest first."""
    kyrgyz = "-".join(_part_to_cyrillic(part, russian=False) for part in word.split("-"))
    russian = "-".join(_part_to_cyrillic(part, russian=True) for part in word.split("-"))
    with_ng = re.sub(r"нг(?=-|$)", "ң", kyrgyz)
    return list(dict.fromkeys((kyrgyz, russian, with_ng)))


def _part_to_cyrillic(part: str, russian: bool) -> str:
    """Transliterate one hyphen-free part by longest match over the rule table."""
    out: list[str] = []
    position = 0
    while position < len(part):
        rule = next((r for r in _LATIN_RULES if part.startswith(r, position)), None)
        if rule:
            out.append(_LATIN_RULES[rule])
            position += len(rule)
            continue
        out.append(_letter_to_cyrillic(part, position, out, russian))
        position += 1
    text = "".join(out)
    return re.sub(r"кул$", "куль", text) if russian else text


def _letter_to_cyrillic(part: str, position: int, out: list[str], russian: bool) -> str:
    """The Cyrillic for one Latin letter; e, i, j and y depend on their neighbours."""
    letter = part[position]
    after_vowel = bool(out) and out[-1][-1] in _CYRILLIC_VOWELS
    next_is_vowel = position + 1 < len(part) and part[position + 1] in _LATIN_VOWELS - {"y"}
    if letter == "e":
        return "э" if not out else "е"
    if letter == "j":
        return "дж" if russian else "ж"
    if letter == "y":
        return "й" if after_vowel else "ы"
    if letter == "i":
        if after_vowel and not next_is_vowel:
            return "й"
        vowels = [ch for ch in "".join(out) if ch in _CYRILLIC_VOWELS]
        back = bool(vowels) and vowels[-1] in _BACK_VOWELS
        return "ы" if back and out[-1] == "й" and not russian else "и"
    return _LATIN_LETTERS.get(letter, letter)


def skeleton(word: str) -> str:
    """A lossy Latin key under which spellings of one name in either script collide."""
    key = word.replace("дж", "j")
    key = "".join(_CYRILLIC_TO_LATIN.get(ch, ch) for ch in key)
    key = re.sub(r"[-'’ʼ`\s]", "", key)
    for spelling, replacement in _LATIN_SPELLINGS:
        key = key.replace(spelling, replacement)
    key = re.sub(r"c(?!h)", "k", key)
    key = re.sub(r"(?<=[aeiou])y$", "i", key)
    key = re.sub(r"(.)\1+", r"\1", key)
    return key or word
