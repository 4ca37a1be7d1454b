"""Helpers of the UI browser tests: Chromium, screenshots, resident ID numbers, sign-in, and the
marriage window steps several tests share."""
from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import random
import re
from dataclasses import dataclass
from pathlib import Path
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

import asyncpg
import httpx
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "ui"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1366, "height": 768}
PASSWORD = "civic-demo"
OFFICE = "421281"
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
BUREAU_TZ = ZoneInfo("Asia/Shanghai")
_serials = itertools.count()
_random = random.SystemRandom()
_issued: set[str] = set()
_SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦许何吕施张孔曹严华金魏陶姜"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


def today() -> dt.date:
    return dt.datetime.now(BUREAU_TZ).date()


def check_char(first17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]


def resident_id(male: bool, age: int = 30, spread: int = 9) -> str:
    """A valid resident ID of someone `age` to `age + spread + 1` years old, random enough not to meet one
    from an earlier run against the same data (the tests then register the same person twice)."""
    born = dt.date(today().year - age - 1 - _random.randrange(spread + 1), 1, 1) \
        + dt.timedelta(days=_random.randrange(365))
    return resident_id_born(born, male)


def resident_id_born(born: dt.date, male: bool) -> str:
    """A valid resident ID of someone born on `born` (a random sequence number not issued before)."""
    while True:
        sequence = f"{_random.randrange(100):02d}{2 * _random.randrange(5) + (1 if male else 0)}"
        first17 = f"{OFFICE}{born:%Y%m%d}{sequence}"
        if first17 not in _issued:
            _issued.add(first17)
            return first17 + check_char(first17)


def turning(age: int, on: dt.date) -> dt.date:
    """The birth date of someone who turns `age` on the day `on` (29 February → 1 March)."""
    try:
        return on.replace(year=on.year - age)
    except ValueError:
        return dt.date(on.year - age, 3, 1)


def wrong_check(number: str) -> str:
    right = number[17]
    return number[:17] + ("1" if right != "1" else "2")


def name(male: bool) -> str:
    n = next(_serials)
    return _SURNAMES[n % len(_SURNAMES)] + _GIVEN[(n * 7 + (0 if male else 3)) % len(_GIVEN)]


@dataclass
class Couple:
    man_id: str
    man: str
    woman_id: str
    woman: str

    @classmethod
    def new(cls) -> Couple:
        return cls(resident_id(True), name(True), resident_id(False), name(False))


