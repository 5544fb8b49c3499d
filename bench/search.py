"""Search at 50,000 public items: p50/p95 per kind of query, against a plain scan.

    python bench/search.py [--items 50000] [--runs 20]

Builds a real SQLite file in a temporary folder, indexes what public_now
allows (guides and items for a hall on the kiosk surface), then times
:meth:`SearchIndex.search` for a mix of queries people type at a kiosk. The
baseline, measured in the same run on the same documents, is the obvious
implementation: ``q in text`` over every document's title, summary and body.
Figures are printed, never asserted: the target is p95 under 20 ms.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

QUERIES = {
    "中文 1-2 字": ["党", "费", "党费", "社保", "公示", "预算"],
    "中文 3 字以上": ["不动产登记", "养老保险", "干部任前公示", "党费收缴", "营商环境"],
    "拼音首字母": ["bdc", "ylbx", "dfsj", "gbrq", "yshj"],
    "拼音全拼": ["budongchan", "yanglao", "dangfei", "shehui", "gongshi"],
    "多个词": ["党费 2025", "登记 不动产", "社保 养老", "公示 第一党支部", "bdc 2024"],
    "材料与窗口": ["户口簿", "完税凭证", "公证", "营业执照副本", "户籍"],
    # Pinyin of words inside guides' materials and windows' services (not in titles).
    "拼音 材料窗口": ["hukoubu", "wanshui", "gongzheng", "hkb", "hukou", "budongchan gongzheng"],
}

MATERIALS = [
    ("户口簿", "公安部门"),
    ("居民身份证", "公安部门"),
    ("完税凭证", "税务部门"),
    ("不动产权证书", "不动产登记中心"),
    ("营业执照副本", "市场监管部门"),
    ("结婚证", "民政部门"),
    ("经公证的委托书", "公证机构"),
]
WINDOWS = [("5", "不动产登记", "不动产登记、抵押登记"), ("10", "公安户政", "户籍、身份证")]

SUBJECTS = [
    "不动产登记",
    "养老保险",
    "党费收缴",
    "干部任前公示",
    "营商环境",
    "社会保障卡",
    "医疗保险",
    "住房公积金",
    "义务教育入学",
    "企业开办",
    "党员发展",
    "民主评议党员",
    "换届选举",
    "财政预算",
    "专项检查整改",
    "便民服务",
    "承诺事项",
    "重要会议",
    "工作计划",
    "政策解读",
    "窗口服务",
]
ORGS = [
    "局党组",
    "机关党委",
    "第一党支部",
    "第二党支部",
    "办公室",
    "政务服务中心",
    "财政科",
    "人事科",
]
KINDS = ["情况通报", "公示", "实施方案", "工作总结", "通知", "情况说明", "办理指南", "结果公告"]
PHRASES = [
    "按照上级部署要求，",
    "经研究决定，",
    "现将有关情况公布如下：",
    "请广大党员群众监督。",
    "进一步规范办理流程，",
    "压缩办理时限，",
    "实行一窗受理、集成服务，",
    "全年共办理业务",
    "群众满意度明显提升。",
    "欢迎提出意见建议。",
    "相关材料可在窗口查阅。",
    "监督电话0000-12345。",
]


def fake_item(rng: random.Random, n: int) -> dict:
    subject = rng.choice(SUBJECTS)
    title = f"{rng.randint(2019, 2026)}年{rng.choice(ORGS)}{subject}{rng.choice(KINDS)}（第{n}号）"
    summary = f"{subject}{rng.choice(KINDS)}，{rng.choice(PHRASES)}"[:100]
    words = [rng.choice(PHRASES) for _ in range(rng.randint(12, 30))]
    words.insert(rng.randint(0, len(words)), rng.choice(SUBJECTS))
    return {"title": title, "summary": summary, "body": "".join(words)}


def build_database(app, count: int, rng: random.Random, now: datetime) -> None:
    from sqlalchemy import insert, select

    from content_feed.catalogue import seed_catalogue
    from content_feed.db import db
    from content_feed.models import Category, Item
    from content_feed.versioning import ensure_feed_state

    db.create_all()
    ensure_feed_state(db.session)
    seed_catalogue(db.session, app.config["SUNLIGHT"]["catalogue"]["categories"])
    db.session.commit()
    cats = db.session.execute(select(Category.id, Category.domain)).all()
    rows = []
    for n in range(count):
        cat_id, domain = rng.choice(cats)
        at = now - timedelta(minutes=n * 7)
        rows.append(
            {
                **fake_item(rng, n),
                "domain": domain,
                "category_id": cat_id,
                # One in ten is internal: it must never be found, and it costs nothing.
                "scope": "party" if n % 10 == 9 else "public",
                "state": "published",
                "published_at": at,
                "last_published_at": at,
                "index_number": f"000014349/{at.year}-{n:06d}",
            }
        )
        if len(rows) == 5000:
            db.session.execute(insert(Item), rows)
            rows = []
    if rows:
        db.session.execute(insert(Item), rows)
    build_guides(rng, now)
    db.session.commit()


def build_guides(rng: random.Random, now: datetime, count: int = 300) -> None:
    """Guides with materials, steps and a window: found by what they ask for."""
    from content_feed.db import db
    from content_feed.models import Guide, GuideMaterial, GuideStep, Hall, Window

    hall = Hall(code="bench", name="基准大厅")
    db.session.add(hall)
    windows = [Window(hall=hall, number=n, name=name, services=s) for n, name, s in WINDOWS]
    db.session.add_all(windows)
    for n in range(count):
        guide = Guide(
            name=f"{rng.choice(SUBJECTS)}办理（{n}）",
            code=f"BENCH-{n:05d}",
            summary=f"{rng.choice(SUBJECTS)}{rng.choice(KINDS)}",
            conditions=rng.choice(PHRASES),
            state="published",
            published_at=now - timedelta(days=n),
            window=rng.choice(windows),
        )
        for order, (name, source) in enumerate(rng.sample(MATERIALS, 3)):
            guide.materials.append(GuideMaterial(name=name, source=source, sort_order=order))
        guide.steps.append(GuideStep(title="受理", description=rng.choice(PHRASES)))
        db.session.add(guide)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def timed(fn, runs: int) -> list[float]:
    fn()  # warm
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)

    from app import create_app
    from content_feed.clock import FixedClock
    from content_feed.db import db
    from content_feed.search import SearchIndex, _PinyinCache, load_docs

    now = datetime(2026, 11, 17, 2, 0, tzinfo=UTC)
    rng = random.Random(20261117)
    folder = Path(tempfile.mkdtemp(prefix="sunlight-bench-"))
    app = create_app(
        {"database": {"url": f"sqlite:///{folder / 'bench.db'}"}, "security": {"secret_key": "x"}},
        clock=FixedClock(now),
        environ={},
        instance_path=str(folder / "instance"),
    )
    with app.app_context():
        start = time.perf_counter()
        build_database(app, args.items, rng, now)
        print(f"database: {args.items} items written in {time.perf_counter() - start:.1f} s")
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        docs = load_docs(db.session, now, None, "kiosk", _PinyinCache())
        loaded = time.perf_counter() - start
        start = time.perf_counter()
        index = SearchIndex(docs)
        built = time.perf_counter() - start
        rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(
            f"index: {len(docs)} public documents; load+pinyin {loaded:.1f} s, "
            f"build {built:.1f} s, about {(rss1 - rss0) / 1024:.0f} MB"
        )
        rebuilt = timed(lambda: SearchIndex(docs), 1)[0]
        print(f"rebuild after a content change (pinyin cached per title): {rebuilt / 1000:.1f} s")

        texts = [f"{d.n_title}\n{d.n_summary}\n{d.n_body}" for d in docs]

        def baseline(q):
            return [i for i, t in enumerate(texts) if q in t]

        print()
        print(
            f"{'queries':<14}{'p50 ms':>9}{'p95 ms':>9}{'scan p50':>10}{'scan p95':>10}{'p95 ratio':>11}"
        )
        ours_all, base_all = [], []
        for label, queries in QUERIES.items():
            ours, base = [], []
            for q in queries:
                found = index.search(q)
                assert found.total > 0, q
                ours += timed(lambda q=q: index.search(q), args.runs)
                base += timed(lambda q=q: baseline(q), max(3, args.runs // 4))
            ours_all += ours
            base_all += base
            ratio = percentile(ours, 0.95) / percentile(base, 0.95)
            print(
                f"{label:<10}{percentile(ours, 0.5):>9.2f}{percentile(ours, 0.95):>9.2f}"
                f"{percentile(base, 0.5):>10.1f}{percentile(base, 0.95):>10.1f}{ratio:>11.3f}"
            )
        p95 = percentile(ours_all, 0.95)
        print(
            f"{'all':<14}{statistics.median(ours_all):>9.2f}{p95:>9.2f}"
            f"{statistics.median(base_all):>10.1f}{percentile(base_all, 0.95):>10.1f}"
            f"{p95 / percentile(base_all, 0.95):>11.3f}"
        )
        print(f"\ntarget p95 < 20 ms: {'met' if p95 < 20 else 'NOT met'} ({p95:.2f} ms)")

        # What spelling guides' and windows' bodies in pinyin costs: the same index
        # without it, every query timed on both in turn so that load falls on both alike.
        plain = SearchIndex([replace(d, py_summary=None, py_body=None) for d in docs])
        spelled_ms, plain_ms = [], []
        for _ in range(max(3, args.runs // 2)):
            for q in (q for qs in QUERIES.values() for q in qs):
                spelled_ms += timed(lambda q=q: index.search(q), 1)
                plain_ms += timed(lambda q=q: plain.search(q), 1)
        print(
            f"body pinyin: p95 {percentile(spelled_ms, 0.95):.2f} ms with, "
            f"{percentile(plain_ms, 0.95):.2f} ms without "
            f"(ratio {percentile(spelled_ms, 0.95) / percentile(plain_ms, 0.95):.3f})"
        )
        db.engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
