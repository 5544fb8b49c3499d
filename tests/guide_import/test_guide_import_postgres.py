"""The same import on real PostgreSQL (JSON plans, the claim of a checked import,
revisions), on the migrated schema."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from content_feed.db import db
from content_feed.models import Guide, GuideImport, GuideRevision
from guide_import import jobs
from guide_import.revisions import adopt
from tests.builders import make_guide, staff
from tests.conftest import FIXED_NOW
from tests.guide_import import workbooks as wb
from tests.test_migrations_and_postgres import migrated_app


@pytest.mark.slow
def test_import_and_adopt_on_postgresql(tmp_path, postgres_url):
    app = migrated_app(tmp_path, postgres_url)
    with app.app_context():
        people = staff()
        make_guide(FIXED_NOW, name="旧名称", code="62052400MZ-XK-0001")
        job = GuideImport(filename="b.csv")
        db.session.add(job)
        db.session.commit()
        jobs.check(db.session, job, wb.province_b_csv(wb.sample_guides(3)))
        assert job.counts == {"created": 2, "updated": 1, "unchanged": 0, "refused": 0}
        assert jobs.claim(db.session, job) and not jobs.claim(db.session, job)
        jobs.write(db.session, job, people["approver"])
        assert job.state == "done"
        revision = db.session.execute(select(GuideRevision)).scalar_one()
        adopt(db.session, revision, actor=people["approver"], at=FIXED_NOW, publish=True)
        db.session.commit()
        names = db.session.execute(select(Guide.name).order_by(Guide.code)).scalars().all()
        assert names[0] == "城乡居民最低生活保障审核确认（第1项）" and len(names) == 3
        db.session.remove()
        db.engine.dispose()
