"""Several servers at once: what one process counts or numbers, another process sees. A
second Python process runs its own app on the same database and Redis (as a second gunicorn
would) while this one sends too; bench/multi.py does it with real gunicorns and workers."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from models import Case
from models.db import db
from tests.conftest import BASE_URL, TOKEN, Phone
from tests.console.console_helpers import csrf_token

ROOT = Path(__file__).resolve().parent.parent
OTHER_SERVER = """
import json, sys
from core.app import create_app
from tests.conftest import Phone
from tests.console.console_helpers import csrf_token
app = create_app(json.loads(sys.argv[1]))
client = app.test_client()
token = csrf_token(client.get("/console/login").get_data(as_text=True))
signins = [client.post("/console/login", data={"username": "nobody", "password": "wrong", "csrf_token": token})
           .status_code for _ in range(3)]
numbers = [Phone(client, f"+861390000{i:04d}").send(f"我叫王{i}，东屯镇拖欠农民工工资三个月了")[0] for i in range(6)]
print(json.dumps({"signins": signins, "replies": numbers}))
"""


def test_a_second_process_shares_the_sign_in_limit_and_the_numbering(make_app, redis_url, database_url, model_dir):
    settings = {"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": redis_url, "LOGIN_RATE": "4 per minute",
                "TWILIO_AUTH_TOKEN": TOKEN, "PUBLIC_BASE_URL": BASE_URL, "SECRET_KEY": "test-secret",
                "MODEL_DIR": str(model_dir), "ONDUTY_PHONES": ["+8613900000001"], "TESTING": True}
    app = make_app(REDIS_URL=redis_url, LOGIN_RATE="4 per minute")
    with app.app_context():
        from tests.conftest import _empty_tables
        _empty_tables()
    other = subprocess.Popen([sys.executable, "-c", OTHER_SERVER, json.dumps(settings)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    client = app.test_client()
    ours = [Phone(client, f"+861380000{i:04d}").send(f"我叫李{i}，马庄乡小周庄村村务不公开")[0] for i in range(6)]
    out, err = other.communicate(timeout=120)
    assert other.returncode == 0, err[-2000:]
    theirs = json.loads(out.strip().splitlines()[-1])
    assert theirs["signins"] == [200, 200, 200]

    token = csrf_token(client.get("/console/login").get_data(as_text=True))
    attempts = [client.post("/console/login", data={"username": "nobody", "password": "wrong", "csrf_token": token})
                .status_code for _ in range(2)]
    assert attempts == [200, 429]            # 3 there + 1 here make the limit of 4: counted together

    with app.app_context():
        numbers = db.session.execute(select(Case.number)).scalars().all()
        assert db.session.execute(select(func.count()).select_from(Case)).scalar_one() == 12
    assert len(set(numbers)) == 12           # no number given twice across the processes
    assert all(any(n in reply for n in numbers) for reply in ours + theirs["replies"])
