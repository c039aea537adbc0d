"""The engine's own shortcuts through Whoosh agree with Whoosh, and its safety nets hold."""

import pytest
from whoosh import query as q

from portal.search import engine
from portal.search.analysis import text_language
from portal.search.matching import read_posting_ids, score_documents
from portal.search.vocabulary import VocabularyLookup, edit_distance


@pytest.fixture
def indexed(app, make_practice):
    """An index with practices spread over more than one segment, one of them deleted."""
    for number in range(12):
        make_practice(f"practice-{number}", region="naryn", district=None)
    from practices.models import Practice

    with app.app_context():
        from portal.extensions import db

        db.session.delete(db.session.scalars(db.select(Practice).limit(1)).one())
        db.session.commit()
    return app


def test_block_reading_agrees_with_whoosh_iteration(indexed):
    with indexed.app_context(), engine.search_index().reading() as searcher:
        leaves = searcher.reader().leaf_readers()
        assert len(leaves) > 1  # every practice was committed on its own
        for segment_reader, _offset in leaves:
            for fieldname in ("body_kyf", "body_ru", "entity"):
                for term in list(segment_reader.lexicon(fieldname))[:50]:
                    text = term.decode("utf-8")
                    matcher = segment_reader.postings(fieldname, text)
                    expected = set(getattr(matcher, "child", matcher).all_ids())
                    assert read_posting_ids(segment_reader, fieldname, text) == expected


def test_scoring_chosen_documents_agrees_with_a_full_search(indexed):
    with indexed.app_context(), engine.search_index().reading() as searcher:
        query = q.Or([q.Term("body_kyf", "каракол"), q.Term("body_ru", "мусор")])
        full = {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}
        some = sorted(full)[::2]
        assert score_documents(searcher, query, some) == pytest.approx(
            {docnum: full[docnum] for docnum in some}
        )


def test_an_index_of_another_version_is_rebuilt(app, client, make_practice):
    make_practice("karakol-waste")
    with app.app_context():
        index = engine.search_index()
        with index.writer(timeout=5) as writer:
            writer.update_document(doc_id="__watermark__", type="__meta__", version=-1)
        index.close()
    response = client.get("/api/search?q=Каракол")
    assert response.status_code == 503  # answered clearly, then rebuilt after the response
    assert client.get("/api/search?q=Каракол").get_json()["total"] == 1


def test_vocabulary_lookups(app, make_practice):
    make_practice("karakol-waste")
    with app.app_context(), engine.search_index().reading() as searcher:
        vocabulary = VocabularyLookup(searcher.reader())
        assert vocabulary.knows("Караколдо") and not vocabulary.knows("Бишкекте")
        assert "каракол" in vocabulary.same_key_words("Karakol")
        assert vocabulary.corrections("Каракл")[0] == "каракол"
        assert vocabulary.corrections("Karakl") == ["каракол"]
        assert vocabulary.has_prefix("тaшт")  # a Latin look-alike a is repaired
        assert not vocabulary.has_prefix("щщщ")
        assert vocabulary.words_starting("ташт")[0].startswith("ташт")


def test_edit_distance_counts_a_swap_once():
    assert edit_distance("таштанды", "таштнады") == 1
    assert edit_distance("каракол", "каракол") == 0
    assert edit_distance("каракол", "kаракол") == 1


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Каракол шаарында таштандыларды жеке ишкана чогултат. Тургундар ыраазы.", "ky"),
        ("Келишимдин үлгүсү: жеке операторго төлөм тартиби", "ky"),
        ("Вывоз мусора в Караколе передан частной компании.", "ru"),
        ("Вывоз мусора в Өзгөн передан частной компании по договору на три года.", "ru"),
        ("Waste collection in Karakol was contracted out.", "en"),
    ],
)
def test_the_language_of_an_attachment_is_guessed_from_its_letters(text, language):
    assert text_language(text) == language
