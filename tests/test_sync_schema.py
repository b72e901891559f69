"""Requests generated from the server's own OpenAPI document never get a 5xx."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from .syncsupport import Server, crewdeck, make_team, new_token


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str]]:
    team = make_team(tmp_path_factory.mktemp("schema"))
    token = new_token("ana", "--workspace", str(team))
    crewdeck("-w", str(team), "--as", "ana", "add", "Something to pull")
    server = Server([str(team)]).start()
    yield server, token
    assert server.stop() == ""  # the server logged no failure either


@pytest.fixture(scope="module")
def api(running: tuple[Server, str]) -> schemathesis.BaseSchema:
    server, _ = running
    return schemathesis.openapi.from_url(f"{server.url}/openapi.json")


schema = schemathesis.pytest.from_fixture("api")


@schema.exclude(path_regex=r".*/events$").parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_server_error(case: schemathesis.Case, running: tuple[Server, str]) -> None:
    server, token = running
    # With the real token half the time: past authentication into validation.
    headers = {"Authorization": f"Bearer {token}"} if zlib.crc32(repr(case).encode()) % 2 else None
    if case.path_parameters and headers:
        case.path_parameters["workspace"] = "team"
    # A valid long poll may hold its answer for up to a minute by design
    # (test_sync_server covers it); here each answer is under test, so a
    # valid wait is cut to a moment.  Invalid ones are left for the server.
    if case.query and re.fullmatch(r"[0-9]+(\.[0-9]+)?", str(case.query.get("wait", ""))) and float(case.query["wait"]) > 0.1:
        case.query["wait"] = "0.1"
    response = case.call(base_url=server.url, headers=headers, timeout=30)
    assert response.status_code < 500, response.text
    assert response.headers["content-type"][0].startswith("application/json")
    if response.status_code >= 400:
        body = response.json()
        assert isinstance(body["error"], str) and isinstance(body["message"], str)


def test_the_event_stream_is_described_and_served(running: tuple[Server, str]) -> None:
    import httpx

    server, token = running
    doc = httpx.get(f"{server.url}/openapi.json").json()
    assert "/v1/w/{workspace}/events" in doc["paths"]
    with httpx.stream("GET", f"{server.url}/v1/w/team/events", headers={"Authorization": f"Bearer {token}"}) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = response.iter_lines()
        head = httpx.get(f"{server.url}/v1/me", headers={"Authorization": f"Bearer {token}"}).json()["head"]
        assert [next(lines) for _ in range(4)] == ["retry: 1000", "", "event: changed", f'data: {{"head":{head}}}']


@pytest.mark.parametrize("wait", ["0.30000000000000004", "56.0184603705497", "1e-3", "60.000000"])
def test_a_wait_the_document_allows_is_taken(running: tuple[Server, str], wait: str) -> None:
    # The document says a number from 0 to 60; the server took at most six decimals, so the sum JavaScript
    # gives for 0.1 + 0.2 was a 400 bad_parameter.
    import httpx

    server, token = running
    doc = httpx.get(f"{server.url}/openapi.json").json()
    [schema] = [p["schema"] for p in doc["paths"]["/v1/w/{workspace}/ops"]["get"]["parameters"] if p["name"] == "wait"]
    assert schema["type"] == "number" and schema["minimum"] <= float(wait) <= schema["maximum"]
    head = httpx.get(f"{server.url}/v1/me", headers={"Authorization": f"Bearer {token}"}).json()["head"]
    answer = httpx.get(f"{server.url}/v1/w/team/ops?after={head - 1}&wait={wait}", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text


def test_the_document_says_how_far_a_cursor_goes(running: tuple[Server, str]) -> None:
    # It gave after and refused_after no maximum, and the server answered 400 past 18 digits.
    import httpx

    server, token = running
    auth = {"Authorization": f"Bearer {token}"}
    doc = httpx.get(f"{server.url}/openapi.json").json()
    params = {p["name"]: p["schema"] for p in doc["paths"]["/v1/w/{workspace}/ops"]["get"]["parameters"]}
    for name in ("after", "refused_after"):
        top = params[name]["maximum"]
        answer = httpx.get(f"{server.url}/v1/w/team/ops?node=abcd&{name}={top}", headers=auth)
        assert answer.status_code != 400, answer.text
        answer = httpx.get(f"{server.url}/v1/w/team/ops?node=abcd&{name}={top + 1}", headers=auth)
        assert (answer.status_code, answer.json()["error"]) == (400, "bad_parameter")


def _described(schema: dict[str, object], value: object) -> bool:
    """Whether ``value`` is one the document's ``schema`` of a field allows (the keywords the Op's fields use)."""
    pattern, longest, top = schema.get("pattern"), schema.get("maxLength"), schema.get("maximum")
    if isinstance(value, str):
        return (pattern is None or re.search(str(pattern), value) is not None) and (longest is None or len(value) <= int(str(longest)))
    return top is None or int(str(value)) <= int(str(top))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("op_id", "="),
        ("op_id", "1796461419906-000C-abcd1234"),
        ("member", "ana"),
        ("node_seq", 2**63),
        ("field", "x" * 201),
        ("row_id", "nope"),
    ],
)
def test_an_operation_the_server_refuses_whole_is_one_the_document_does_not_allow(
    running: tuple[Server, str], field: str, value: object
) -> None:
    # The document described op_id, member, row_id and field as any text and node_seq as any integer: a client
    # built from it sent operations the server answers 422 bad_op.
    import httpx

    server, token = running
    auth = {"Authorization": f"Bearer {token}"}
    doc = httpx.get(f"{server.url}/openapi.json").json()
    member = httpx.get(f"{server.url}/v1/me", headers=auth).json()["member"]
    good = {
        "op_id": "1796461419906-0001-abcd1234",
        "node": "abcd1234",
        "node_seq": 1,
        "member": member,
        "kind": "set",
        "entity": "task",
        "row_id": "0" * 32,
        "field": "title",
        "value": "Described",
    }
    properties = doc["components"]["schemas"]["Op"]["properties"]
    assert all(_described(properties[name], v) for name, v in good.items())
    assert not _described(properties[field], value)
    answer = httpx.post(f"{server.url}/v1/w/team/push", json={"ops": [{**good, field: value}]}, headers=auth)
    assert (answer.status_code, answer.json()["error"]) == (422, "bad_op"), answer.text
