"""The data model. Import from here: ``from content_feed.models import Item``."""

from content_feed.models.catalogue import Category
from content_feed.models.feed_state import FeedState, FeedTopic
from content_feed.models.feedback import Inquiry, Rating, RefusedSubmission
from content_feed.models.guide import Guide, GuideFaq, GuideFee, GuideMaterial, GuideStep
from content_feed.models.guide_import import GuideImport, GuideRevision
from content_feed.models.hall import Hall, Window
from content_feed.models.item import (
    Attachment,
    IndexSerial,
    Item,
    ItemRevision,
    WorkflowStep,
    item_hall,
)
from content_feed.models.led_controller import LedController
from content_feed.models.ledger import LedgerEntry, LedgerIsAppendOnly
from content_feed.models.notice import MeetingNotice, Slogan, UrgentNotice, UrgentNoticeAck
from content_feed.models.terminal import (
    Playlist,
    PlaylistEntry,
    PlayRecord,
    RotationSchedule,
    Terminal,
    TerminalGroup,
    terminal_group_member,
)
from content_feed.models.user import HallGrant, LoginLock, User

__all__ = [
    "Attachment",
    "Category",
    "FeedState",
    "FeedTopic",
    "Guide",
    "GuideFaq",
    "GuideFee",
    "GuideImport",
    "GuideMaterial",
    "GuideRevision",
    "GuideStep",
    "Hall",
    "HallGrant",
    "IndexSerial",
    "Inquiry",
    "Item",
    "ItemRevision",
    "LedController",
    "LedgerEntry",
    "LedgerIsAppendOnly",
    "LoginLock",
    "MeetingNotice",
    "PlayRecord",
    "Playlist",
    "PlaylistEntry",
    "Rating",
    "RefusedSubmission",
    "RotationSchedule",
    "Slogan",
    "Terminal",
    "TerminalGroup",
    "UrgentNotice",
    "UrgentNoticeAck",
    "User",
    "Window",
    "WorkflowStep",
    "item_hall",
    "terminal_group_member",
]
