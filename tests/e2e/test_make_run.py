"""`make run`'s supervisor: ready with every service SERVING, the divisions answer through the
gateway, Ctrl-C/SIGTERM leaves nothing running, and a second start keeps the data."""
import grpc
import httpx
from grpc_health.v1 import health_pb2, health_pb2_grpc


def test_ready_children_listed_and_clean_stop_and_data_kept(servers_path, suite_control):
    start_suite, stop_suite = suite_control
    data = servers_path / "civic"
    suite = start_suite(data)
    try:
        backends = suite.state["backends"]
        assert "placenames" in backends
        for name, address in backends.items():
            with grpc.insecure_channel(address) as channel:
                status = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
                assert status.status == health_pb2.HealthCheckResponse.SERVING, name
        assert httpx.get(f"{suite.url}/readyz", timeout=10).status_code == 200
        token = suite.token("placenames_officer", "civic-demo")
        auth = {"Authorization": f"Bearer {token}"}
        resp = httpx.get(f"{suite.url}/v1/divisions", params={"parentCode": "421281", "pageSize": 100},
                         headers=auth, timeout=10)
        assert resp.status_code == 200, resp.text
        names = {d["displayName"] for d in resp.json()["divisions"]}
        assert len(names) == 19 and {"蒲圻街道", "赤马港街道", "陆水湖街道", "黄盖湖镇"} <= names
        created = httpx.post(f"{suite.url}/v1/divisions", headers={**auth, "Idempotency-Key": "e2e-keep-1"},
                             json={"code": "421281109097", "displayName": "保留村", "effectiveDate": "2024-01-01",
                                   "reason": "端到端测试"}, timeout=10)
        assert created.status_code == 200, created.text
    finally:
        leftovers = stop_suite(suite)
    assert leftovers == [], f"children still running after SIGTERM: {leftovers}"

    again = start_suite(data)
    try:
        token = again.token("placenames_officer", "civic-demo")
        kept = httpx.get(f"{again.url}/v1/divisions/421281109097", headers={"Authorization": f"Bearer {token}"},
                         timeout=10)
        assert kept.status_code == 200 and kept.json()["displayName"] == "保留村"
    finally:
        assert stop_suite(again) == []
