"""Every string the window shows, in English and Simplified Chinese, in one place.

``tr(key, lang, **values)`` formats the string for ``lang`` (falling back to English).
Scenario text (titles, stage labels) comes from the scenario itself, not from here.
"""

from typing import Final

LANGS: Final = ("en", "zh")

STRINGS: Final[dict[str, dict[str, str]]] = {
    # top bar
    "week_of": {"en": "Week {week} of {weeks}", "zh": "第 {week} / {weeks} 周"},
    "day_time": {"en": "Day {day} · {hour:02d}:00", "zh": "第 {day} 天 · {hour:02d}:00"},
    "speed": {"en": "Speed", "zh": "速度"},
    "paused": {"en": "PAUSED", "zh": "已暂停"},
    "planning": {"en": "PLANNING", "zh": "计划中"},
    "running": {"en": "RUNNING", "zh": "运行中"},
    "over": {"en": "RUN OVER", "zh": "已结束"},
    "reputation": {"en": "Reputation", "zh": "声誉"},
    "promotion_at": {"en": "promotion at {n}", "zh": "{n} 可晋升"},
    "fired_at_zero": {"en": "fired at 0", "zh": "0 即被解雇"},
    "help": {"en": "Space pause · 1 2 3 speed · Esc quit",
             "zh": "空格 暂停 · 1 2 3 调速 · Esc 退出"},
    "auto_note": {"en": "Auto-play on the manager's plan", "zh": "按经理的计划自动运行"},
    # funnel
    "funnel": {"en": "Funnel", "zh": "漏斗"},
    "arrivals": {"en": "new users arrive", "zh": "新用户到达"},
    "dropped": {"en": "dropped", "zh": "流失"},
    "reached": {"en": "reached", "zh": "累计到达"},
    "reached_share": {"en": "reached · {pct} of above", "zh": "累计到达 · 上一阶段的 {pct}"},
    "now_dropped": {"en": "here now {now} · dropped {dropped}",
                    "zh": "当前 {now} · 流失 {dropped}"},
    "dot_unit": {"en": "● ≈ {n} users", "zh": "● ≈ {n} 人"},
    "dot_one": {"en": "● = 1 user", "zh": "● = 1 人"},
    "conversion": {"en": "↓ {pct} move on", "zh": "↓ {pct} 转化"},
    "sample_note": {"en": "Dots are a sample; the numbers are exact.",
                    "zh": "圆点只是抽样，数字是精确的。"},
    # targets
    "targets": {"en": "Targets", "zh": "目标"},
    "kpi_week": {"en": "{stage} · this week", "zh": "{stage} · 本周"},
    "kpi_period": {"en": "{stage} · this review period", "zh": "{stage} · 本考核期"},
    "kpi_total": {"en": "{stage} · total by week {weeks}", "zh": "{stage} · 截至第 {weeks} 周累计"},
    "kpi_hit": {"en": "✓ target hit", "zh": "✓ 已达标"},
    "kpi_on_pace": {"en": "▲ on pace", "zh": "▲ 进度正常"},
    "kpi_behind": {"en": "▼ behind pace: {need} more needed", "zh": "▼ 落后进度：还差 {need}"},
    "kpi_grace": {"en": "not reviewed until week {week}", "zh": "第 {week} 周起考核"},
    "last_review": {"en": "last review (week {week}): {actual} / {target} {mark}",
                    "zh": "上次复盘（第 {week} 周）：{actual} / {target} {mark}"},
    "mark_hit": {"en": "✓ hit", "zh": "✓ 达标"},
    "mark_miss": {"en": "▼ missed", "zh": "▼ 未达标"},
    # hours
    "hours": {"en": "Hours this week", "zh": "本周工时"},
    "hours_total": {"en": "{total} h allocated · contract {contract} h",
                    "zh": "已分配 {total} 小时 · 合同 {contract} 小时"},
    "overtime": {"en": "OVERTIME {h} h of {cap} h", "zh": "加班 {h} / {cap} 小时"},
    "no_overtime": {"en": "no overtime (cap {cap} h)", "zh": "无加班（上限 {cap} 小时）"},
    "contract": {"en": "contract", "zh": "合同"},
    "h": {"en": "{h} h", "zh": "{h} 小时"},
    # support and work
    "support": {"en": "Support backlog", "zh": "客服积压"},
    "tickets_waiting": {"en": "{n} tickets waiting", "zh": "{n} 张工单待处理"},
    "support_totals": {"en": "answered {served} · late {late} · users lost {lost}",
                       "zh": "已回复 {served} · 超时 {late} · 流失用户 {lost}"},
    "work": {"en": "Work in progress", "zh": "进行中的工作"},
    "copy_live": {"en": "Copy live: {n} pieces", "zh": "在线文案：{n} 篇"},
    "event_live": {"en": "Event: LIVE", "zh": "活动：进行中"},
    "event_planning": {"en": "Event: planning {pct}%", "zh": "活动：筹备 {pct}%"},
    # ticker
    "log": {"en": "What happened", "zh": "动态"},
    "stamp": {"en": "W{week} D{day} {hour:02d}:00", "zh": "{week}周{day}天 {hour:02d}:00"},
    "ev_week_started": {"en": "Week {week} started: {total} h allocated",
                        "zh": "第 {week} 周开始：分配 {total} 小时"},
    "ev_piece": {"en": "Copy published ({n} live)", "zh": "文案发布（在线 {n} 篇）"},
    "ev_stale": {"en": "A piece of copy went stale ({n} live)",
                 "zh": "一篇文案过时了（在线 {n} 篇）"},
    "ev_event": {"en": "Event launched, live until day {day}", "zh": "活动上线，持续到第 {day} 天"},
    "ev_event_end": {"en": "Event ended", "zh": "活动结束"},
    "ev_late": {"en": "Tickets answered late: {late} · users lost: {lost}",
                "zh": "{late} 张工单超时，{lost} 名用户流失"},
    "ev_review": {"en": "Review of week {week}: {hits} hit, {misses} missed",
                  "zh": "第 {week} 周复盘：{hits} 项达标，{misses} 项未达标"},
    "ev_blame": {"en": "Blamed for {kpi}: reputation {delta}", "zh": "因{kpi}背锅：声誉 {delta}"},
    "ev_end": {"en": "Run over: {outcome}", "zh": "结束：{outcome}"},
    # planning
    "plan_title": {"en": "Plan week {week} of {weeks}", "zh": "计划第 {week} / {weeks} 周"},
    "plan_sub": {"en": "Set your hours per duty, then start the week.",
                 "zh": "为每项职责分配工时，然后开始本周。"},
    "plan_col": {"en": "manager's plan", "zh": "经理的计划"},
    "plan_hours": {"en": "plan {h} h", "zh": "计划 {h} 小时"},
    "plan_capped": {"en": "Capped: a week holds at most {max} h (contract + overtime).",
                    "zh": "已封顶：每周最多 {max} 小时（合同 + 加班）。"},
    "plan_overtime": {"en": "Overtime: {h} h beyond the {contract} h contract.",
                      "zh": "加班：超出合同 {contract} 小时 {h} 小时。"},
    "plan_ok": {"en": "Within contract hours.", "zh": "在合同工时之内。"},
    "use_plan": {"en": "Use manager's plan", "zh": "采用经理的计划"},
    "start_week": {"en": "Start week (Enter)", "zh": "开始本周（回车）"},
    "auto_plan": {"en": "Auto-play: starting on the manager's plan...",
                  "zh": "自动运行：按经理的计划开始……"},
    "bad_plan": {"en": "Cannot start: {error}", "zh": "无法开始：{error}"},
    # blame
    "blame_title": {"en": "Blame lands: week {week} review", "zh": "背锅了：第 {week} 周复盘"},
    "blame_you": {
        "en": "{kpi} came in at {actual} against a target of {target} ({short}% short). "
              "The boss puts it on you: reputation {delta}.",
        "zh": "{kpi}实际 {actual}，目标 {target}（差 {short}%）。"
              "老板认为是你执行不力：声誉 {delta}。",
    },
    "blame_plan": {
        "en": "{kpi} came in at {actual} against a target of {target} ({short}% short). "
              "The data shows the plan was at fault: reputation {delta}.",
        "zh": "{kpi}实际 {actual}，目标 {target}（差 {short}%）。"
              "数据表明是计划的问题：声誉 {delta}。",
    },
    "blame_other": {
        "en": "{kpi} came in at {actual} against a target of {target} ({short}% short). "
              "Verdict: {verdict}; reputation {delta}.",
        "zh": "{kpi}实际 {actual}，目标 {target}（差 {short}%）。结论：{verdict}；声誉 {delta}。",
    },
    "blame_rep_now": {"en": "Reputation is now {rep} (promotion at {promo}, fired at 0).",
                      "zh": "声誉现为 {rep}（{promo} 可晋升，0 即被解雇）。"},
    "blame_close": {"en": "Enter or click to close", "zh": "按回车或点击关闭"},
    "blame_auto": {"en": "closes by itself", "zh": "稍后自动关闭"},
    "blame_tag": {"en": "BLAME", "zh": "背锅"},
    # end
    "outcome_promoted": {"en": "PROMOTED", "zh": "升职了"},
    "outcome_kept": {"en": "KEPT ON", "zh": "留任"},
    "outcome_fired": {"en": "FIRED", "zh": "被解雇"},
    "end_promoted": {"en": "Reputation {rep} reached the {need} needed for promotion.",
                     "zh": "声誉 {rep}，达到晋升所需的 {need}。"},
    "end_kept": {"en": "You kept the job, but promotion needs reputation {need}; you have {rep}.",
                 "zh": "你保住了工作，但晋升需要声誉 {need}，你只有 {rep}。"},
    "end_fired": {"en": "Your reputation fell to zero in week {week}.",
                  "zh": "你的声誉在第 {week} 周降到了零。"},
    "scorecard": {"en": "Scorecard", "zh": "成绩单"},
    "sc_weeks": {"en": "Weeks played: {n} of {weeks}", "zh": "已进行：{n} / {weeks} 周"},
    "sc_reviews": {"en": "Targets at reviews: {hits} hit, {misses} missed",
                   "zh": "复盘目标：{hits} 项达标，{misses} 项未达标"},
    "sc_blame": {"en": "Blame events: {n}", "zh": "背锅次数：{n}"},
    "sc_funnel": {"en": "Final funnel (users who reached each stage)",
                  "zh": "最终漏斗（到达各阶段的用户）"},
    "sc_support": {"en": "Support: {served} answered, {late} late, {lost} users lost",
                   "zh": "客服：已回复 {served}，超时 {late}，流失用户 {lost}"},
    "sc_weekly": {"en": "Week by week", "zh": "逐周"},
    "sc_reputation": {"en": "Reputation after each review", "zh": "每次复盘后的声誉"},
    "end_keys": {"en": "Esc or Enter to quit", "zh": "按 Esc 或回车退出"},
    # duties
    "duty_copy": {"en": "Copywriting", "zh": "文案"},
    "duty_events": {"en": "Events", "zh": "活动"},
    "duty_support": {"en": "Support", "zh": "客服"},
    "duty_ground": {"en": "Ground promotion", "zh": "地推"},
    "duty_research": {"en": "User research", "zh": "用户分析"},
    "duty_partners": {"en": "Partnerships", "zh": "市场合作"},
    "duty_analysis": {"en": "Data analysis", "zh": "数据分析"},
    "duty_coordination": {"en": "Department liaison", "zh": "部门对接"},
    "hint_copy": {"en": "pages & posts: lift sign-ups, bring readers",
                  "zh": "落地页和文章：提升注册，带来读者"},
    "hint_events": {"en": "needs planning; live events bring visitors",
                    "zh": "需要筹备；上线后带来访客"},
    "hint_support": {"en": "answer tickets; late answers lose users",
                     "zh": "回复工单；回复太晚会流失用户"},
    "hint_ground": {"en": "flyers: low-intent visitors right away",
                    "zh": "发传单：立刻带来低意向访客"},
    "hint_research": {"en": "better targeting of copy and events", "zh": "让文案和活动更精准"},
    "hint_partners": {"en": "a new channel for some weeks", "zh": "带来几周的新渠道"},
    "hint_analysis": {"en": "true numbers; evidence against blame", "zh": "看清真实数据；反驳背锅"},
    "hint_coordination": {"en": "shorter queues in other departments",
                          "zh": "缩短其他部门的排队"},
}


def tr(key: str, lang: str, **values: object) -> str:
    """The string ``key`` in ``lang`` (English when missing), formatted with ``values``."""
    entry = STRINGS[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text


def duty_name(duty: str, lang: str) -> str:
    """A duty's display name (its id when unknown)."""
    key = f"duty_{duty}"
    return tr(key, lang) if key in STRINGS else duty


def duty_hint(duty: str, lang: str) -> str:
    """One line on what a duty's hours buy ('' when unknown)."""
    key = f"hint_{duty}"
    return tr(key, lang) if key in STRINGS else ""


def outcome_name(outcome: str | None, lang: str) -> str:
    """The display name of a run's outcome."""
    key = f"outcome_{outcome}"
    return tr(key, lang) if key in STRINGS else str(outcome)


def num(n: float) -> str:
    """A count with thousands separators (rounded to a whole number)."""
    return f"{round(n):,}"


def hours(h: float) -> str:
    """Hours without a pointless ``.0``."""
    return f"{h:g}" if h == int(h) else f"{h:.1f}"


def signed(x: float) -> str:
    """A change with its sign (a true minus sign for negatives)."""
    return f"+{x:.1f}" if x >= 0 else f"−{-x:.1f}"
