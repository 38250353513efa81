"""The sync a Python user would write with openpyxl: the peer that
`make bench` measures onboard's local sync against (issue 13).

Loads the workbook, reads 申込 and セッション by header, computes each
client's required and remaining works, progress, status and next action
with the default condition matrix (a simple equivalent of onboard's
rules), writes the 7 job columns and saves. Prints the peak RSS in KiB.

usage: openpyxl_sync.py BOOK.xlsx YYYY-MM-DD
"""
import datetime
import resource
import sys

import openpyxl

WORKS = ["LINEビジネスID作成", "LINE公式アカウント", "Messaging API", "LINEログイン", "エルメアカウント"]
MARKS = "①②③④⑤"
# The default matrix: (has OA, use existing, has business ID) -> per work ○ × 確認.
def column(oa, existing, bid):
    if oa and existing:
        return ["×", "×", "確認", "確認", "○"]
    if oa:
        return ["×", "○", "○", "○", "○"]
    if bid:
        return ["×", "○", "○", "○", "○"]
    return ["○", "○", "○", "○", "○"]

YES = {"あり", "有", "○", "〇", "はい", "する", "使用", "済", "yes", "true", "1"}
DONE = {"完了", "既存あり", "不要"}
JOB = ["必要作業", "残作業", "進捗", "ステータス", "次のアクション", "チェック", "ステータス更新日"]


def yes(v):
    if isinstance(v, bool):
        return v
    return str(v).strip().lower() in YES if v is not None else None


def main():
    path, today = sys.argv[1], datetime.date.fromisoformat(sys.argv[2])
    wb = openpyxl.load_workbook(path)
    apps, sessions = wb["申込"], wb["セッション"]

    sh = [c.value for c in sessions[1]]
    sc = {h: i for i, h in enumerate(sh)}
    results = {}
    for row in sessions.iter_rows(min_row=2, values_only=True):
        cid = row[sc["クライアントID"]]
        if cid is None:
            continue
        held = row[sc["実施日"]]
        results.setdefault(str(cid), []).append((held, [row[sc[w]] for w in WORKS]))

    ah = [c.value for c in apps[1]]
    for name in JOB:
        if name not in ah:
            ah.append(name)
            apps.cell(row=1, column=len(ah), value=name)
    ac = {h: i + 1 for i, h in enumerate(ah)}
    for r in range(2, apps.max_row + 1):
        cid = apps.cell(r, ac["クライアントID"]).value
        if cid is None:
            continue
        oa = yes(apps.cell(r, ac["LINE公式アカウント"]).value)
        ex = yes(apps.cell(r, ac["既存アカウントで検証"]).value)
        bid = yes(apps.cell(r, ac["LINEビジネスID"]).value)
        need = column(oa, ex, bid)
        state = [None] * 5
        sess = sorted(results.get(str(cid), []), key=lambda s: str(s[0]))
        for _, res in sess:
            for i, v in enumerate(res):
                if v not in (None, ""):
                    state[i] = v
        required = [i for i in range(5) if need[i] != "×"]
        remaining = [i for i in required if state[i] not in DONE]
        handover = apps.cell(r, ac["担当作業完了日"]).value
        if not remaining and handover:
            status, action = "完了", ""
        elif not remaining:
            status, action = "担当作業待ち", "担当: エルメ接続と引き渡し"
        elif sess:
            status, action = "進行中", MARKS[remaining[0]] + " " + WORKS[remaining[0]] + ": 作業する"
        elif apps.cell(r, ac["セッション予定日"]).value:
            status, action = "セッション予定", "初期設定セッションを実施する"
        else:
            status, action = "未着手", "初期設定セッションを予約する"
        tag = lambda i: MARKS[i] + ("(確認)" if need[i] == "確認" else "")
        apps.cell(r, ac["必要作業"], " ".join(tag(i) for i in required))
        apps.cell(r, ac["残作業"], " ".join(tag(i) for i in remaining))
        apps.cell(r, ac["進捗"], f"{len(required) - len(remaining)}/{len(required)}")
        old = apps.cell(r, ac["ステータス"]).value
        apps.cell(r, ac["ステータス"], status)
        apps.cell(r, ac["次のアクション"], action)
        apps.cell(r, ac["チェック"], None)
        if old != status:
            c = apps.cell(r, ac["ステータス更新日"], today)
            c.number_format = "yyyy/mm/dd"
    wb.save(path)
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


main()
