"""Fakes of the outside world only: one local HTTP server that answers like Twilio's REST
API, WeChat's server API, Tencent Cloud's SMS API (SendSms, JSON, X-TC-Action) and Alibaba
Cloud's Dysmsapi (SendSms, RPC query, x-acs-action), scripted per test, recording every
request it got."""
from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class FakeProviders:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.twilio_script: list[tuple[int, dict]] = []   # responses to Messages.json, in turn
        self.wechat_script: list[dict] = []
        self.tencent_script: list[dict] = []   # SendStatusSet[0] fields, in turn (default: Ok)
        self.aliyun_script: list[dict] = []    # body fields, in turn (default: OK)
        self.token_count = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def twilio_sent(self) -> list[dict]:
        """Messages Twilio accepted (answered 201)."""
        return [r["form"] for r in self.requests if r["path"].endswith("/Messages.json") and r["status"] == 201]

    def wechat_sent(self) -> list[dict]:
        return [r["json"] for r in self.requests if r["path"] == "/cgi-bin/message/custom/send" and r["ok"]]

    def tencent_sent(self) -> list[dict]:
        return [r["json"] for r in self.requests if r.get("action") == "tencent:SendSms" and r["ok"]]

    def aliyun_sent(self) -> list[dict]:
        return [r["query"] for r in self.requests if r.get("action") == "aliyun:SendSms" and r["ok"]]

    def _answer(self, method: str, path: str, query: dict, body: bytes, headers=None) -> tuple[int, dict]:
        record = {"method": method, "path": path, "query": {k: v[0] for k, v in query.items()}}
        headers = headers or {}
        if headers.get("X-TC-Action") == "SendSms":
            answer = {"SerialNo": f"2433:{uuid.uuid4().int % 10**12}", "PhoneNumber": "", "Fee": 1, "SessionContext": "",
                      "Code": "Ok", "Message": "send success", "IsoCode": "CN"}
            answer.update(self.tencent_script.pop(0) if self.tencent_script else {})
            record.update(action="tencent:SendSms", json=json.loads(body.decode("utf-8")), ok=answer["Code"] == "Ok",
                          authorization=headers.get("Authorization", ""))
            self.requests.append(record)
            return 200, {"Response": {"SendStatusSet": [answer], "RequestId": uuid.uuid4().hex}}
        if headers.get("x-acs-action") == "SendSms":
            answer = {"Code": "OK", "Message": "OK", "BizId": f"{uuid.uuid4().int % 10**18}^0"}
            answer.update(self.aliyun_script.pop(0) if self.aliyun_script else {})
            record.update(action="aliyun:SendSms", ok=answer["Code"] == "OK",
                          authorization=headers.get("Authorization", ""))
            self.requests.append(record)
            return 200, {**answer, "RequestId": uuid.uuid4().hex}
        record["query"] = query
        if path.endswith("/Messages.json"):
            status, payload = self.twilio_script.pop(0) if self.twilio_script else (201, {})
            if status == 201:
                payload = {"sid": "SM" + uuid.uuid4().hex, "status": "queued", **payload}
            record.update(form={k: v[0] for k, v in parse_qs(body.decode()).items()}, status=status)
        elif path == "/cgi-bin/token":
            self.token_count += 1
            status, payload = 200, {"access_token": f"TOKEN{self.token_count}", "expires_in": 7200}
        elif path == "/cgi-bin/message/custom/send":
            status, payload = 200, self.wechat_script.pop(0) if self.wechat_script else {"errcode": 0}
            record.update(json=json.loads(body.decode("utf-8")), raw=body, ok=payload.get("errcode", 0) == 0)
        else:
            status, payload = 404, {}
        self.requests.append(record)
        return status, payload

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self, method: str) -> None:
                url = urlparse(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, payload = fake._answer(method, url.path, parse_qs(url.query), body, self.headers)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

            def log_message(self, *args):
                pass

        return Handler


def twilio_error(status: int, code: int) -> tuple[int, dict]:
    return status, {"code": code, "message": f"error {code}", "more_info": "https://www.twilio.com/docs/errors",
                    "status": status}
