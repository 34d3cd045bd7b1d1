"""The baseline for bench/ingest.py: a bare Flask app that answers the same TwiML,
with no signature check, storage or queue. What the gateway costs is the difference."""
from flask import Flask, Response

app = Flask(__name__)
TWIML = ('<?xml version="1.0" encoding="UTF-8"?><Response><Message>【延津信访】已收到您的信访，'
         '编号YJ2611270001。12月12日前告知是否受理。查进度发:查询YJ2611270001</Message></Response>')


@app.post("/webhooks/twilio")
def webhook():
    return Response(TWIML, mimetype="application/xml")
