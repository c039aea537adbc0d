"""Kyrgyz word normalisation and a light suffix stripper for full-text search.

The caller lower-cases a token, calls `repair_letters`, drops `STOP_WORDS`, calls `stem`
and only then `fold`: vowel harmony in the suffixes depends on ө and ү, so folding first
would lose the information the stripper needs.

The stripper follows the noun morphology described in the Apertium Kyrgyz grammar
(Washington, Ipasov & Tyers, LREC 2012): stem + plural + possessive + case. It removes at
most one case suffix, then at most one possessive, then at most one plural, and repeats that
until nothing changes, so `stem` is idempotent. A suffix is only accepted when its vowels
agree with the vowel before it and its first consonant agrees with the sound before it
(-да after vowels and voiced consonants, -та after voiceless ones, and so on). Words typed
without ө ү ң (phones without a Kyrgyz layout) are matched with о≈ө and у≈ү.

Deliberately not stripped: the first person singular -{I}м (it would cut билим, бөлүм,
чечим, чыгым, салым), derivational suffixes (-лык, -чы, -чылык, -кы after a consonant) and
verb endings. A stem-final г or б between a vowel and the end is written к or п
(аймагы → аймак, мектеби → мектеп), also for uninflected loanwords (педагог → педагок), so
that all forms of a word meet.
"""

from collections.abc import Iterator

_REPAIRS = str.maketrans(
    {
        "ѳ": "ө",
        "ӧ": "ө",
        "є": "ө",
        "ӱ": "ү",
        "ұ": "ү",
        "ї": "ү",
        "ӊ": "ң",
        "ҥ": "ң",
        "ӈ": "ң",
        "ў": "ң",
        "ё": "е",
    }
)
_LATIN_TWINS = str.maketrans("aceopxykmthbi", "асеорхукмтнви")
_FOLD = str.maketrans("өүң", "оун")

_VOWELS = frozenset("аеёиоөуүыэюя")
_VOICELESS = frozenset("пткфхцчшщс")
# The low vowel {A} and the high vowel {I} that follow a given vowel. After у the low vowel
# stays а (суулар, Учкунда) while after ү it rounds to ө (күндөр).
_LOW = dict(zip("аыяуюеиэоёөү", "аааааеееооөө", strict=True))
_HIGH = dict(zip("аыяуюеиэоёөү", "ыыыууиииууүү", strict=True))
_UNFOLD = {"о": "ө", "у": "ү"}

# (template, what must precede): "v" a vowel, "c" a consonant, "" anything. Upper-case
# letters are archiphonemes: A low vowel, I high vowel, N н/д/т, D д/т, G г/к, L л/д/т.
_CASES = (
    ("NIн", ""),  # genitive: -нын, -дын, -тын
    ("DAгI", ""),  # locative + attributive: -дагы, -тагы
    ("DAн", ""),  # ablative: -дан, -тан
    ("GA", ""),  # dative: -га, -ка
    ("NI", ""),  # accusative: -ны, -ды, -ты
    ("DA", ""),  # locative: -да, -та
)
# Case forms that only follow a third person possessive (шаарындагы, өкмөтүнө, планын).
_CASES_AFTER_POSS3 = (
    ("нDAгI", "v"),
    ("нDAн", "v"),
    ("нAн", "v"),
    ("нDA", "v"),
    ("нA", "v"),
    ("н", "v"),
)
_POSSESSIVES = (
    ("IбIз", "c"),  # our: айылыбыз
    ("бIз", "v"),  # өлкөбүз
    ("IңIз", "c"),  # your (polite): муниципалитетиңиз
    ("ңIз", "v"),
    ("IңAр", "c"),  # your (plural)
    ("ңAр", "v"),
    ("Iң", "c"),  # your: only with a real ң, a typed н is the accusative -н
    ("ң", "v"),
    ("сI", "v"),  # his/her/its after a vowel: көчөсү
    ("I", "c"),  # his/her/its after a consonant: шаары
)
_PLURALS = (("LAр", ""),)
_POSS3 = frozenset({"сI", "I"})
_LITERAL_NG = frozenset({"Iң", "ң"})
_AFTER_POSS3 = frozenset(template for template, _ in _CASES_AFTER_POSS3)

