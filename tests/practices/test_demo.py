"""The demo library covers every region and topic, in Kyrgyz and Russian, and loads twice safely."""

from portal.extensions import db
from portal.models import Region, Topic
from practices import demo
from practices.models import Practice, PracticeRevision, Status


def test_demo_practices_cover_regions_topics_and_languages(app):
    with app.app_context():
        demo.load()
        revisions = db.session.scalar(db.select(db.func.count()).select_from(PracticeRevision))
        assert demo.load().endswith("(0 new)")
        assert db.session.scalar(db.select(db.func.count()).select_from(PracticeRevision)) == (
            revisions
        )
        practices = db.session.execute(db.select(Practice)).scalars().all()
        assert len(practices) >= 12
        assert all(p.status == Status.PUBLISHED for p in practices)
        assert all({"ky", "ru"} <= set(p.languages) for p in practices)
        assert sum("en" in p.languages for p in practices) > len(practices) / 2
        oblasts = {r.code for r in db.session.execute(db.select(Region)).scalars()} - {
            "bishkek",
            "osh-city",
        }
        assert oblasts <= {p.region.code for p in practices}
        topics = {t.code for t in db.session.execute(db.select(Topic)).scalars()}
        assert topics == {t.code for p in practices for t in p.topics}
