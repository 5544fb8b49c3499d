"""The fixed words of the domain (DESIGN.md) with their Chinese labels."""

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
}

# Workflow of Article 15: a revision walks these states in order.
REVISION_STATES = {
    "draft": "草稿",
    "proposed": "已提出",
    "reviewed": "已审核",
    "approved": "已审批",
    "published": "已公开",
    "superseded": "已被替换",
    "withdrawn": "已撤回",
}

ITEM_STATES = {"unpublished": "未公开", "published": "已公开", "archived": "已归档"}

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

INQUIRY_STATES = {
    "pending": "待办",
    "in_progress": "办理中",
    "done": "已办结",
    "cannot_handle": "暂不能办",
}

RATING_LEVELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
BAD_RATING_MAX = 2

# A rating's progress as its receipt shows it (the console's follow-up states are
# finer: open / contacted / resolved).
RATING_PROGRESS = {"received": "已收到", "follow_up": "回访整改中", "resolved": "已整改"}

RATING_TARGETS = {"hall": "服务大厅", "window": "窗口", "guide": "办事事项"}

MATERIAL_FORMS = {"original": "原件", "copy": "复印件", "electronic": "电子"}
MATERIAL_NECESSITY = {"required": "必要", "conditional": "容缺/视情况", "optional": "非必要"}
