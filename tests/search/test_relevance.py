"""Search quality on fixed, judged corpora: MRR@10 and nDCG@10 for each kind of query.

Two judged sets, each a corpus and its queries:

- "main": relevance_corpus.json, invented but realistic case studies (independent of the demo
  library, so editing demo content never moves these numbers), and judged_queries.json;
- "holdout": holdout_corpus.json, written like municipal press releases, and
  holdout_queries.json, both written without looking at the engine (see HOLDOUT.md), to show
  whether tuning on the main set generalises.

Judgments were made by reading the documents, not by running the engine:

- 3: the answer (the practice the query is about), 2: relevant, 1: marginally relevant.
- A practice relevant in content but with no translation in the query's language is graded
  at most 1: finding it needs cross-language retrieval, which the engine does not promise.
  Proper names typed in Latin ("latin" queries) are language-neutral and graded in full.
- "general" queries use words of the relevant texts (other inflections allowed); "hard"
  queries share no word with any document (checked below): inflections the texts do not
  use, ө/ү/ң typed as о/у/н, ё typed as е, Latin spellings, joined or split hyphenated names,
  typos.

Run `pytest -s tests/search/test_relevance.py` for the summary line of each kind.
"""

import importlib.util
import json
import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pytest

HERE = Path(__file__).parent
CORPUS = HERE / "relevance_corpus.json"
QUERIES = HERE / "judged_queries.json"
#: name → (corpus, queries)
JUDGED_SETS = {
    "main": (CORPUS, QUERIES),
    "holdout": (HERE / "holdout_corpus.json", HERE / "holdout_queries.json"),
}

#: Floors per kind of query: (MRR@10, nDCG@10); None means "not asserted".
FLOORS = {"general": (0.95, 0.90), "hard": (0.90, 0.85)}
#: Ranks that count.
CUTOFF = 10
#: How many of the worst queries a failure message lists.
WORST_SHOWN = 15

LANGUAGES = {"ky", "ru", "en", "latin"}
GRADES = {1, 2, 3}
TEXT_FIELDS = ("title", "summary", "problem", "actions", "results", "lessons", "body")
#: A word as the search sees one: letters and digits, hyphenated names kept whole.
WORD = re.compile(r"\w+(?:[-‐‑–]\w+)*")
HYPHEN = re.compile(r"[-‐‑–]")


