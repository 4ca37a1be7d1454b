"""Through the gateway, against the suite as `make run` starts it: a registrar of another
jurisdiction can neither read nor change the county office's records."""
import datetime as dt
import time
import uuid

import httpx
from gateway.accounts.bootstrap import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

from servicekit.identifiers import resident_id_check_digit


def resident_id(birth: dt.date, sex: str, seq: int) -> str:
    first17 = f"421281{birth:%Y%m%d}{seq % 100:02d}{1 if sex == 'M' else 2}"
    return first17 + resident_id_check_digit(first17)


def township_token(suite, role: str, display_name: str) -> str:
    """A new account of the township 新店镇 (421281100), made by the demo admin; its bearer token."""
    admin = {"Authorization": f"Bearer {suite.token('admin', 'civic-demo')}"}
    username = f"xd{uuid.uuid4().hex[:6]}"
    made = httpx.post(f"{suite.url}/v1/admin/users", headers=admin, json={
        "username": username, "password": "township-pass-2024", "roles": [role],
        "jurisdiction": "421281100", "displayName": display_name,
        # a registrar registers within 2 years of a passed training assessment (rules.md §1.4)
        "assessedOn": (dt.date.today() - dt.timedelta(days=100)).isoformat()}, timeout=10)
    assert made.status_code == 201, made.text
    return suite.token(username, "township-pass-2024")


def couple(seq: int, man: str, woman: str) -> dict:
    """A registration at the county office (421281) of a new couple."""
    return {"officeCode": "421281", "declarations": {"noSpouse": True, "noProhibitedKinship": True},
            "parties": [
                {"idType": "ID_TYPE_RESIDENT_ID", "idNumber": resident_id(dt.date(1990, 3, 4), "M", seq),
                 "name": man, "nationality": "CHN"},
                {"idType": "ID_TYPE_RESIDENT_ID", "idNumber": resident_id(dt.date(1992, 5, 6), "F", seq + 1),
                 "name": woman, "nationality": "CHN"}]}


def test_other_jurisdiction_cannot_read_or_change(suite):
    url = suite.url
    county = {"Authorization": f"Bearer {suite.token('marriage_registrar', 'civic-demo')}"}
    other = {"Authorization": f"Bearer {township_token(suite, 'marriage_registrar', '新店镇登记员')}"}
    body = couple(uuid.uuid4().int, "周杰", "蔡琳")
    refused = httpx.post(f"{url}/v1/marriages:register", headers=other, json=body, timeout=10)
    assert refused.status_code == 403 and refused.json()["reason"] == "OUT_OF_JURISDICTION"
    registered = httpx.post(f"{url}/v1/marriages:register", headers=county, json=body, timeout=10)
    assert registered.status_code == 200, registered.text
    name = registered.json()["name"]

    listed = httpx.get(f"{url}/v1/marriages", headers=other, params={"officeCode": "421281"}, timeout=10)
    assert listed.status_code == 403 and listed.json()["reason"] == "OUT_OF_JURISDICTION"
    own = httpx.get(f"{url}/v1/marriages", headers=other, timeout=10)  # its own jurisdiction: none of these
    assert own.status_code == 200 and name not in {m["name"] for m in own.json().get("marriages", [])}
    revoke = httpx.post(f"{url}/v1/{name}:revoke", headers=other, json={
        "authority": "REVOCATION_AUTHORITY_POLICE", "documentReference": "赤公〔2024〕1号", "reason": "冒名"},
        timeout=10)
    assert revoke.status_code == 403 and revoke.json()["reason"] == "OUT_OF_JURISDICTION"
    county_view = httpx.get(f"{url}/v1/{name}", headers=county, timeout=10).json()
    assert county_view["state"] == "MARRIAGE_STATE_REGISTERED"

    # Nor read by its id (GetMarriage checks the record's jurisdiction), nor signed a verification
    # link for: the QR code of a record the registrar may not see would show its current state.
    read = httpx.get(f"{url}/v1/{name}", headers=other, timeout=10)
    assert read.status_code == 403 and read.json()["reason"] == "OUT_OF_JURISDICTION"
    link = httpx.post(f"{url}/ui/api/verify-links", headers=other, json={"name": name}, timeout=10)
    assert link.status_code == 403 and link.json()["reason"] == "OUT_OF_JURISDICTION"
    own_link = httpx.post(f"{url}/ui/api/verify-links", headers=county, json={"name": name}, timeout=10)
    assert own_link.status_code == 200 and own_link.json()["url"].startswith(f"{url}/verify/")
    missing = httpx.post(f"{url}/ui/api/verify-links", headers=county,
                         json={"name": f"marriages/{uuid.uuid4()}"}, timeout=10)
    assert missing.status_code == 404


def test_the_change_feed_shows_each_reader_its_jurisdictions_events(suite):
    """The province reads every office's events; a township supervisor (421281100) does not read the
    county office's (421281), as it does not read its records; its cursor still passes them."""
    url = suite.url
    granted = httpx.post(f"{url}/v1/auth/token", data={
        "grant_type": "client_credentials", "client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET},
        timeout=10)
    readers = {"province": granted.json()["access_token"], "county": suite.token("supervisor", "civic-demo"),
               "township": township_token(suite, "supervisor", "新店镇主管")}
    feed = f"{url}/v1/exchange/events"

    def read(reader: str, after: str) -> tuple[list[dict], str]:
        """Every event after the cursor the reader is shown, page by page, and the cursor to go on from."""
        events: list[dict] = []
        while True:
            page = httpx.get(feed, headers={"Authorization": f"Bearer {readers[reader]}"}, params={
                "after": after, "subject": "civic.marriage.marriage_registered", "limit": 1000}, timeout=30)
            assert page.status_code == 200, page.text
            events += page.json()["events"]
            if page.json()["next"] == after:
                return events, after
            after = page.json()["next"]

    county = {"Authorization": f"Bearer {suite.token('marriage_registrar', 'civic-demo')}"}
    cursors = {reader: read(reader, "0")[1] for reader in readers}
    body = couple(uuid.uuid4().int, "吴刚", "郑洁")
    registered = httpx.post(f"{url}/v1/marriages:register", headers=county, json=body, timeout=10)
    assert registered.status_code == 200, registered.text
    name = registered.json()["name"]

    def events_of(reader: str) -> tuple[list[dict], str]:
        for _ in range(50):  # the outbox relay publishes within moments of the commit
            events, after = read(reader, cursors[reader])
            found = [e for e in events if e["data"]["marriage"]["name"] == name]
            if found or reader == "township" and after != cursors[reader]:
                return found, after
            time.sleep(0.1)
        raise AssertionError(f"{reader}: no event of {name}")

    [seen] = events_of("province")[0]
    assert seen["officeCode"] == "421281" and seen["type"] == "civic.marriage.v1.MarriageRegistered"
    assert [e["officeCode"] for e in events_of("county")[0]] == ["421281"]
    hidden, cursor = events_of("township")
    assert hidden == [] and int(cursor) >= int(seen["cursor"])
