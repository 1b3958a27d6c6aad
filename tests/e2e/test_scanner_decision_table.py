"""The scanner's side of the door's decision table (tests/checkin/decision_cases.json): in Chromium,
the offline decision (checkin/static/checkin/scanner/decide.js) gives each row's offline answer for
the person as the server's check-in list has them, at the door as the scanner's info describes it.
The server's side of the same rows is tests/checkin/test_decision_table.py."""

from django.templatetags.static import static
from django.test import Client

from checkin.services import create_device
from tests.checkin.decision_table import CASE_IDS, CASES, build

DECIDE = """async ({ module, rows }) => {
  const { decideLocally } = await import(module);
  const scannedAt = new Date().toISOString();
  return rows.map(({ person, workshop, door, admit }) => {
    const fromList = decideLocally(person, { workshop, door, scannedAt, admit });
    // The same check-in known only to this phone (made after the list was fetched).
    const listedAt = person && (workshop ? person.workshops_checked_in_at[String(workshop)] : person.checked_in_at);
    let fromMemory = null;
    if (listedAt) {
      const before = workshop
        ? { ...person, workshops_checked_in_at: {} }
        : { ...person, checked_in: false, checked_in_at: null };
      fromMemory = decideLocally(before, { workshop, door, knownAt: listedAt, scannedAt, admit }).status;
    }
    return { status: fromList.status, walk_in: Boolean(fromList.walkIn), from_memory: fromMemory };
  });
}"""


def test_the_offline_decision_answers_as_the_table_says(event, municipalities, server, anonymous_context):
    built = [build(case, event, n) for n, case in enumerate(CASES)]
    _device, token = create_device(event=event, name="Beslistabel")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    people = {person["reference"]: person for person in client.get("/api/v1/checkin/list").json()["people"]}
    doors = {door["id"]: door for door in client.get("/api/v1/checkin/scanner").json()["doors"]}
    rows = [
        {
            "person": people[row.registration.reference] if row.registration else None,
            "workshop": row.door.pk if row.door else None,
            "door": doors[row.door.pk] if row.door else None,
            "admit": case.get("admit", False),
        }
        for row, case in zip(built, CASES, strict=True)
    ]
    page = anonymous_context.new_page()
    page.goto("/scan/")

    answers = page.evaluate(DECIDE, {"module": static("checkin/scanner/decide.js"), "rows": rows})

    expected = []
    for case in CASES:
        status = case.get("offline_status", case["status"])
        walk_in = case.get("offline_walk_in", case.get("walk_in", False))
        checked_in_here = case["registration"] != "unknown" and case["place"] in case["checked_in"]
        expected.append(
            {"status": status, "walk_in": walk_in, "from_memory": status if checked_in_here else None}
        )
    assert dict(zip(CASE_IDS, answers, strict=True)) == dict(zip(CASE_IDS, expected, strict=True))
