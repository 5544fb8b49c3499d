"""One vocabulary of states: every state the code stores is a member with a Chinese label."""

import pytest
from sqlalchemy import select

from content_feed.db import db
from content_feed.models import Guide, Inquiry, Item, ItemRevision, WorkflowStep
from content_feed.vocabulary import (
    CLOSED_INQUIRY_STATES,
    GUIDE_STATES,
    INQUIRY_STATES,
    ITEM_STATES,
    OPEN_INQUIRY_STATES,
    OPEN_REVISION_STATES,
    REVISION_STATES,
    SHOWN_ITEM_STATES,
    GuideState,
    InquiryState,
    ItemState,
    RevisionState,
)


@pytest.mark.parametrize(
    "states, labels",
    [
        (RevisionState, REVISION_STATES),
        (ItemState, ITEM_STATES),
        (GuideState, GUIDE_STATES),
        (InquiryState, INQUIRY_STATES),
    ],
)
def test_every_state_has_a_chinese_label(states, labels):
    assert list(labels) == list(states)
    assert all(label and not label.isascii() for label in labels.values())


def test_groups_are_made_of_members():
    assert set(OPEN_INQUIRY_STATES).isdisjoint(CLOSED_INQUIRY_STATES)
    assert set(OPEN_INQUIRY_STATES) | set(CLOSED_INQUIRY_STATES) == set(InquiryState)
    assert set(OPEN_REVISION_STATES) < set(RevisionState)
    assert set(SHOWN_ITEM_STATES) == {ItemState.PUBLISHED, ItemState.PRE_DISCLOSURE}


def test_states_equal_the_stored_strings():
    # Members are what the database and the JSON hold, so old rows still match.
    assert ItemState.PRE_DISCLOSURE == "pre_disclosure"
    assert ITEM_STATES["pre_disclosure"] == "预公开中"
    assert f"{InquiryState.CANNOT_HANDLE}" == "cannot_handle"


def test_the_demo_hall_stores_only_known_states(demo_app):
    columns = [
        (Item.state, ItemState),
        (ItemRevision.state, RevisionState),
        (WorkflowStep.to_state, RevisionState),
        (WorkflowStep.from_state, RevisionState),
        (Guide.state, GuideState),
        (Inquiry.state, InquiryState),
    ]
    for column, states in columns:
        stored = set(db.session.execute(select(column).distinct()).scalars())
        assert stored <= set(states), column
    items = set(db.session.execute(select(Item.state).distinct()).scalars())
    assert ItemState.PRE_DISCLOSURE in items
