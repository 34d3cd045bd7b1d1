"""Open311 GeoReport v2 conformance, written from the spec (wiki.open311.org/GeoReport_v2):
formats (XML required, JSON), the error list format, api_key, services, POST/GET requests
with their filters, discovery; and the key command that stores only a hash."""
from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest
from sqlalchemy import select

from api.keys import create_key, key_hash
from models.db import db
from models import ApiKey, Case, Message

V2 = "/open311/v2"
PETITION = "东屯镇十字路口红绿灯坏了半个月，天黑车多很危险"


@pytest.fixture
def key(app) -> str:
    with app.app_context():
        return create_key("county-app")


def post(client, key: str | None, fmt: str = "json", **fields):
    data = {"service_code": "transport", "lat": "35.2290", "long": "114.2043", "description": PETITION,
            "first_name": "明", "last_name": "李", "email": "liming@example.org", **fields}
    if key is not None:
        data["api_key"] = key
    return client.post(f"{V2}/requests.{fmt}", data={k: v for k, v in data.items() if v is not None})


def xml(response) -> ET.Element:
    assert response.content_type == "text/xml; charset=utf-8"
    assert response.get_data(as_text=True).startswith('<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.data)


def test_services_one_per_issue_type(app, client):
    response = client.get(f"{V2}/services.json")
    assert response.status_code == 200 and response.content_type.startswith("application/json")
    services = response.json
    codes = [s["service_code"] for s in services]
    assert codes == list(app.extensions["taxonomy"].issue_types)
    for service in services:
        assert set(service) >= {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
        assert service["metadata"] is False and service["type"] == "realtime"
    root = xml(client.get(f"{V2}/services.xml"))
    assert root.tag == "services" and [s.findtext("service_code") for s in root.iter("service")] == codes
    assert root.find("service/metadata").text == "false"


def test_service_definition(client):
    assert client.get(f"{V2}/services/transport.json").json == {"service_code": "transport", "attributes": []}
    assert xml(client.get(f"{V2}/services/transport.xml")).tag == "service_definition"
    response = client.get(f"{V2}/services/nosuch.json")
    assert response.status_code == 404 and response.json[0]["code"] == 404


def test_post_creates_a_case_through_the_message_path(app, client, key):
    response = post(client, key)
    assert response.status_code == 201
    [created] = response.json
    assert set(created) == {"service_request_id", "service_notice", "account_id"}
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        assert created["service_request_id"] == case.number and case.channel == "open311"
        assert case.number in created["service_notice"] and case.classified_at is not None
        assert PETITION in case.text and case.citizen_name
        message = db.session.execute(select(Message)).scalar_one()
        assert key not in message.raw and "api_key" not in message.raw  # the key is never stored


def test_post_in_xml(client, key):
    root = xml(post(client, key, fmt="xml"))
    assert root.tag == "service_requests" and root.find("request/service_request_id").text.startswith("YJ")


@pytest.mark.parametrize("api_key", [None, "", "wrong", "x" * 500])
def test_post_without_a_valid_key_is_403(app, client, key, api_key):
    response = post(client, api_key)
    assert response.status_code == 403
    assert response.json == [{"code": 403, "description": "api_key was not provided or is invalid"}]
    root = xml(post(client, api_key, fmt="xml"))
    assert root.tag == "errors" and root.find("error/code").text == "403"
    with app.app_context():
        assert db.session.execute(select(Case)).first() is None


def test_revoked_key_is_403(app, client, key):
    with app.app_context():
        db.session.execute(select(ApiKey)).scalar_one().active = False
        db.session.commit()
    assert post(client, key).status_code == 403


@pytest.mark.parametrize("fields, code", [
    ({"service_code": None}, 400), ({"service_code": "nosuch"}, 404),
    ({"lat": None, "long": None}, 400), ({"long": None}, 400),
    ({"lat": "north"}, 400), ({"lat": "91"}, 400), ({"long": "nan"}, 400), ({"lat": "inf"}, 400),
    ({"description": None}, 400), ({"description": "x" * 4001}, 400),
    ({"media_url": "javascript:alert(1)"}, 400), ({"address_string": "a" * 300}, 400),
    ({"jurisdiction_id": "elsewhere"}, 404),
])
def test_post_errors_follow_the_spec(client, key, fields, code):
    response = post(client, key, **fields)
    assert response.status_code == code
    [error] = response.json
    assert error["code"] == code and error["description"]


def test_address_string_alone_is_a_location(client, key):
    assert post(client, key, lat=None, long=None, address_string="东屯镇十字路口").status_code == 201


def test_get_request_shows_status_dates_and_agency(client, key):
    number = post(client, key, media_url="https://example.org/a.jpg").json[0]["service_request_id"]
    [request] = client.get(f"{V2}/requests/{number}.json", query_string={"api_key": key}).json
    assert request["service_request_id"] == number and request["status"] == "open"
    assert request["status_notes"] == "已登记" and request["agency_responsible"] == "县信访局"
    assert request["service_code"] == "transport" and request["service_name"] == "交通运输"
    assert request["requested_datetime"].endswith("Z") and request["expected_datetime"].endswith("Z")
    assert request["lat"] == 35.229 and PETITION in request["description"]
    assert request["media_url"] == "https://example.org/a.jpg"
    root = xml(client.get(f"{V2}/requests/{number}.xml"))
    assert root.find("request/status").text == "open"
    assert client.get(f"{V2}/requests/YJ0000000000.json").status_code == 404


def test_personal_data_only_for_the_filing_key(app, client, key):
    number = post(client, key).json[0]["service_request_id"]
    with app.app_context():
        other = create_key("other-app")
    for query in ({}, {"api_key": other}):
        [request] = client.get(f"{V2}/requests/{number}.json", query_string=query).json
        assert request["description"] is None and request["lat"] is None and request["status"] == "open"


def test_closed_status(app, client, key):
    from cases import services

    number = post(client, key).json[0]["service_request_id"]
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        services.transition(case, "not_accepted", "user:test", route="litigation")
        db.session.commit()
    [request] = client.get(f"{V2}/requests/{number}.json").json
    assert request["status"] == "closed" and request["status_notes"] == "不予受理"
    assert request["expected_datetime"] is None


def test_get_requests_filters(client, key):
    first = post(client, key).json[0]["service_request_id"]
    second = post(client, key, service_code="environment",
                  description="榆林乡造纸厂晚上偷排污水，河里鱼都死了").json[0]["service_request_id"]
    numbers = lambda **q: [r["service_request_id"] for r in client.get(f"{V2}/requests.json", query_string=q).json]
    assert set(numbers()) == {first, second}
    assert numbers(service_code="environment") == [second]
    assert set(numbers(service_code="environment,transport")) == {first, second}
    assert numbers(service_request_id=first, service_code="environment") == [first]   # overrides the others
    assert set(numbers(status="open")) == {first, second} and numbers(status="closed") == []
    assert numbers(start_date="2000-01-01T00:00:00Z", end_date="2000-02-01T00:00:00Z") == []
    assert set(numbers(start_date="2026-01-01T00:00:00+08:00")) <= {first, second}
    root = xml(client.get(f"{V2}/requests.xml"))
    assert len(root.findall("request")) == 2


@pytest.mark.parametrize("query", [{"status": "pending"}, {"start_date": "yesterday"},
                                   {"start_date": "2020-01-01T00:00:00Z", "end_date": "2021-01-01T00:00:00Z"},
                                   {"start_date": "2021-01-01T00:00:00Z", "end_date": "2020-01-01T00:00:00Z"}])
def test_get_requests_bad_filters_are_400(client, query):
    response = client.get(f"{V2}/requests.json", query_string=query)
    assert response.status_code == 400 and response.json[0]["code"] == 400


def test_discovery(client):
    discovery = client.get(f"{V2}/discovery.json").json
    [endpoint] = discovery["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2") and "text/xml" in endpoint["formats"]
    root = xml(client.get(f"{V2}/discovery.xml"))
    assert root.find("endpoints/endpoint/formats/format").text == "text/xml"


def test_hostile_text_is_escaped_in_xml(client, key):
    hostile = "<script>alert(1)</script>]]>&amp;\x01 胙城乡学校乱收费"
    number = post(client, key, description=hostile).json[0]["service_request_id"]
    body = client.get(f"{V2}/requests/{number}.xml", query_string={"api_key": key}).get_data(as_text=True)
    assert "<script>" not in body and "&lt;script&gt;" in body
    assert ET.fromstring(body.encode()).find("request/description").text.startswith("<script>")


def test_unknown_format_and_method(client):
    assert client.get(f"{V2}/services.html").status_code == 404
    assert client.delete(f"{V2}/requests.json").status_code == 405


def test_create_key_command_prints_the_key_last_and_stores_a_hash(app, runner):
    result = runner.invoke(args=["open311", "create-key", "wechat-miniprogram"])
    assert result.exit_code == 0, result.output
    key = result.output.strip().splitlines()[-1]
    with app.app_context():
        stored = db.session.execute(select(ApiKey)).scalar_one()
        assert stored.name == "wechat-miniprogram" and stored.key_hash == key_hash(key) and key not in stored.key_hash
    assert runner.invoke(args=["open311", "create-key", "wechat-miniprogram"]).exit_code != 0