def shot(page, label: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{label}.png"), full_page=True)


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    """By keyboard alone: the user name field has the focus, Tab to the password, Enter submits."""
    page.goto("/ui/signin")
    # Chromium moves an autofocus field's focus at its next rendering update, which may
    # come after the load event that goto() waits for: wait for the focus, then type.
    expect(page.locator("#username")).to_be_focused()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/ui/$"))


def open_counseling_case(page, topic: str) -> tuple[str, str]:
    """A counselor opens a case on the counseling screen (a unique topic: the suite is shared); its
    name, as the screen's case selects offer it, and the topic."""
    sign_in(page, "marriage_counselor")
    page.get_by_role("navigation").get_by_role("link", name="婚姻家庭辅导").click()
    topic = f"{topic} {resident_id(True)[-6:]}"
    page.get_by_label("辅导事项").fill(topic)
    page.get_by_role("button", name="受理", exact=True).click()
    expect(page.locator("#open-result")).to_contain_text(topic)
    return page.locator("#session-case option", has_text=topic).get_attribute("value"), topic


def sign_out(page) -> None:
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(re.compile(r"/ui/signin"))


def api_token(url: str, username: str) -> str:
    resp = httpx.post(f"{url}/v1/auth/token", data={"grant_type": "password", "username": username,
                                                    "password": PASSWORD}, timeout=10)
    resp.raise_for_status()
    return resp.json()["access_token"]


def open_day(url: str, token: str) -> dt.date:
    """The first day from today on which the office takes bookings."""
    day = today()
    for _ in range(30):
        resp = httpx.get(f"{url}/v1/appointments", params={"officeCode": OFFICE, "date": day.isoformat()},
                         headers={"Authorization": f"Bearer {token}"}, timeout=10)
        resp.raise_for_status()
        found = resp.json()
        if found["capacity"] > found["booked"]:
            return day
        day += dt.timedelta(days=1)
    raise AssertionError("no bookable day in the next 30 days")


def demo_office(url: str, token: str) -> dict:
    """The demo office as ListOffices gives it (JSON)."""
    resp = httpx.get(f"{url}/v1/offices", params={"pageSize": 100}, headers={"Authorization": f"Bearer {token}"},
                     timeout=10)
    resp.raise_for_status()
    return next(o for o in resp.json()["offices"] if o["officeCode"] == OFFICE)


def put_office(url: str, token: str, office: dict) -> dict:
    """UpsertOffice with ``office`` whole (it replaces the office): how a test sets the demo office
    up, and restores it as it found it — unconditionally, whatever was saved since (no etag)."""
    office = {key: value for key, value in office.items() if key != "etag"}
    resp = httpx.post(f"{url}/v1/offices", headers={"Authorization": f"Bearer {token}"}, timeout=10, json={
        "requestId": f"ui-office-{next(_serials)}-{_random.randrange(10**9)}", "office": office})
    assert resp.status_code == 200, resp.text
    return resp.json()


def designate_office(url: str, token: str, foreign_cases: bool) -> None:
    """Sets whether the demo office is designated for foreign, Hong Kong/Macao/Taiwan and
    overseas-Chinese cases (rules.md §1.1 Art 2; not designated when seeded), its hours and capacity
    kept: a test registering a passport party needs it, one showing the refusal needs it not."""
    saved = put_office(url, token, {**demo_office(url, token), "foreignCases": foreign_cases})
    assert saved.get("foreignCases", False) is foreign_cases


def register_via_api(url: str, token: str, couple: Couple) -> dict:
    """Set-up for flows that start from an existing marriage (the UI's registration has its own test)."""
    resp = httpx.post(f"{url}/v1/marriages:register", headers={"Authorization": f"Bearer {token}"}, timeout=10,
                      json={"officeCode": OFFICE, "declarations": {"noSpouse": True, "noProhibitedKinship": True},
                            "parties": [{"idNumber": couple.man_id, "name": couple.man},
                                        {"idNumber": couple.woman_id, "name": couple.woman}]})
    assert resp.status_code == 200, resp.text
    return resp.json()


def apply_divorce_via_api(url: str, token: str, marriage: dict) -> dict:
    """Set-up for flows that start from an accepted divorce application (at the demo office)."""
    resp = httpx.post(f"{url}/v1/divorceApplications", headers={"Authorization": f"Bearer {token}"}, timeout=10,
                      json={"requestId": f"ui-apply-{marriage['name']}", "marriage": marriage["name"],
                            "officeCode": OFFICE, "declarations": {"fullCivilCapacity": True},
                            "certificatesPresented": "CERTIFICATES_PRESENTED_BOTH",
                            "agreement": {"voluntary": True, "childrenArrangement": "无子女",
                                          "propertyDivision": "各自名下财产归各自所有", "debtHandling": "无共同债务"}})
    assert resp.status_code == 200, resp.text
    return resp.json()


def _update_record(database_url: str, table: str, record: dict, assignments: str, *values: object) -> None:
    """``UPDATE marriage.<table> SET <assignments>`` on the record (JSON, by its name's id; $1 is the id)."""
    async def update() -> None:
        conn = await asyncpg.connect(database_url)
        try:
            await conn.execute(f"UPDATE marriage.{table} SET {assignments} WHERE id = $1::uuid",
                               record["name"].split("/")[1], *values)
        finally:
            await conn.close()

    # A thread of its own: Playwright's sync API holds this thread's event loop.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, update()).result()


def _update_application(database_url: str, application: dict, assignments: str, *values: object) -> None:
    _update_record(database_url, "divorce_applications", application, assignments, *values)


def notified_days_ago(database_url: str, case: dict, days: int, deadline: dt.date) -> None:
    """Moves a notified revocation case's dates as if it had been received and notified ``days`` ago,
    with the objection deadline the service computes for that notice (``deadline``): the running suite
    keeps the real date, and a test cannot wait out the 15-day objection period."""
    notified = today() - dt.timedelta(days=days)
    _update_record(database_url, "revocation_cases", case,
                   "received_on = $2, notice_date = $2, objection_deadline = $3", notified, deadline)


def accepted_days_ago(database_url: str, application: dict, days: int) -> None:
    """Moves an application's dates as if it had been accepted ``days`` ago: the running suite keeps
    the real date, and a test cannot wait out the 30-day cooling-off (40 days ago: awaiting issue)."""
    accepted = today() - dt.timedelta(days=days)
    _update_application(database_url, application, "accepted_on = $2, cooling_off_end = $3, issue_deadline = $4",
                        accepted, accepted + dt.timedelta(days=30), accepted + dt.timedelta(days=60))


def periods_ending(database_url: str, application: dict, cooling_off_end: dt.date, issue_deadline: dt.date) -> None:
    """Sets an application's last days as a calendar of other years would have ended its periods."""
    _update_application(database_url, application, "cooling_off_end = $2, issue_deadline = $3", cooling_off_end,
                        issue_deadline)


def accepted_at(database_url: str, application: dict, office: str) -> None:
    """As if another office (one the demo registrar's jurisdiction covers) had accepted the application."""
    _update_application(database_url, application, "office_code = $2", office)


def find_marriage(page, id_number: str) -> None:
    """Look a party up in the find-a-marriage form (补领, 离婚登记, 婚姻状况变更: the find_marriage macro)."""
    page.locator("#find-id").fill(id_number)
    page.locator("#find-id").press("Enter")


def fill_registration(page, couple: Couple) -> None:
    page.goto("/ui/marriage/register")
    page.get_by_label("证件号码").first.wait_for()
    page.locator("#p0-id").fill(couple.man_id)
    page.locator("#p0-name").fill(couple.man)
    page.locator("#p1-id").fill(couple.woman_id)
    page.locator("#p1-name").fill(couple.woman)
    page.get_by_label("双方均无配偶").check()
    page.get_by_label("双方没有直系血亲和三代以内旁系血亲关系").check()


def register_via_ui(page, couple: Couple) -> str:
    """Registers the couple through the form (Enter submits); returns the certificate number."""
    fill_registration(page, couple)
    page.locator("#p1-name").press("Enter")
    result = page.locator("#register-result")
    result.get_by_text("结婚登记已办理").wait_for()
    return re.search(r"J\d{6}-\d{4}-\d{6}", result.inner_text()).group(0)