STOP_WORDS: frozenset[str] = frozenset(
    """
    жана менен үчүн бул ал да дагы ошол ошондой ошону ошого ошондо ошентип бир эле болуп
    деп же бирок анын алар алардын аларга аларды биз биздин бизге бизди сиз сиздин сизге
    мен менин мага сен сенин силер ага аны андан анда ага мында мына муну мунун бу ушул
    ушундай мындай андай бардык баары ар эч кээ ким эмне кандай кайда качан канча эмес
    жок бар эгер эгерде анткени себеби ошондуктан эми анан тууралуу жөнүндө боюнча аркылуу
    чейин кийин сыяктуу катары ичинде дейт деди деген болот болгон болду болсо экен элек
    өтө абдан эң гана го бы чы ко ээ ж.б. ж.б.у.с. б.а. ал эми өзү өзүнүн тарабынан карата
    ылайык менен бирге
    """.split()
)

# Words that end like a suffix but must not be cut into: облусу is облус + у, not облу +
# су; Нарын, Учкун and Кемин are not a possessive plus the accusative -н; Кыргызстан is
# not an ablative.
STEM_EXCEPTIONS: frozenset[str] = frozenset(
    """
    облус талас манас бизнес адрес интерес вирус коронавирус кризис сервис автобус статус
    хельветас хелветас нарын учкун кемин аламүдүн алтын жыйын тургун бүгүн мүмкүн толкун
    салкын таштанды демилге
    кыргызстан казакстан өзбекстан тажикстан түркмөнстан пакистан майдан пайда доктор башка
    план район проект объект текст факт контракт продукт
    """.split()
)
# Stems below three letters that are still worth stripping to (Ошто, иштер, элдин, үйлөр).
SHORT_STEMS: frozenset[str] = frozenset({"ош", "иш", "эл", "үй", "ай"})
_FOLDED_SHORT_STEMS = frozenset({"ош", "иш", "эл", "уй", "ай"})  # SHORT_STEMS typed folded
# Three-letter stems for which -{I}н is taken as possessive + accusative (жолун, тилин); for
# other stems under four letters it is kept, since Нарын, Учкун, жыйын end the same way.
_ACCUSATIVE_STEMS = frozenset({"жол", "жер", "сан", "баш", "тил", "иш", "эл", "ай", "үй"})
# Stems ending in ч that take the possessive -{I}; elsewhere -чы/-чу is agentive (Балыкчы).
_CH_STEMS = frozenset({"күч", "агач", "кылыч", "ич"})


def repair_letters(word: str) -> str:
    """Replace look-alike letters in a lower-cased token by the Kyrgyz Cyrillic ones."""
    word = word.translate(_REPAIRS)
    cyrillic = sum(1 for ch in word if "\u0400" <= ch <= "\u04ff")
    latin = sum(1 for ch in word if ch.isalpha() and not "\u0400" <= ch <= "\u04ff")
    if latin and cyrillic >= latin:
        word = word.translate(_LATIN_TWINS)
    return word


def fold(word: str) -> str:
    """Fold ө→о, ү→у, ң→н, as people type without a Kyrgyz keyboard layout."""
    return word.translate(_FOLD)


def stem(word: str) -> str:
    """Strip Kyrgyz case, possessive and plural suffixes from a repaired lower-case token."""
    if not word or any(ch.isdigit() for ch in word):
        return word
    if not any("\u0400" <= ch <= "\u04ff" for ch in word):
        return word
    head, hyphen, last = word.rpartition("-")
    if not last:
        return word
    result = last
    for _ in range(4):
        shorter = _strip_once(result)
        if shorter == result:
            break
        result = shorter
    return head + hyphen + _devoice(result)


def stems(word: str) -> tuple[str, ...]:
    """The stem, and a second one when the case suffix's т or д may belong to the stem.

    медпункту is медпункт + possessive -у or медпунк + accusative -ту, фонду is фонд + у or
    фон + ду; only a dictionary could tell, so search indexes both and a query for any form
    of the word meets the text.
    """
    primary = stem(word)
    head, hyphen, last = word.rpartition("-")
    bare = primary.rpartition("-")[2]
    if not head and primary != word and len(last) > len(bare) and last[len(bare)] in "тд":
        longer = last[: len(bare) + 1]
        if longer[-2] != longer[-1] and longer in _candidates(last):
            return (primary, head + hyphen + longer)
    return (primary,)


def _strip_once(word: str) -> str:
    """The shortest acceptable stem of one case + possessive + plural parse of the word."""
    return min(_candidates(word), key=len)


