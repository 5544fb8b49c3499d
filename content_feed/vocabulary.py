"""The fixed words of the domain (DESIGN.md) with their Chinese labels.

States are ``StrEnum`` members: they equal the strings stored in the database
and rendered in JSON, so a stored ``"published"`` and ``ItemState.PUBLISHED``
compare equal, and a misspelt member fails at import instead of matching nothing.
"""

from enum import StrEnum

SCOPES = {
    "public": "向社会公开",
    "party": "党内公开",
    "unit": "本单位公开",
    "specific": "对特定对象公开",
}
PUBLIC_SCOPE = "public"

TIMELINESS = {
    "standing": "长期公开",
    "periodic": "定期公开",
    "staged": "逐段公开",
    "immediate": "即时公开",
}

DISCLOSURE_MODES = {"proactive": "主动公开", "on_request": "依申请公开"}

SURFACES = {"kiosk": "触摸查询机", "wall": "大屏", "led": "LED条屏"}

TERMINAL_KINDS = {"kiosk": "触摸查询机", "wall": "大屏", "led": "LED条屏"}

LED_COLOR_MODES = {"mono": "单色", "dual": "红绿双色", "rgb": "全彩"}

# How an LED terminal gets its frames: it pulls them, or we push to its controller card.
LED_DELIVERY = {
    "pull": "终端拉取（PNG/BMP/GIF/文本）",
    "onbon-bx5": "仰邦 BX-5 控制卡（局域网推送）",
    "onbon-bx6": "仰邦 BX-6 控制卡（局域网推送）",
    "huidu": "灰度 Huidu 控制卡（SDK 2.0，局域网推送）",
}
# 兼容设置 of BX-6 cards (LedController.word_order / length_form).
ONBON_WORD_ORDERS = {
    "lsb": "按说明书：32 位字低字节在前（默认）",
    "msb": "高字节在前（本系统旧版的发送方式）",
}
ONBON_LENGTH_FORMS = {
    "sdk": "按厂家 SDK：长度只计参数（默认）",
    "inclusive": "长度包含点阵数据（本系统旧版的发送方式）",
}


# Workflow of Article 15: a revision walks these states in order.
class RevisionState(StrEnum):
    DRAFT = "draft"
    PROPOSED = "proposed"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"


REVISION_STATES = {
    RevisionState.DRAFT: "草稿",
    RevisionState.PROPOSED: "已提出",
    RevisionState.REVIEWED: "已审核",
    RevisionState.APPROVED: "已审批",
    RevisionState.PUBLISHED: "已公开",
    RevisionState.SUPERSEDED: "已被替换",
    RevisionState.WITHDRAWN: "已撤回",
}
# A revision still walking the steps: at most one per item, withdrawn on archiving.
OPEN_REVISION_STATES = (RevisionState.DRAFT, RevisionState.PROPOSED, RevisionState.REVIEWED)


# What the public may see of an item, decided by approval (the windows decide when).
class ItemState(StrEnum):
    UNPUBLISHED = "unpublished"
    PRE_DISCLOSURE = "pre_disclosure"
    PUBLISHED = "published"
    ARCHIVED = "archived"


ITEM_STATES = {
    ItemState.UNPUBLISHED: "未公开",
    ItemState.PRE_DISCLOSURE: "预公开中",
    ItemState.PUBLISHED: "已公开",
    ItemState.ARCHIVED: "已归档",
}
# States in which public_now may show an item (inside its windows).
SHOWN_ITEM_STATES = (ItemState.PUBLISHED, ItemState.PRE_DISCLOSURE)


class GuideState(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


GUIDE_STATES = {
    GuideState.DRAFT: "草稿",
    GuideState.PUBLISHED: "已公开",
    GuideState.ARCHIVED: "已下线",
}

ROLES = {
    "drafter": "拟稿",
    "reviewer": "审核（保密审查）",
    "approver": "审批",
    "operator": "运维",
    "handler": "办理",
    "admin": "管理员",
}

INQUIRY_KINDS = {
    "question": "问询",
    "suggestion": "意见建议",
    "disclosure_request": "依申请公开",
    "comment": "预公开意见",
}


class InquiryState(StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANNOT_HANDLE = "cannot_handle"


INQUIRY_STATES = {
    InquiryState.PENDING: "待办",
    InquiryState.IN_PROGRESS: "办理中",
    InquiryState.DONE: "已办结",
    InquiryState.CANNOT_HANDLE: "暂不能办",
}
# The same states as the person who sent the request sees them (kiosk, phone page,
# API): 待办 is a staff word. One vocabulary for every citizen's view of progress.
CITIZEN_INQUIRY_STATES = {
    InquiryState.PENDING: "已受理",
    InquiryState.IN_PROGRESS: "办理中",
    InquiryState.DONE: "已办结",
    InquiryState.CANNOT_HANDLE: "暂不能办理",
}
# The date a citizen waits for: an answer to a request, the fix of a bad rating.
CITIZEN_DUE_LABELS = {"inquiry": "答复期限", "rating": "整改期限"}
# Still to be answered: these count against the due date.
OPEN_INQUIRY_STATES = (InquiryState.PENDING, InquiryState.IN_PROGRESS)
CLOSED_INQUIRY_STATES = (InquiryState.DONE, InquiryState.CANNOT_HANDLE)

RATING_LEVELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
BAD_RATING_MAX = 2

# A rating's progress as its receipt shows it (the console's follow-up states are
# finer: open / contacted / resolved).
RATING_PROGRESS = {"received": "已收到", "follow_up": "回访整改中", "resolved": "已整改"}

RATING_TARGETS = {"hall": "服务大厅", "window": "窗口", "guide": "办事事项"}

MATERIAL_FORMS = {"original": "原件", "copy": "复印件", "electronic": "电子"}
# 容缺后补 (accepted now, handed in later) is a flag of its own: GuideMaterial.deferrable.
MATERIAL_NECESSITY = {"required": "必要", "conditional": "视情况", "optional": "非必要"}
