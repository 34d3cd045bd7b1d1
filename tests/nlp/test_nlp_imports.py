import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_nlp_imports_no_web_or_db_stack():
    code = ("import sys, nlp, nlp.training, nlp.evaluate, nlp.normalize, nlp.batch, nlp.letters, nlp.cv; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'redis', 'rq')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