def _candidates(word: str) -> list[str]:
    """The word and every acceptable stem of one case + possessive + plural parse of it."""
    tolerant = not any(ch in "өүң" for ch in word)
    floor = _exception_floor(word)
    found = [word]
    for cased, case in _splits(word, _CASES + _CASES_AFTER_POSS3, tolerant):
        for owned, poss in _splits(cased, _POSSESSIVES, tolerant):
            if not _case_fits(case, poss, owned):
                continue
            for bare, _ in _splits(owned, _PLURALS, tolerant):
                if len(bare) < len(word) and len(bare) >= floor and _is_stem(bare):
                    found.append(bare)
    return found


def _splits(
    word: str, templates: tuple[tuple[str, str], ...], tolerant: bool
) -> Iterator[tuple[str, str | None]]:
    """Yield the word unsplit, then every (rest, template) whose suffix fits its rest."""
    yield word, None
    for template, before in templates:
        rest = word[: -len(template)]
        if len(rest) < 2 or not _precedes(rest, before):
            continue
        if tolerant and template in _LITERAL_NG:
            continue
        ending = word[-len(template) :]
        if any(_matches(form, ending, tolerant) for form in _realise(template, rest, tolerant)):
            yield rest, template


def _case_fits(case: str | None, poss: str | None, owned: str) -> bool:
    """Whether a case suffix may follow the possessive found before it."""
    if case in _AFTER_POSS3 and poss not in _POSS3:
        return False
    short_accusative = case == "н" and poss == "I" or poss == "Iң"
    return not short_accusative or len(owned) >= 4 or owned in _ACCUSATIVE_STEMS


def _precedes(rest: str, before: str) -> bool:
    """Whether the end of `rest` is the kind of sound a suffix needs before it."""
    last = rest[-1]
    if before == "v":
        return last in _VOWELS
    if before == "c":
        return last not in _VOWELS and (last != "ч" or rest in _CH_STEMS)
    return True


def _realise(template: str, rest: str, tolerant: bool) -> list[str]:
    """The spellings a suffix template takes after `rest`, by harmony and assimilation."""
    vowel = next((ch for ch in reversed(rest) if ch in _VOWELS), None)
    if vowel is None:
        return []
    starts = [vowel, _UNFOLD[vowel]] if tolerant and vowel in _UNFOLD else [vowel]
    forms = []
    for start in starts:
        out, previous, vowel = [], rest[-1], start
        for symbol in template:
            letter = _letter(symbol, previous, vowel)
            out.append(letter)
            previous = letter
            vowel = letter if letter in _VOWELS else vowel
        forms.append("".join(out))
    return forms


def _letter(symbol: str, previous: str, vowel: str) -> str:
    """One letter of a suffix: an archiphoneme resolved after `previous` and `vowel`."""
    if symbol == "A":
        return _LOW[vowel]
    if symbol == "I":
        return _HIGH[vowel]
    if symbol not in "NDGL":
        return symbol
    if previous in _VOICELESS:
        return {"N": "т", "D": "т", "G": "к", "L": "т"}[symbol]
    if symbol == "N" and previous in _VOWELS or symbol == "L" and previous in _VOWELS | {"й", "р"}:
        return "н" if symbol == "N" else "л"
    return "г" if symbol == "G" else "д"


def _matches(form: str, ending: str, tolerant: bool) -> bool:
    """Whether a realised suffix is the word's ending (о≈ө, у≈ү, н≈ң when typed folded)."""
    return fold(form) == ending if tolerant else form == ending


def _exception_floor(word: str) -> int:
    """The shortest stem allowed for a word that starts with an exception."""
    folded = fold(word)
    return max((len(ex) for ex in STEM_EXCEPTIONS if folded.startswith(fold(ex))), default=0)


def _is_stem(candidate: str) -> bool:
    """Whether a remainder is long enough to be a stem: three letters and a vowel."""
    if fold(candidate) in _FOLDED_SHORT_STEMS:
        return True
    return len(candidate) >= 3 and any(ch in _VOWELS for ch in candidate)


def _devoice(stem_: str) -> str:
    """Write a final г/б after a vowel as к/п, the spelling before a consonant or a pause."""
    if len(stem_) >= 3 and stem_[-2] in _VOWELS and stem_[-1] in "гб":
        return stem_[:-1] + ("к" if stem_[-1] == "г" else "п")
    return stem_
