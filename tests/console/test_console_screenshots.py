"""Screenshots for docs/console.md, taken in real Chromium on demo data. Runs only when
CONSOLE_SCREENSHOTS names the output folder:

    CONSOLE_SCREENSHOTS=docs/img .venv/bin/python -m pytest tests/console/test_console_screenshots.py -k sqlite
"""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import Phone

OUT = os.environ.get("CONSOLE_SCREENSHOTS")
PETITIONS = [
    "我叫王五，东屯镇建筑工地老板拖欠二十个农民工工资三个月了", "马庄乡小周庄村村务不公开，账目几年没公布",
    "文岩街道小区门口烧烤油烟太大，晚上吵得睡不着", "胙城乡学校乱收费，每个学生多收三百元",
    "榆林乡低保被取消了没人说为啥", "塔铺街道排水沟堵了臭得很", "王楼镇化工厂晚上偷排废水，河里鱼都死了",
    "司寨乡村干部侵占征地补偿款", "再不给钱我就从楼上跳下去，丰庄镇欠我工资两年了", "魏邱乡道路坑坑洼洼，校车都过不去",
    "僧固乡养殖场臭气熏天", "石婆固镇宅基地被邻居占了", "县医院看病收费不合理", "潭龙街道物业乱收费",
]


def _age(app) -> None:
    """Spread the demo cases over three weeks and move some along, so the charts say something."""
    from cases import services
    from models.db import db
    from models import Case

    with app.app_context():
        cases = db.session.query(Case).order_by(Case.id).all()
        for i, case in enumerate(cases):
            case.received_at -= timedelta(days=(i * 5) % 23, hours=i % 5)
            case.due_at = case.received_at + timedelta(days=15)
            if i % 3 == 0 and case.department:
                case.needs_triage = False
                services.transition(case, "accepted", "user:zhang", now=case.received_at + timedelta(days=2 + i % 17))
            if i % 6 == 0 and case.department:
                services.transition(case, "answered", "user:zhang", answer="已处理")
                services.rate(case, ["satisfied", "basically", "unsatisfied"][i % 4 % 3])
        db.session.commit()


@pytest.mark.skipif(not OUT, reason="set CONSOLE_SCREENSHOTS=docs/img to take the screenshots")
def test_take_screenshots(app, client, staff, browser_page):
    out = Path(OUT)
    out.mkdir(parents=True, exist_ok=True)
    staff("officer", username="zhang")
    staff("admin", username="admin")
    for i, text in enumerate(PETITIONS * 3):
        Phone(client, f"+86138{i % 20:08d}").send(text)
    _age(app)
    login = browser_page(None, viewport={"width": 1100, "height": 560})
    login.screenshot(path=str(out / "login.png"))
    page = browser_page("zhang", viewport={"width": 1280, "height": 760})
    page.screenshot(path=str(out / "queue.png"))
    page.click("text=YJ")
    page.click("#move-accepted button")
    page.screenshot(path=str(out / "case.png"), full_page=False)
    page.goto(page.base + "/console/dashboard")
    page.screenshot(path=str(out / "dashboard.png"))
    page.goto(page.base + "/console/simulator?phone=%2B8613800000000")
    page.fill("#text", "查询")
    page.click("#sim-form button")
    page.screenshot(path=str(out / "simulator.png"))
    tablet = browser_page("admin", viewport={"width": 768, "height": 1000})
    tablet.goto(tablet.base + "/console/audit")
    tablet.screenshot(path=str(out / "audit-tablet.png"))
    assert all((out / f).stat().st_size < 200_000 for f in os.listdir(out) if f.endswith(".png"))
