"""docs/channels.md lists the SMS template texts a county submits for approval, generated
from config/sms_templates.yaml so the two cannot drift (UPDATE_DOCS=1 rewrites the doc)."""
from __future__ import annotations

import os
import re
from pathlib import Path

from config import load_sms_catalogue

DOC = Path(__file__).resolve().parent.parent / "docs" / "channels.md"
START, END = "<!-- sms-templates:start -->", "<!-- sms-templates:end -->"


def template_table() -> str:
    catalogue = load_sms_catalogue()
    rows = ["| reply | Tencent text (`{1}`…) | Alibaba text (`${name}`) | parameters |", "|---|---|---|---|"]
    for key, template in catalogue.templates.items():
        numbered = template.text.format(**{name: f"{{{i}}}" for i, name in enumerate(template.params, 1)})
        named = template.text.format(**{name: f"${{{name}}}" for name in template.params})
        rows.append(f"| `{key}` | {numbered} | {named} | {', '.join(template.params) or '—'} |")
    return f"Signature: 【{catalogue.signature}】\n\n" + "\n".join(rows)


def test_channels_doc_lists_the_catalogue():
    text = DOC.read_text(encoding="utf-8")
    fresh = f"{START}\n{template_table()}\n{END}"
    current = re.search(re.escape(START) + ".*?" + re.escape(END), text, re.S).group(0)
    if os.environ.get("UPDATE_DOCS") and current != fresh:
        DOC.write_text(text.replace(current, fresh), encoding="utf-8")
        current = fresh
    assert current == fresh, "docs/channels.md is stale: run the suite with UPDATE_DOCS=1"
    assert "| `ack` | 已收到您的信访，编号{1}。{2}前告知是否受理。查进度发:查询{1} |" in current
