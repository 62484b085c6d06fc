"""Support attachments end to end (platform-api A.12 #44, #45, #63) and GDPR erasure (#57)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from scrapegate.domain.records import utcnow
from tests.api.conftest import new_key
from tests.api.support_people import ATTACHMENT_KEYS, People, client, open_ticket, people_of
from tests.live_server import LiveServer

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(200)


@pytest.fixture(scope="module")
def people(server: LiveServer) -> Iterator[People]:
    yield from people_of(server, "files")


def upload(caller: httpx.Client, name: str, data: bytes, **fields: str) -> httpx.Response:
    files = {"file": (name, data, "application/octet-stream")}
    return caller.post("/api/v1/support/upload", files=files, data=fields)


def uploaded(caller: httpx.Client, name: str = "shot.png", data: bytes = PNG) -> Any:
    answer = upload(caller, name, data)
    assert answer.status_code == 201, answer.text
    return answer.json()


BOUNDARY = "support-test-boundary"


def chunked_multipart(name: str, size: int) -> Iterator[bytes]:
    """A multipart body sent without Content-Length (chunked transfer encoding)."""
    yield (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    for _ in range(size // 10_000):
        yield b"a" * 10_000
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


def file_on_disk(server: LiveServer, attachment_id: str) -> Path:
    return Path(server.settings.data_dir) / "support" / f"{attachment_id}.bin"


def test_upload_and_download_a_png(people: People, server: LiveServer) -> None:
    body = uploaded(people.owner)
    assert set(body) == ATTACHMENT_KEYS
    assert (body["content_type"], body["size_bytes"], body["filename"]) == (
        "image/png",
        len(PNG),
        "shot.png",
    )
    assert body["ticket_id"] is None and body["reply_id"] is None
    assert body["download_url"] == (
        f"{server.settings.public_base_url}/api/v1/support/attachments/{body['id']}"
    )
    fetched = people.owner.get(f"/api/v1/support/attachments/{body['id']}")
    assert fetched.status_code == 200 and fetched.content == PNG
    assert fetched.headers["content-type"] == "image/png"
    assert fetched.headers["content-disposition"] == 'attachment; filename="shot.png"'
    assert fetched.headers["x-content-type-options"] == "nosniff"
    assert fetched.headers["content-security-policy"] == "sandbox"
    assert file_on_disk(server, body["id"]).read_bytes() == PNG


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("notes.txt", "héllo\nwörld".encode(), "text/plain; charset=utf-8"),
        ("server.log", b"GET / 200\n", "text/plain; charset=utf-8"),
        ("rows.csv", b"a,b\n1,2\n", "text/csv; charset=utf-8"),
        ("data.json", b'{"ok": true}', "application/json"),
        ("photo", b"\xff\xd8\xff\xe0" + bytes(32), "image/jpeg"),
        ("anim.gif", b"GIF89a" + bytes(32), "image/gif"),
        ("pic.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 " + bytes(16), "image/webp"),
        ("doc.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "application/pdf"),
        ("logs.zip", b"PK\x03\x04" + bytes(40), "application/zip"),
    ],
)
def test_types_are_sniffed_from_content(
    people: People, name: str, data: bytes, expected: str
) -> None:
    assert uploaded(people.admin, name, data)["content_type"] == expected


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("screenshot.png", b"just some text pretending"),
        ("tool.exe", EXE),
        ("tool.txt", EXE),
        ("broken.json", b'{"unterminated": '),
        ("latin1.txt", "caf\u00e9".encode("latin-1")),
        ("image.jpg", PNG),
    ],
)
def test_wrong_types_are_415(people: People, name: str, data: bytes) -> None:
    answer = upload(people.admin, name, data)
    assert answer.status_code == 415
    assert answer.json()["error"] == "UNSUPPORTED_CONTENT_TYPE"


def test_filenames_are_reduced_to_a_clean_base_name(people: People) -> None:
    body = uploaded(people.admin, "../../etc/sub\\dir/r\u00e9sum\u00e9\u202e.txt", b"cv")
    assert body["filename"] == "r\u00e9sum\u00e9.txt"
    fetched = people.admin.get(f"/api/v1/support/attachments/{body['id']}")
    assert fetched.headers["content-disposition"] == (
        "attachment; filename=\"r_sum_.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt"
    )
    long_name = uploaded(people.admin, "\u00e9" * 200 + ".txt", b"x")["filename"]
    assert len(long_name.encode()) <= 255 and long_name.endswith(".txt")


def test_download_rights(people: People) -> None:
    body = uploaded(people.owner)
    path = f"/api/v1/support/attachments/{body['id']}"
    for outsider in people.outsiders():
        assert outsider.get(path).status_code == 404
    assert people.admin.get(path).status_code == 200
    ticket = open_ticket(people.owner, "With file", attachments=[{"attachment_id": body["id"]}])
    assert people.owner.get(path).status_code == 200
    for outsider in people.outsiders():
        assert outsider.get(path).status_code == 404
    assert people.owner.get("/api/v1/support/attachments/not-a-uuid").status_code == 404
    replies = people.owner.get(f"/api/v1/support/tickets/{ticket['id']}/replies").json()
    attached = replies["replies"][0]["attachments"]
    assert [a["id"] for a in attached] == [body["id"]]
    assert attached[0]["ticket_id"] == ticket["id"]


def test_attachments_attach_once_and_only_by_the_uploader(people: People) -> None:
    mine = uploaded(people.owner)
    ticket = open_ticket(people.owner, "First use", attachments=[{"attachment_id": mine["id"]}])
    twice = people.owner.post(
        f"/api/v1/support/tickets/{ticket['id']}/replies",
        json={"body": "again", "attachments": [{"attachment_id": mine["id"]}]},
    )
    assert twice.status_code == 400
    theirs = uploaded(people.colleague)
    stolen = people.owner.post(
        f"/api/v1/support/tickets/{ticket['id']}/replies",
        json={"body": "borrowed", "attachments": [{"attachment_id": theirs["id"]}]},
    )
    assert stolen.status_code == 400
    fresh = uploaded(people.owner, "later.txt", b"more logs")
    added = people.owner.post(
        f"/api/v1/support/tickets/{ticket['id']}/replies",
        json={"body": "logs", "attachments": [{"attachment_id": fresh["id"]}]},
    )
    assert added.status_code == 201
    assert [a["filename"] for a in added.json()["attachments"]] == ["later.txt"]


def test_upload_straight_onto_a_ticket(people: People) -> None:
    ticket = open_ticket(people.owner, "Direct")
    answer = upload(people.owner, "direct.png", PNG, ticket_id=ticket["id"])
    assert answer.status_code == 201 and answer.json()["ticket_id"] == ticket["id"]
    foreign = upload(people.stranger, "direct.png", PNG, ticket_id=ticket["id"])
    assert foreign.status_code == 404


def test_missing_file_part_is_400(people: People) -> None:
    answer = people.owner.post("/api/v1/support/upload", data={"ticket_id": ""})
    assert answer.status_code == 400


def test_admin_deletes_attachments(people: People, server: LiveServer) -> None:
    body = uploaded(people.owner)
    path = f"/api/v1/support/attachments/{body['id']}"
    assert people.owner.delete(path).status_code == 403
    assert people.admin.delete(path).status_code == 204
    assert people.owner.get(path).status_code == 404
    assert not file_on_disk(server, body["id"]).exists()
    assert people.admin.delete(path).status_code == 404


def test_gdpr_erasure_removes_rows_and_files(people: People, server: LiveServer) -> None:
    first = uploaded(people.owner)
    second = uploaded(people.owner, "later.txt", b"trace")
    ticket = open_ticket(people.owner, "Forget me", attachments=[{"attachment_id": first["id"]}])
    people.owner.post(
        f"/api/v1/support/tickets/{ticket['id']}/replies",
        json={"body": "more", "attachments": [{"attachment_id": second["id"]}]},
    )
    assert file_on_disk(server, first["id"]).exists()
    erased = people.owner.delete(f"/api/v1/support/tickets/{ticket['id']}/gdpr")
    assert erased.status_code == 200
    assert erased.json() == {
        "ticket_id": ticket["id"],
        "ticket_ref": ticket["ticket_ref"],
        "deleted": True,
        "message": "Ticket and all replies and attachments were permanently deleted.",
    }
    for attachment in (first, second):
        assert not file_on_disk(server, attachment["id"]).exists()
    repo = server.services.storage.support
    assert server.call(repo.get_ticket(ticket["id"])) is None
    assert server.call(repo.get_attachment(first["id"])) is None
    assert server.call(repo.get_attachment(second["id"])) is None
    replies = server.call(repo.replies(ticket["id"], include_internal=True, offset=0, limit=10))
    assert replies == ([], 0)
    refs = [e.ticket_ref for e in server.call(repo.erasures())]  # type: ignore[attr-defined]
    assert ticket["ticket_ref"] in refs
    assert people.owner.get(f"/api/v1/support/tickets/{ticket['id']}").status_code == 404


def test_unattached_uploads_are_purged(people: People, server: LiveServer) -> None:
    kept_ticket = open_ticket(people.owner, "Keeps its file")
    attached = upload(people.owner, "keep.png", PNG, ticket_id=kept_ticket["id"]).json()
    loose = uploaded(people.owner)
    server.call(server.services.support.housekeeping(utcnow() + timedelta(hours=25)))
    assert people.owner.get(f"/api/v1/support/attachments/{loose['id']}").status_code == 404
    assert not file_on_disk(server, loose["id"]).exists()
    assert people.owner.get(f"/api/v1/support/attachments/{attached['id']}").status_code == 200


def test_size_and_hourly_limits(server_factory: Callable[..., LiveServer]) -> None:
    small = server_factory(support={"upload_max_bytes": 1024, "uploads_per_hour": 2})
    caller = client(small, new_key(small, "files-limits"))
    too_big = upload(caller, "big.txt", b"a" * 1025)
    assert too_big.status_code == 413 and too_big.json()["error"] == "PAYLOAD_TOO_LARGE"
    declared_huge = upload(caller, "huge.txt", b"a" * 200_000)
    assert declared_huge.status_code == 413
    chunked = caller.post(
        "/api/v1/support/upload",
        content=chunked_multipart("streamed.txt", 200_000),
        headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
    )
    assert chunked.status_code == 413
    assert upload(caller, "fits.txt", b"a" * 1024).status_code == 201
    assert upload(caller, "second.txt", b"b").status_code == 201
    limited = upload(caller, "third.txt", b"c")
    assert limited.status_code == 429 and limited.json()["error"] == "RATE_LIMITED"
    leftovers = list((Path(small.settings.data_dir) / "support").glob("*.part"))
    assert leftovers == []
    caller.close()
