"""The citizen's web chat in real Chromium (issue 13 item 11): the send button is busy while
a message travels, every message gets a bubble without SMS wording, and a phone is verified
with the code the outbox holds. (Kept beside the console's browser fixtures.)"""
from __future__ import annotations

import re

from sqlalchemy import select

from models import Contact, Message
from models.db import db


def test_chat_in_chromium_bubbles_busy_state_and_phone(app, chromium, live_server):
    context = chromium.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    # Hold the POST a moment so the busy state can be seen, then let it through.
    held = []
    page.route("**/api/chat/messages", lambda route: held.append(route) if route.request.method == "POST"
               else route.continue_())
    page.goto(live_server + "/chat")
    assert page.is_visible("#privacy")
    page.fill("#text", "我叫赵强，石婆固镇王庄村的低保被取消了")
    page.click("#send")
    page.wait_for_selector("#send[disabled]")  # the page's CSP forbids evaluated predicates
    assert page.inner_text("#status") == "发送中…"
    assert page.get_attribute("#compose", "aria-busy") == "true"
    held[0].continue_()
    page.unroute("**/api/chat/messages")
    page.wait_for_selector("#thread li.bureau")
    assert not page.is_disabled("#send") and page.input_value("#text") == ""
    page.fill("#text", "家里就老两口")
    page.click("#send")
    page.wait_for_selector("#thread li.bureau >> nth=1")
    bubbles = page.locator("#thread li.bureau").all_inner_texts()
    assert all("【延津信访】" not in b and "发:" not in b for b in bubbles), bubbles
    assert "已加入" in bubbles[-1]

    page.fill("#phone", "13800138000")
    page.click("#phone-send")
    page.wait_for_selector("#code-form:not([hidden])")
    with app.app_context():
        body = db.session.execute(select(Message.body).where(Message.kind == "verify_code")).scalar_one()
    page.fill("#code", re.search(r"\d{6}", body).group(0))
    page.click("#code-send")
    page.wait_for_selector("#phone-status:has-text('已验证')")
    with app.app_context():
        assert db.session.execute(select(Contact.phone).where(Contact.channel == "web")).scalar_one() == "+8613800138000"
    context.close()