def _load_metrics():
    # Tests run with --import-mode=importlib and tests/search is no package: load by path.
    spec = importlib.util.spec_from_file_location("search_relevance_metrics", HERE / "metrics.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


metrics = _load_metrics()


def load_corpus(name: str = "main") -> list[dict]:
    return json.loads(JUDGED_SETS[name][0].read_text(encoding="utf-8"))


def load_queries(name: str = "main") -> list[dict]:
    return json.loads(JUDGED_SETS[name][1].read_text(encoding="utf-8"))


def words(text: str) -> list[str]:
    """Lower-case words of `text`, hyphens normalised (Ак-Муз → ак-муз)."""
    text = unicodedata.normalize("NFC", text).lower()
    return [HYPHEN.sub("-", match.group()) for match in WORD.finditer(text)]


def record_text(record: dict) -> str:
    """Every piece of free text of a record that a search could index."""
    contact = record.get("contact") or {}
    parts = [record.get("municipality"), record.get("partners"), *contact.values()]
    for texts in record["translations"].values():
        parts += [texts.get(field) for field in TEXT_FIELDS]
    return "\n".join(part for part in parts if part)


# ---------------------------------------------------------------- the files themselves


def test_corpus_is_shaped_like_the_brief():
    corpus = load_corpus()
    assert 45 <= len(corpus) <= 60
    slugs = [record["slug"] for record in corpus]
    assert len(set(slugs)) == len(slugs)
    mix = Counter("+".join(sorted(record["translations"])) for record in corpus)
    assert sum(n for languages, n in mix.items() if "en" in languages) >= len(corpus) // 4
    assert mix["ky"] >= 3 and mix["ru"] >= 3, mix
    for record in corpus:
        assert record["status"] == "published", record["slug"]
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", record["slug"]), record["slug"]
        for language, texts in record["translations"].items():
            where = f"{record['slug']} [{language}]"
            assert texts["title"].strip() and len(texts.get("summary", "")) <= 300, where
            paragraphs = [p for p in texts["body"].split("\n\n") if p.strip()]
            assert 2 <= len(paragraphs) <= 5, where
            assert 80 <= len(words(texts["body"])) <= 250, where


@pytest.mark.parametrize("name", JUDGED_SETS)
def test_corpus_imports_cleanly(runner, name):
    result = runner.invoke(args=["practices", "import", "--strict", str(JUDGED_SETS[name][0])])
    assert result.exit_code == 0, result.output
    assert f"Imported {len(load_corpus(name))} practice(s)" in result.output, result.output


@pytest.mark.parametrize("name", JUDGED_SETS)
def test_judged_queries_are_well_formed(name):
    slugs = {record["slug"] for record in load_corpus(name)}
    queries = load_queries(name)
    kinds = Counter(query["kind"] for query in queries)
    assert len(queries) >= 80 and kinds["hard"] >= 30 and kinds["general"] >= 45, kinds
    seen = set()
    for query in queries:
        assert set(query) == {"query", "language", "kind", "relevant"}, query
        assert query["language"] in LANGUAGES and query["kind"] in FLOORS, query
        key = (query["query"].lower(), query["language"])
        assert key not in seen, f"duplicate query {query['query']!r}"
        seen.add(key)
        relevant = query["relevant"]
        assert set(relevant) <= slugs, f"{query['query']!r}: unknown {set(relevant) - slugs}"
        assert set(relevant.values()) <= GRADES, query
        assert max(relevant.values()) >= 2, f"{query['query']!r} has no answer"


@pytest.mark.parametrize("name", JUDGED_SETS)
def test_hard_queries_share_no_word_with_the_corpus(name):
    """The honesty check: no word of a hard query appears verbatim in any document."""
    vocabulary = defaultdict(set)
    for record in load_corpus(name):
        for word in words(record_text(record)):
            vocabulary[word].add(record["slug"])
    leaks = [
        f"{query['query']!r}: {word!r} is in {sorted(vocabulary[word])[:3]}"
        for query in load_queries(name)
        if query["kind"] == "hard"
        for word in words(query["query"])
        if word in vocabulary
    ]
    assert not leaks, "hard queries must not match verbatim:\n" + "\n".join(leaks)


# ---------------------------------------------------------------- the search itself


def ranked_slugs(client, query: str) -> list[str]:
    """The keys of the first CUTOFF results of /api/search, best first."""
    response = client.get("/api/search", query_string={"q": query, "per_page": CUTOFF})
    assert response.status_code == 200, f"{query!r}: HTTP {response.status_code}"
    data = response.get_json()
    missing = {"query", "total", "page", "per_page", "results", "facets", "suggestion"} - set(data)
    assert not missing, f"{query!r}: response lacks {sorted(missing)}"
    keys = []
    for result in data["results"][:CUTOFF]:
        assert {"type", "slug", "title", "language", "url", "snippet", "score"} <= set(result)
        # Anything other than a practice can never be a judged answer.
        keys.append(result["slug"] if result["type"] == "practice" else f"{result['type']}:?")
    return keys


@pytest.mark.parametrize("name", JUDGED_SETS)
def test_search_relevance(runner, client, name):
    result = runner.invoke(args=["practices", "import", str(JUDGED_SETS[name][0])])
    assert result.exit_code == 0, result.output

    rows = []
    for query in load_queries(name):
        ranking = ranked_slugs(client, query["query"])
        rows.append(
            {
                **query,
                "ranking": ranking,
                "rr": metrics.reciprocal_rank(ranking, query["relevant"], CUTOFF),
                "ndcg": metrics.ndcg(ranking, query["relevant"], CUTOFF),
            }
        )

    problems = []
    for kind, (mrr_floor, ndcg_floor) in FLOORS.items():
        of_kind = [row for row in rows if row["kind"] == kind]
        mrr = metrics.mean(row["rr"] for row in of_kind)
        ndcg = metrics.mean(row["ndcg"] for row in of_kind)
        print(f"\nrelevance {name} {kind}: n={len(of_kind)} MRR@10={mrr:.3f} nDCG@10={ndcg:.3f}")
        if mrr_floor is not None and mrr < mrr_floor:
            problems.append(f"{kind}: MRR@10 {mrr:.3f} < {mrr_floor}")
        if ndcg_floor is not None and ndcg < ndcg_floor:
            problems.append(f"{kind}: nDCG@10 {ndcg:.3f} < {ndcg_floor}")
    empty = [row["query"] for row in rows if not row["ranking"]]
    if empty:
        problems.append(f"{len(empty)} queries found nothing: {empty}")

    assert not problems, "\n".join(problems) + "\n\nworst queries:\n" + worst_queries(rows)


def worst_queries(rows: list[dict]) -> str:
    """The WORST_SHOWN lowest-scoring queries with their top 3 results and expected answers."""
    lines = []
    for row in sorted(rows, key=lambda row: (row["rr"] + row["ndcg"], row["query"]))[:WORST_SHOWN]:
        answers = [slug for slug, grade in row["relevant"].items() if grade == 3][:3]
        lines.append(
            f"  [{row['kind']}/{row['language']}] {row['query']!r}: "
            f"RR={row['rr']:.2f} nDCG={row['ndcg']:.2f} "
            f"top3={row['ranking'][:3]} expected={answers}"
        )
    return "\n".join(lines)
