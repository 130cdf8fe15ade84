"""Every string the window shows, in English and Simplified Chinese, in one place.

``tr(key, lang, **values)`` formats the string for ``lang`` (falling back to English).
Scenario text (titles, stage labels) comes from the scenario itself, not from here.
"""

import math
from typing import Final

from opssim.sim.clock import HOURS_PER_DAY, HOURS_PER_WEEK

LANGS: Final = ("en", "zh")

STRINGS: Final[dict[str, dict[str, str]]] = {
    # top bar
    "week_of": {"en": "Week {week} of {weeks}", "zh": "第 {week} / {weeks} 周"},
    "day_time": {"en": "Day {day} · {hour:02d}:00", "zh": "第 {day} 天 · {hour:02d}:00"},
    "speed": {"en": "Speed", "zh": "速度"},
    "paused": {"en": "PAUSED", "zh": "已暂停"},
    "planning": {"en": "PLANNING", "zh": "计划中"},
    "running": {"en": "RUNNING", "zh": "运行中"},
    "over": {"en": "FINISHED", "zh": "已结束"},
    "reputation": {"en": "Reputation", "zh": "声誉"},
    "promotion_at": {"en": "promotion at {n}", "zh": "{n} 可晋升"},
    "fired_at_zero": {"en": "fired at 0", "zh": "0 即被解雇"},
    "help": {"en": "Space pause · 1 2 3 speed · Esc menu",
             "zh": "空格 暂停 · 1 2 3 调速 · Esc 菜单"},
    "week_done": {"en": "all {weeks} weeks played", "zh": "{weeks} 周全部结束"},
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
    "sample_note": {"en": "Dots are a sample; the numbers are exact.",
                    "zh": "圆点只是抽样，数字是精确的。"},
    "estimate_tip": {"en": "≈ estimates ±{pct}%: more data analysis, clearer numbers",
                     "zh": "≈ 估计值 ±{pct}%：多做数据分析，数字更准"},
    "estimate_tip_locked": {"en": "≈ estimates ±{pct}%: colleagues' analysis sets how clear",
                            "zh": "≈ 估计值 ±{pct}%：准确度取决于同事的分析"},
    "estimate_tip_none": {"en": "≈ estimates ±{pct}%: nobody analyses the data here",
                          "zh": "≈ 估计值 ±{pct}%：这里没人做数据分析"},
    "approx": {"en": "≈ {n}", "zh": "≈ {n}"},
    # targets
    "targets": {"en": "Targets", "zh": "目标"},
    "targets_estimated": {"en": "estimates ±{pct}%", "zh": "估计值 ±{pct}%"},
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
    "you": {"en": "You this week", "zh": "本周的你"},
    "hours_short": {"en": "{total} h of a {contract} h contract",
                    "zh": "{total} / 合同 {contract} 小时"},
    "hours_over": {"en": "{total} h: {h} h overtime", "zh": "{total} 小时：加班 {h} 小时"},
    "colleagues": {"en": "Colleagues: {list}", "zh": "同事负责：{list}"},
    "fatigue": {"en": "Fatigue", "zh": "疲劳"},
    "fatigue_value": {"en": "{f}/100 · output −{loss}%", "zh": "{f}/100 · 产出 −{loss}%"},
    "fatigue_fresh": {"en": "{f}/100 · fresh", "zh": "{f}/100 · 精力充沛"},
    "evidence": {"en": "Evidence {e}", "zh": "证据 {e}"},
    "budget_left": {"en": "budget {b} left", "zh": "预算剩余 {b}"},
    "budget_none": {"en": "no budget limit", "zh": "预算不限"},
    "research_pts": {"en": "research {p} pts", "zh": "调研 {p} 点"},
    "promo_needs": {"en": "Promotion also needs {skill} skill {need}%: you have {have}%",
                    "zh": "晋升还需要{skill}技能 {need}%：你现在 {have}%"},
    "promo_met": {"en": "Promotion skill met: {skill} {have}% ✓",
                  "zh": "晋升技能已达标：{skill} {have}% ✓"},
    "contract": {"en": "contract", "zh": "合同"},
    "h": {"en": "{h} h", "zh": "{h} 小时"},
    # support and work
    "support": {"en": "Support backlog", "zh": "客服积压"},
    "tickets_waiting": {"en": "{n} tickets waiting", "zh": "{n} 张工单待处理"},
    "ticket_waiting": {"en": "1 ticket waiting", "zh": "1 张工单待处理"},
    "support_totals": {"en": "answered {served} · late {late} · users lost {lost}",
                       "zh": "已回复 {served} · 超时 {late} · 流失用户 {lost}"},
    "complaints": {"en": "{n} complaints", "zh": "投诉 {n} 次"},
    "partners_active": {"en": "Partners: {n} active", "zh": "合作方：{n} 个进行中"},
    "departments": {"en": "Departments (requests queued)", "zh": "协作部门（排队中的请求）"},
    "dept_idle": {"en": "idle", "zh": "空闲"},
    "dept_queue": {"en": "{n} queued", "zh": "排队 {n}"},
    "work": {"en": "Work in progress", "zh": "进行中的工作"},
    "copy_live": {"en": "Copy live: {n} pieces", "zh": "在线文案：{n} 篇"},
    "event_live": {"en": "Event: LIVE", "zh": "活动：进行中"},
    "event_planning": {"en": "Event: planning {pct}%", "zh": "活动：筹备 {pct}%"},
    # ticker
    "log": {"en": "What happened", "zh": "动态"},
    "log_empty": {"en": "Nothing yet. Set this week's hours, then press Start week (Enter).",
                  "zh": "还没有动态。先分配本周工时，再点“开始本周”（回车）。"},
    "stamp": {"en": "W{week} D{day} {hour:02d}:00", "zh": "{week}周{day}天 {hour:02d}:00"},
    "ev_week_started": {"en": "Week {week} started: {total} h allocated",
                        "zh": "第 {week} 周开始：分配 {total} 小时"},
    "ev_week_overtime": {"en": "Week {week} started: {total} h, {h} h of it overtime",
                         "zh": "第 {week} 周开始：{total} 小时，其中加班 {h} 小时"},
    "ev_piece": {"en": "Copy published, quality {q} ({n} live)",
                 "zh": "文案发布，质量 {q}（在线 {n} 篇）"},
    "ev_stale": {"en": "A piece of copy went stale ({n} live)",
                 "zh": "一篇文案过时了（在线 {n} 篇）"},
    "ev_event": {"en": "Event launched at {pct}% strength, live until {when}",
                 "zh": "活动上线，力度 {pct}%，持续到{when}"},
    "ev_event_cancelled": {"en": "Event cancelled: the budget cannot pay for it",
                           "zh": "活动取消：预算不够"},
    "ev_event_data": {"en": "Event data collected: +{e} evidence",
                      "zh": "活动数据已收集：证据 +{e}"},
    "ev_event_data_lost": {"en": "Event data lost: not collected in time",
                           "zh": "活动数据丢失：没有及时收集"},
    "ev_complaints": {"en": "{n} tickets left so long they became complaints: reputation {delta}",
                      "zh": "{n} 张工单拖太久变成投诉：声誉 {delta}"},
    "ev_partner": {"en": "Partner signed: about {n} users a week until {when}",
                   "zh": "签下合作方：每周约 {n} 名用户，持续到{when}"},
    "ev_partner_end": {"en": "A partner deal ran out", "zh": "一个合作到期了"},
    "ev_dept_request": {"en": "{dept} took on your {what}: due {when}",
                        "zh": "{dept}开始处理你的{what}：预计{when}完成"},
    "ev_dept_stalled": {"en": "{dept} stalled on your {what}: now due {when}",
                        "zh": "{dept}卡住了你的{what}：推迟到{when}"},
    "ev_dept_answer": {"en": "{dept} delivered your {what} after {waited}",
                       "zh": "{dept}交付了你的{what}，等了{waited}"},
    "ev_analysis": {"en": "Analysis done: numbers now ±{pct}%, +{e} evidence",
                    "zh": "分析完成：数字误差降到 ±{pct}%，证据 +{e}"},
    "ev_analysis_exact": {"en": "Analysis done: numbers now exact, +{e} evidence",
                          "zh": "分析完成：数字准确了，证据 +{e}"},
    "ev_analysis_plain": {"en": "Analysis done: numbers now ±{pct}%",
                          "zh": "分析完成：数字误差降到 ±{pct}%"},
    "ev_analysis_exact_plain": {"en": "Analysis done: numbers now exact",
                                "zh": "分析完成：数字准确了"},
    "ev_happening": {"en": "{what} begins: {effects}", "zh": "{what}开始：{effects}"},
    "ev_happening_plain": {"en": "{what} begins", "zh": "{what}开始"},
    "ev_happening_end": {"en": "{what} is over", "zh": "{what}结束"},
    "ev_fatigue": {"en": "After the weekend: fatigue {f}/100, output −{loss}%",
                   "zh": "周末之后：疲劳 {f}/100，产出 −{loss}%"},
    "ev_fresh": {"en": "Fresh after the weekend: fatigue {f}/100",
                 "zh": "周末休息好了：疲劳 {f}/100"},
    "when": {"en": "W{week} D{day}", "zh": "第 {week} 周第 {day} 天"},
    "waited_h": {"en": "{n} h", "zh": " {n} 小时"},
    "waited_d": {"en": "{n} days", "zh": " {n} 天"},
    "purpose_copy": {"en": "landing page", "zh": "落地页"},
    "purpose_events": {"en": "event assets", "zh": "活动素材"},
    "purpose_analysis": {"en": "data export", "zh": "数据导出"},
    "fx_arrivals": {"en": "arrivals ×{x}", "zh": "到达人数 ×{x}"},
    "fx_convert": {"en": "{stage} conversion ×{x}", "zh": "{stage}转化 ×{x}"},
    "fx_tickets": {"en": "+{n} support tickets", "zh": "额外 {n} 张工单"},
    "kind_holiday": {"en": "Holiday", "zh": "假期"},
    "kind_competitor": {"en": "A competitor's campaign", "zh": "竞品活动"},
    "kind_outage": {"en": "Outage", "zh": "故障"},
    "kind_ticket_storm": {"en": "Ticket storm", "zh": "工单激增"},
    "kind_other": {"en": "Something unusual", "zh": "突发事件"},
    "ev_event_end": {"en": "Event ended", "zh": "活动结束"},
    "ev_late": {"en": "Tickets answered late: {late} · users lost: {lost}",
                "zh": "{late} 张工单超时，{lost} 名用户流失"},
    "ev_review": {"en": "Review of week {week}: {hits} hit, {misses} missed",
                  "zh": "第 {week} 周复盘：{hits} 项达标，{misses} 项未达标"},
    "ev_blame": {"en": "{kpi} missed: verdict {verdict}, reputation {delta}",
                 "zh": "{kpi}未达标：结论 {verdict}，声誉 {delta}"},
    "ev_end": {"en": "Run over: {outcome}", "zh": "结束：{outcome}"},
    # planning
    "plan_title": {"en": "Plan week {week} of {weeks}", "zh": "计划第 {week} / {weeks} 周"},
    "plan_sub": {"en": "Set your hours per duty, then start the week.",
                 "zh": "为每项职责分配工时，然后开始本周。"},
    "plan_col": {"en": "manager's plan", "zh": "经理的计划"},
    "hours_col": {"en": "your hours", "zh": "你的工时"},
    "skill_col": {"en": "skill", "zh": "技能"},
    "skill_pct": {"en": "{pct}%", "zh": "{pct}%"},
    "locked_row": {"en": "done by colleagues", "zh": "由同事负责"},
    "locked_fixed": {"en": "fixed", "zh": "固定"},
    "plan_hours_total": {"en": "{total} h planned · contract {contract} h · at most {max} h",
                         "zh": "计划 {total} 小时 · 合同 {contract} 小时 · 最多 {max} 小时"},
    "plan_fatigue": {"en": "Fatigue {now}/100 now; with these hours ≈ {end} by the week's end "
                           "(output −{loss}%)",
                     "zh": "当前疲劳 {now}/100；按此计划本周末约 {end}（产出 −{loss}%）"},
    "plan_hours": {"en": "plan {h} h", "zh": "计划 {h} 小时"},
    "plan_capped": {"en": "Capped: a week holds at most {max} h (contract + overtime).",
                    "zh": "已封顶：每周最多 {max} 小时（合同 + 加班）。"},
    "plan_overtime": {"en": "Overtime: {h} h beyond the {contract} h contract; fatigue builds.",
                      "zh": "加班：超出合同 {contract} 小时 {h} 小时，疲劳会累积。"},
    "plan_ok": {"en": "Within contract hours.", "zh": "在合同工时之内。"},
    "use_plan": {"en": "Use manager's plan", "zh": "采用经理的计划"},
    "start_week": {"en": "Start week (Enter)", "zh": "开始本周（回车）"},
    "auto_plan": {"en": "Auto-play: starting on the manager's plan...",
                  "zh": "自动运行：按经理的计划开始……"},
    "bad_plan": {"en": "Cannot start: {error}", "zh": "无法开始：{error}"},
    "plan_keys": {"en": "Tab / ↑↓ choose · ←→ ±1 h (Shift ±5) · Enter",
                  "zh": "Tab / ↑↓ 选择 · ←→ ±1 小时（Shift ±5）· 回车"},
    # cause and effect (the lever map and one more hour)
    "lever_title": {"en": "What {duty} moves", "zh": "{duty}影响哪里"},
    "lever_pick": {"en": "Hover a duty or Tab to it: see what it moves",
                   "zh": "鼠标移到某项职责上或用 Tab 选中：看它影响哪里"},
    "lever_enters": {"en": "← users enter", "zh": "← 带来用户"},
    "lever_enters_copy": {"en": "← readers arrive", "zh": "← 读者到来"},
    "lever_enters_events": {"en": "← event crowds arrive", "zh": "← 活动人流到来"},
    "lever_enters_ground": {"en": "← street visitors arrive", "zh": "← 街头访客到来"},
    "lever_enters_partners": {"en": "← a partner's users arrive", "zh": "← 合作方用户到来"},
    "lever_lifts": {"en": "↑ conversion", "zh": "↑ 转化率"},
    "lever_keeps": {"en": "↓ fewer lost", "zh": "↓ 减少流失"},
    "lever_via": {"en": "◇ via {duty}", "zh": "◇ 经由{duty}"},
    "lever_nothing": {"en": "No stage directly: clearer numbers, evidence against blame",
                      "zh": "不直接影响任何阶段：数据更准，有证据反驳背锅"},
    "effect_line": {"en": "+1 h → {changes} this week", "zh": "+1 小时 → 本周 {changes}"},
    "effect_change": {"en": "≈ {delta} {kpi}", "zh": "{kpi} ≈ {delta}"},
    "effect_computing": {"en": "+1 h of {duty} → computing…", "zh": "{duty} +1 小时 → 计算中…"},
    "effect_full": {"en": "The week is full ({max} h): no hour left to add.",
                    "zh": "本周已排满（{max} 小时）：没有多余的小时可加。"},
    "effect_locked": {"en": "Colleagues do {duty}: its hours are fixed.",
                      "zh": "{duty}由同事负责：工时固定。"},
    "effect_clear": {"en": "clear: {n} paired runs (same luck in each pair), {lo} to {hi}",
                     "zh": "明确：{n} 组配对模拟（每组运气相同），{lo} 到 {hi}"},
    "effect_unclear": {"en": "too small to tell from luck: {n} paired runs, {lo} to {hi}",
                       "zh": "太小，分不清是否只是运气：{n} 组配对模拟，{lo} 到 {hi}"},
    "effect_others": {"en": "and {changes}", "zh": "以及 {changes}"},
    "lever_lasts": {"en": "{title} · acts for {n} weeks", "zh": "{title} · 持续 {n} 周"},
    # luck against plan (the fan chart)
    "fan_title": {"en": "{kpi} this week on these hours", "zh": "按这些工时本周的{kpi}"},
    "fan_title_total": {"en": "{kpi} (total) by this week's end on these hours",
                        "zh": "按这些工时本周末的{kpi}（累计）"},
    "fan_computing": {"en": "computing… {pct}%", "zh": "计算中… {pct}%"},
    "fan_day": {"en": "D{day}", "zh": "{day}日"},
    "fan_target": {"en": "target {n}", "zh": "目标 {n}"},
    "fan_median": {"en": "median", "zh": "中位数"},
    "fan_summary": {"en": "median {mid} · band (10–90%) {lo}–{hi} · {hits} of {n} runs hit",
                    "zh": "中位数 {mid} · 区间（10–90%）{lo}–{hi} · {n} 次模拟中 {hits} 次达标"},
    "fan_other": {"en": "{kpi}: median {mid} ({lo}–{hi})",
                  "zh": "{kpi}：中位数 {mid}（{lo}–{hi}）"},
    "fan_last_hit": {"en": "Last week: {actual}, percentile {pct} of its fan: target hit.",
                     "zh": "上周：{actual}，位于其区间第 {pct} 百分位：达标。"},
    "fan_last_luck": {"en": "Last week: {actual}, percentile {pct} of its fan: bad luck "
                            "(those hours' median {mid} hits {target}).",
                      "zh": "上周：{actual}，位于其区间第 {pct} 百分位：运气不好"
                            "（这些工时的中位数 {mid} 能达到 {target}）。"},
    "fan_last_rare": {"en": "Last week: {actual}, below its fan: rare bad luck "
                            "(those hours' median {mid} hits {target}).",
                      "zh": "上周：{actual}，低于区间：罕见的坏运气"
                            "（这些工时的中位数 {mid} 能达到 {target}）。"},
    "fan_last_plan": {"en": "Last week: {actual}, percentile {pct}: the hours, not luck — even "
                            "their median {mid} misses {target}.",
                      "zh": "上周：{actual}，第 {pct} 百分位：是工时安排的问题，不是运气——"
                            "连中位数 {mid} 也达不到 {target}。"},
    # blame
    "blame_title": {"en": "Week {week} review: a target was missed",
                    "zh": "第 {week} 周复盘：有目标未达成"},
    "blame_title_n": {"en": "Week {week} review: {n} targets were missed",
                      "zh": "第 {week} 周复盘：{n} 项目标未达成"},
    "blame_head": {"en": "{kpi}: {actual} of {target} ({short}% short)",
                   "zh": "{kpi}：{actual} / 目标 {target}（差 {short}%）"},
    "blame_why": {"en": "Why it was missed", "zh": "差距从哪来"},
    "cause_plan": {"en": "Plan", "zh": "计划"},
    "cause_execution": {"en": "Your hours", "zh": "你的执行"},
    "cause_luck": {"en": "Luck", "zh": "运气"},
    "cause_pct": {"en": "{cause} {pct}%", "zh": "{cause} {pct}%"},
    "num_target": {"en": "Target", "zh": "目标"},
    "num_actual": {"en": "You reached", "zh": "实际达到"},
    "num_plan_cf": {"en": "Plan, same luck", "zh": "按计划·同样运气"},
    "num_expected": {"en": "Plan on average", "zh": "按计划·平均"},
    "num_none": {"en": "not re-run", "zh": "未重演"},
    "verdict_specialist": {"en": "on you", "zh": "你背锅"},
    "verdict_shared": {"en": "shared", "zh": "共同承担"},
    "verdict_plan": {"en": "the plan", "zh": "计划的问题"},
    "verdict_cleared": {"en": "cleared: bad luck", "zh": "免责：运气不好"},
    "blame_verdict": {"en": "Verdict: {verdict}", "zh": "结论：{verdict}"},
    "blame_cost": {"en": "reputation {delta} ({pct}% of the full cost)",
                   "zh": "声誉 {delta}（全额代价的 {pct}%）"},
    # the one sentence: why (the dominant cause), then evidence and verdict
    "why_plan": {"en": "The plan itself fell short: with the same luck it would have reached "
                       "{plan} of {target}.",
                 "zh": "计划本身就不够：同样的运气下，按计划也只能达到 {plan}（目标 {target}）。"},
    "why_execution": {"en": "The plan would have hit {plan} with the same luck; your hours "
                            "reached {actual}.",
                      "zh": "同样的运气下，按计划能达到 {plan}；你的工时安排只达到 {actual}。"},
    "why_luck": {"en": "Bad luck: on average the plan reaches {expected}, but with this "
                       "period's luck it too would have reached only {plan}.",
                 "zh": "运气不好：按计划平均能达到 {expected}，但这次的运气下也只会有 {plan}。"},
    "why_unknown": {"en": "{kpi} came in at {actual} against a target of {target} "
                          "({short}% short).",
                    "zh": "{kpi}实际 {actual}，目标 {target}（差 {short}%）。"},
    "ev_contested": {"en": "You had {e} evidence points and contested — verdict: {verdict}. "
                           "Reputation {delta}.",
                     "zh": "你有 {e} 点证据并提出申辩——结论：{verdict}。声誉 {delta}。"},
    "ev_not_worth": {"en": "You had {e} evidence points, but they point at your hours, so you "
                           "did not contest — the boss blames you: {delta}.",
                     "zh": "你有 {e} 点证据，但数据指向你的执行，所以没有申辩——老板让你背锅："
                           "{delta}。"},
    "ev_none": {"en": "No evidence to contest — the boss {who}: {delta}.",
                "zh": "没有证据可以申辩——老板{who}：{delta}。"},
    "ev_short": {"en": "Only {e} evidence points ({need} needed to contest) — the boss {who}: "
                       "{delta}.",
                 "zh": "只有 {e} 点证据（申辩需要 {need}）——老板{who}：{delta}。"},
    "boss_specialist": {"en": "blames you", "zh": "让你背锅"},
    "boss_shared": {"en": "shares the blame", "zh": "让你分担责任"},
    "blame_more": {"en": "and {n} more missed target(s): see the log",
                   "zh": "另有 {n} 项未达成：见动态"},
    "blame_rep_now": {"en": "Reputation is now {rep} (promotion at {promo}, fired at 0).",
                      "zh": "声誉现为 {rep}（{promo} 可晋升，0 即被解雇）。"},
    "blame_close": {"en": "Enter or click to close", "zh": "按回车或点击关闭"},
    "blame_auto": {"en": "closes by itself", "zh": "稍后自动关闭"},
    "blame_tag": {"en": "BLAME", "zh": "背锅"},
    "blame_tag_clear": {"en": "MISSED TARGET", "zh": "未达标"},
    "blame_dashboard": {"en": "Your dashboard had shown {seen} (±{pct}%).",
                        "zh": "你的看板当时显示 {seen}（±{pct}%）。"},
    # end
    "outcome_promoted": {"en": "PROMOTED", "zh": "升职了"},
    "outcome_kept": {"en": "KEPT ON", "zh": "留任"},
    "outcome_fired": {"en": "FIRED", "zh": "被解雇"},
    "end_promoted": {"en": "Reputation {rep} reached the {need} needed for promotion.",
                     "zh": "声誉 {rep}，达到晋升所需的 {need}。"},
    "end_kept": {"en": "You kept the job, but promotion needs reputation {need}; you have {rep}.",
                 "zh": "你保住了工作，但晋升需要声誉 {need}，你只有 {rep}。"},
    "end_kept_skill": {"en": "Reputation {rep} was enough, but promotion needs {skill} skill "
                             "{need}% and you reached {have}%.",
                       "zh": "声誉 {rep} 够了，但晋升需要{skill}技能 {need}%，你只有 {have}%。"},
    "end_fired": {"en": "Your reputation fell to zero in week {week}.",
                  "zh": "你的声誉在第 {week} 周降到了零。"},
    "scorecard": {"en": "Scorecard", "zh": "成绩单"},
    "sc_weeks": {"en": "Weeks played: {n} of {weeks}", "zh": "已进行：{n} / {weeks} 周"},
    "sc_reviews": {"en": "Targets at reviews: {hits} hit, {misses} missed",
                   "zh": "复盘目标：{hits} 项达标，{misses} 项未达标"},
    "sc_blame": {"en": "Blame verdicts: {n}", "zh": "追责次数：{n}"},
    "sc_funnel": {"en": "Final funnel (users who reached each stage)",
                  "zh": "最终漏斗（到达各阶段的用户）"},
    "sc_funnel_true": {"en": "Final funnel, true counts (reached each stage)",
                       "zh": "最终漏斗：到达各阶段的真实人数"},
    "sc_support": {"en": "Support: {served} answered, {late} late, {lost} users lost",
                   "zh": "客服：已回复 {served}，超时 {late}，流失用户 {lost}"},
    "sc_complaints": {"en": "Complaints to the boss: {n}", "zh": "被投诉到老板：{n} 次"},
    "sc_you": {"en": "You at the end: fatigue {f}/100, evidence {e}",
               "zh": "最后的你：疲劳 {f}/100，证据 {e}"},
    "sc_skill": {"en": "{skill} skill {have}% (promotion needs {need}%) {mark}",
                 "zh": "{skill}技能 {have}%（晋升需要 {need}%）{mark}"},
    "sc_weekly": {"en": "Week by week", "zh": "逐周"},
    "sc_reputation": {"en": "Reputation after each review", "zh": "每次复盘后的声誉"},
    "end_again": {"en": "Play again", "zh": "再玩一次"},
    "end_title": {"en": "Back to title", "zh": "返回标题"},
    "end_quit": {"en": "Quit", "zh": "退出"},
    # review card (a reviewed week with every target hit)
    "review_title": {"en": "Week {week} review: every target hit",
                     "zh": "第 {week} 周复盘：全部达标"},
    "review_kpi": {"en": "Target", "zh": "指标"},
    "review_vs": {"en": "reached / target", "zh": "实际 / 目标"},
    "review_rep": {"en": "Reputation {delta}: now {rep}", "zh": "声誉 {delta}：现为 {rep}"},
    # title screen
    "game_name": {"en": "opssim", "zh": "opssim 运营模拟"},
    "tagline": {"en": "A funnel, forty hours a week, and the blame.",
                "zh": "一个漏斗，每周四十小时，还有背锅。"},
    "choose": {"en": "Choose a scenario", "zh": "选择场景"},
    "difficulty": {"en": "Difficulty: {d}", "zh": "难度：{d}"},
    "diff_tutorial": {"en": "tutorial", "zh": "教程"},
    "diff_easy": {"en": "easy", "zh": "简单"},
    "diff_normal": {"en": "normal", "zh": "普通"},
    "diff_hard": {"en": "hard", "zh": "困难"},
    "weeks_n": {"en": "{n} weeks", "zh": "{n} 周"},
    "yours": {"en": "your scenario", "zh": "你的场景"},
    "bundled": {"en": "bundled", "zh": "内置"},
    "invalid": {"en": "does not load: {error}", "zh": "无法加载：{error}"},
    "own_folder": {"en": "Your own scenarios: {path}", "zh": "你自己的场景：{path}"},
    "title_keys": {"en": "↑ ↓ PgUp PgDn Home End or wheel choose · Enter start · Esc quit",
                   "zh": "↑ ↓ PgUp PgDn Home End 或滚轮 选择 · 回车 开始 · Esc 退出"},
    "t_funnel": {"en": "Funnel", "zh": "漏斗"},
    "t_duties": {"en": "Your duties", "zh": "你的职责"},
    "t_targets": {"en": "Targets", "zh": "目标"},
    "t_per_week": {"en": "{stage}: {n} a week", "zh": "{stage}：每周 {n}"},
    "t_total": {"en": "{stage}: {n} by the end", "zh": "{stage}：截至最后累计 {n}"},
    "t_promotion": {"en": "Promotion: reputation {rep}{skills}", "zh": "晋升：声誉 {rep}{skills}"},
    "t_skill": {"en": ", {skill} skill {pct}%", "zh": "，{skill}技能 {pct}%"},
    "list_pos": {"en": "{first}–{last} of {n}", "zh": "第 {first}–{last} 个，共 {n} 个"},
    # the menu (Esc)
    "menu": {"en": "Menu", "zh": "菜单"},
    "resume": {"en": "Resume", "zh": "继续"},
    "save": {"en": "Save game", "zh": "保存"},
    "load": {"en": "Load game", "zh": "读取存档"},
    "language": {"en": "Language: English", "zh": "语言：中文"},
    "motion_on": {"en": "Reduced motion: on", "zh": "减少动画：开"},
    "motion_off": {"en": "Reduced motion: off", "zh": "减少动画：关"},
    "to_title": {"en": "Back to title", "zh": "返回标题"},
    "quit": {"en": "Quit", "zh": "退出"},
    "save_when": {"en": "Saving works at a week boundary (while planning).",
                  "zh": "只能在周与周之间（计划时）保存。"},
    "menu_keys": {"en": "↑ ↓ or Tab move · Enter choose · Esc back",
                  "zh": "↑ ↓ 或 Tab 移动 · 回车 选择 · Esc 返回"},
    # saves
    "saves_title_save": {"en": "Save game", "zh": "保存游戏"},
    "saves_title_load": {"en": "Load game", "zh": "读取存档"},
    "new_save": {"en": "+ New save", "zh": "+ 新存档"},
    "save_row": {"en": "{title} · week {week} · {date}", "zh": "{title} · 第 {week} 周 · {date}"},
    "save_bad": {"en": "{name}: unreadable", "zh": "{name}：无法读取"},
    "no_saves": {"en": "No saves yet.", "zh": "还没有存档。"},
    "back": {"en": "Back", "zh": "返回"},
    "saved": {"en": "Saved: {name}", "zh": "已保存：{name}"},
    "loaded": {"en": "Loaded: week {week}", "zh": "已读取：第 {week} 周"},
    "load_failed": {"en": "Cannot load: {error}", "zh": "无法读取：{error}"},
    "saves_folder": {"en": "Folder: {path}", "zh": "文件夹：{path}"},
    "saves_keys": {"en": "↑ ↓ PgUp PgDn Home End move · Enter choose · Del delete · Esc back",
                   "zh": "↑ ↓ PgUp PgDn Home End 移动 · 回车 选择 · Del 删除 · Esc 返回"},
    "delete": {"en": "Delete", "zh": "删除"},
    "delete_ask": {"en": "Delete this save?", "zh": "删除这个存档？"},
    "delete_gone": {"en": "It cannot be undone.", "zh": "删除后无法恢复。"},
    "delete_yes": {"en": "Delete", "zh": "删除"},
    "delete_no": {"en": "Keep", "zh": "保留"},
    "delete_keys": {"en": "Y delete · Esc or N keep · ← → and Enter choose",
                    "zh": "Y 删除 · Esc 或 N 保留 · ← → 与回车选择"},
    "deleted": {"en": "Deleted: {name}", "zh": "已删除：{name}"},
    "delete_failed": {"en": "Cannot delete: {error}", "zh": "无法删除：{error}"},
    # hot reload
    "reload_bad": {"en": "The scenario file changed but does not load",
                   "zh": "场景文件已修改，但无法加载"},
    "reload_keep": {"en": "Still playing the version that loaded. Fix the file and save it again.",
                    "zh": "继续使用上一个能加载的版本。修正文件后再保存一次。"},
    "reload_more": {"en": "… and {n} more", "zh": "……还有 {n} 处"},
    "reload_close": {"en": "Enter or Esc to keep playing", "zh": "按回车或 Esc 继续游戏"},
    "reloaded": {"en": "Scenario reloaded: replayed to week {week}",
                 "zh": "场景已重新加载：重演到第 {week} 周"},
    "reloaded_restart": {"en": "Scenario reloaded: the old hours do not fit ({error}); "
                               "restarted from week 1",
                         "zh": "场景已重新加载：原来的工时不再适用（{error}）；从第 1 周重新开始"},
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


def noise_pct(sd: float) -> int:
    """A dashboard's log-scale noise ``sd`` as the ± percentage of one standard deviation."""
    return round(100 * (math.exp(sd) - 1))


def approx(n: float, noise: float, lang: str) -> str:
    """A count as the player reads it: exact, or ``≈ 3,540`` (three significant figures, no
    false precision) when the dashboard is noisy."""
    if noise <= 0:
        return num(n)
    return tr("approx", lang, n=num(significant(n)))


def significant(n: float, digits: int = 3) -> float:
    """``n`` rounded to ``digits`` significant figures (1,149,930 → 1,150,000)."""
    if n == 0:
        return 0.0
    return round(n, digits - 1 - math.floor(math.log10(abs(n))))


def when(t: int, lang: str) -> str:
    """Hour ``t`` as a week and day (1-based), for 'until ...' and 'due ...'."""
    week, day = t // HOURS_PER_WEEK + 1, t % HOURS_PER_WEEK // HOURS_PER_DAY + 1
    return tr("when", lang, week=week, day=day)


def purpose_name(purpose: str, lang: str) -> str:
    """What a department request was for, in words."""
    key = f"purpose_{purpose}"
    return tr(key, lang) if key in STRINGS else purpose


def waited(h: int, lang: str) -> str:
    """A wait in hours, or in days once it is two days or more."""
    if h < 48:
        return tr("waited_h", lang, n=h)
    return tr("waited_d", lang, n=f"{h / 24:.1f}".removesuffix(".0"))


def kind_name(kind: str, lang: str) -> str:
    """A calendar happening's kind, for happenings without a label."""
    key = f"kind_{kind}"
    return tr(key, lang) if key in STRINGS else kind


def times(x: float) -> str:
    """A multiplier without trailing zeros: 1.6, 0.3, 2."""
    return f"{x:.2f}".rstrip("0").rstrip(".")
