"""The platform routes' response models put the services' dataclasses on the wire byte for byte
as the routes did when they built the JSON themselves: key order, nulls, numbers and timestamps."""

from __future__ import annotations

from scrapegate.api.announcement_models import AnnouncementBody, StoredAnnouncementBody
from scrapegate.api.beacon_models import AllFunnelStatsBody, IngestBody
from scrapegate.api.blog_models import ModerationPageBody, ReactionRecordedBody
from scrapegate.api.favicon import FaviconBatchBody, FaviconBody, FaviconErrorBody
from scrapegate.api.feedback_models import FeedbackBody
from scrapegate.api.notification_models import BroadcastBody, NotificationHistoryBody
from scrapegate.api.oauth_models import AuthorizationBody, RegisteredClientBody
from scrapegate.api.status_models import StatusBody
from scrapegate.domain.blog_records import BlogComment
from scrapegate.domain.feedback_records import ScrapeFeedback
from scrapegate.domain.notification_records import Notification, NotificationView
from scrapegate.domain.oauth_records import OAuthClient
from scrapegate.domain.records import Announcement
from scrapegate.platform.announcements import AnnouncementView, StoredAnnouncement
from scrapegate.platform.beacons import (
    AllFunnelStats,
    FunnelStats,
    IngestOutcome,
    RejectedEvent,
    StepStats,
)
from scrapegate.platform.blog.views import ModeratedComment, ModerationPage, ReactionRecorded
from scrapegate.platform.notifications import NotificationEntry, NotificationPage
from scrapegate.platform.oauth import AuthorizationCode, ClientView, RegisteredClient
from scrapegate.platform.status import ServiceCheck, StatusReport
from tests.api.wire_support import AT, AT_WIRE, wire


def test_moderated_comments_keep_nulls_and_render_markdown() -> None:
    comment = BlogComment("c1", "post", "*hi*", author_name="Ann", created_at=AT)
    page = ModerationPage([ModeratedComment.of(comment)], total=3, limit=1, offset=0)
    assert wire(ModerationPageBody, page) == (
        '{"comments":[{"id":"c1","post_slug":"post","parent_id":null,"author_name":"Ann",'
        '"author_email":null,"author_website":null,"content":"*hi*",'
        '"content_html":"<p><em>hi</em></p>","status":"pending","ip_hash":null,'
        f'"created_at":"{AT_WIRE}","moderated_at":null}}],'
        '"total":3,"limit":1,"offset":0,"has_more":true}'
    )


def test_a_reaction_answers_its_type_before_the_counts() -> None:
    recorded = ReactionRecorded(slug="post", counts={"like": 2, "love": 0}, reaction="like")
    assert wire(ReactionRecordedBody, recorded) == (
        '{"slug":"post","reaction":"like","counts":{"like":2,"love":0},"total":2}'
    )


def test_notifications_add_their_route_fields_after_the_common_ones() -> None:
    item = Notification("n1", "admin_broadcast", "info", "T", "M", org_id="o1", created_at=AT)
    entry = NotificationEntry.of(NotificationView(item, read_at=AT))
    common = (
        '"id":"n1","type":"admin_broadcast","severity":"info","title":"T","message":"M",'
        f'"link":null,"created_at":"{AT_WIRE}","expires_at":null,"read_at":"{AT_WIRE}"'
    )
    assert (
        wire(BroadcastBody, entry) == "{" + common + ',"organization_id":"o1","dismissed_at":null}'
    )
    page = NotificationPage([entry], total=1, limit=20, offset=0)
    assert wire(NotificationHistoryBody, page) == (
        '{"notifications":[{' + common + ',"dismissed_at":null}],'
        '"total":1,"limit":20,"offset":0,"has_more":false}'
    )


def test_announcements_inactive_and_stored() -> None:
    assert wire(AnnouncementBody, AnnouncementView.inactive(4)) == (
        '{"enabled":false,"text":null,"cta":null,"cta_url":null,"style":"info","version":4,'
        '"starts_at":null,"ends_at":null}'
    )
    record = Announcement("a1", 5, True, "Hi", style="warning", ends_at=AT, updated_at=AT)
    assert wire(StoredAnnouncementBody, StoredAnnouncement.of_stored(record)) == (
        '{"enabled":true,"text":"Hi","cta":null,"cta_url":null,"style":"warning","version":5,'
        f'"starts_at":null,"ends_at":"{AT_WIRE}","updated_at":"{AT_WIRE}"}}'
    )


