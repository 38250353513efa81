"""Random workbooks written by openpyxl, for the oracle tests of
internal/xlsxbook: strings (openpyxl writes shared strings), numbers, dates
in built-in and custom formats, booleans, error values, formulas, blank
rows, columns past Z, styled rows and columns.

usage: random_openpyxl.py SEED OUT.xlsx...
"""
import datetime
import random
import sys

import openpyxl
from openpyxl.styles import Font

TEXTS = ["さくら商店", "あり", "なし", "完了", "a&b", "<tag>", '"quoted"', "it's", " lead", "trail ",
         "two\nlines", "123", "1e5", "0012", "TRUE", "_x000D_", "a_x0041_b", "😀 絵文字", "tab\there",
         "Ｆｕｌｌ", "1.5", "x", "長" * 300]
FORMATS = ["General", "mm-dd-yy", "yyyy-mm-dd", "yyyy/mm/dd", 'yyyy"年"m"月"d"日"', "0.00", "h:mm",
           "[$-F800]dddd, mmmm dd, yyyy", '"day"0', "d-mmm-yy", "m/d/yy h:mm", "#,##0"]
ERRORS = ["#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"]


def value(rng):
    k = rng.randrange(9)
    if k == 0:
        s = rng.choice(TEXTS)
        return s + (str(rng.randrange(100000)) if rng.randrange(3) == 0 else "")
    if k == 1:
        return rng.uniform(-5e5, 5e5)
    if k == 2:
        return rng.randrange(100000)
    if k == 3:
        return datetime.datetime(2020 + rng.randrange(8), 1 + rng.randrange(12), 1 + rng.randrange(28), rng.randrange(24), rng.randrange(60))
    if k == 4:
        return datetime.date(2020 + rng.randrange(8), 1 + rng.randrange(12), 1 + rng.randrange(28))
    if k == 5:
        return rng.random() < 0.5
    if k == 6:
        return rng.choice(ERRORS)
    if k == 7:
        return "=SUM(A1:B2)"
    return 45000 + rng.randrange(2000)


def book(rng, path):
    wb = openpyxl.Workbook()
    names = ["申込", "セッション", "A&B <x>", "it's"]
    for i, name in enumerate(names[: 1 + rng.randrange(len(names))]):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = name
        if rng.randrange(2) == 0:
            ws.column_dimensions["C"].number_format = rng.choice(FORMATS)
        for r in range(1, 2 + rng.randrange(40)):
            if rng.randrange(6) == 0:
                continue
            if rng.randrange(10) == 0:
                ws.row_dimensions[r].number_format = rng.choice(FORMATS)
            for c in range(1, 61):
                if rng.randrange(3) != 0:
                    continue
                cell = ws.cell(row=r, column=c, value=value(rng))
                if rng.randrange(3) == 0:
                    cell.number_format = rng.choice(FORMATS)
                if rng.randrange(8) == 0:
                    cell.font = Font(bold=True)
    wb.save(path)


def main():
    rng = random.Random(int(sys.argv[1]))
    for path in sys.argv[2:]:
        book(rng, path)


main()
