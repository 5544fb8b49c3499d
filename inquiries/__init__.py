"""The inquiries domain: what people ask, suggest, request and rate at the kiosk
(问询, 意见建议, 依申请公开, 预公开意见, 好差评), from intake to reply.

Intake (submissions, submission_rules, receipts, refusals) is called by the kiosk
and the feed API; handling and statistics by the console in inquiries/console/.
Built on content_feed (models, ledger) and shared; never imports kiosk/ or display/.
"""