def test_oauth_bodies() -> None:
    client = OAuthClient("c1", "App", "h", ["https://a.example/cb"], ["scrape"], AT)
    registered = RegisteredClient(**vars(ClientView.of(client)), client_secret="cs_x")
    assert wire(RegisteredClientBody, registered) == (
        '{"client_id":"c1","name":"App","redirect_uris":["https://a.example/cb"],'
        f'"scopes":["scrape"],"created_at":"{AT_WIRE}","client_secret":"cs_x"}}'
    )
    grant = AuthorizationCode("abc", "s 1", "https://a.example/cb?x=1", 600)
    assert wire(AuthorizationBody, AuthorizationBody.of(grant)) == (
        '{"code":"abc","state":"s 1",'
        '"redirect_url":"https://a.example/cb?x=1&code=abc&state=s+1","expires_in":600}'
    )


def test_status_page_numbers() -> None:
    checks = [
        ServiceCheck("api", "operational", 3, "ok"),
        ServiceCheck("ocr", "disabled", None, ""),
    ]
    report = StatusReport("operational", checks, AT, 100.0)
    assert wire(StatusBody, report) == (
        '{"overall_status":"operational","services":['
        '{"name":"api","status":"operational","latency_ms":3,"message":"ok"},'
        '{"name":"ocr","status":"disabled","latency_ms":null,"message":""}],'
        f'"timestamp":"{AT_WIRE}","uptime_percentage":100.0}}'
    )


def test_funnel_numbers_and_rejected_events() -> None:
    steps = [StepStats("a", 4, 1.0, 1.0), StepStats("b", 1, 0.25, 0.25)]
    stats = AllFunnelStats(AT, AT, [FunnelStats("f", AT, AT, 24, steps)])
    assert wire(AllFunnelStatsBody, stats) == (
        f'{{"period_start":"{AT_WIRE}","period_end":"{AT_WIRE}","funnels":[{{"name":"f",'
        f'"period_start":"{AT_WIRE}","period_end":"{AT_WIRE}","window_hours":24,"steps":['
        '{"event":"a","visitors":4,"conversion_from_previous":1.0,"conversion_from_start":1.0},'
        '{"event":"b","visitors":1,"conversion_from_previous":0.25,"conversion_from_start":0.25}'
        "]}]}"
    )
    outcome = IngestOutcome(1, [RejectedEvent(2, "bad")])
    assert wire(IngestBody, outcome) == (
        '{"accepted":1,"rejected":1,"errors":[{"index":2,"message":"bad"}]}'
    )


def test_feedback_names_its_id_feedback_id() -> None:
    feedback = ScrapeFeedback(
        "f1", "o", "u", "j", "r", "blocked", "https://a.example/", created_at=AT
    )
    feedback.analysis = {"succeeded": False, "error": "x"}
    assert wire(FeedbackBody, feedback) == (
        '{"feedback_id":"f1","job_id":"j","issue_type":"blocked","description":null,'
        '"expected_content":null,"url":"https://a.example/","analysis_queued":false,'
        '"analysis_status":"not_queued","analysis":{"succeeded":false,"error":"x"},'
        f'"support_ticket_id":null,"support_ticket_ref":null,"created_at":"{AT_WIRE}",'
        '"analyzed_at":null}'
    )


def test_a_favicon_batch_entry_has_error_only_when_it_failed() -> None:
    batch = FaviconBatchBody(
        size=32,
        favicons={
            "a.example": FaviconBody(data_uri="data:image/png;base64,AA==", source="site"),
            "bad": FaviconErrorBody(data_uri=None, source="error", error="INVALID_URL"),
        },
    )
    assert wire(FaviconBatchBody, batch) == (
        '{"size":32,"favicons":{"a.example":{"data_uri":"data:image/png;base64,AA==",'
        '"source":"site"},"bad":{"data_uri":null,"source":"error","error":"INVALID_URL"}}}'
    )
