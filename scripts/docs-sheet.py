#!/usr/bin/env python3
"""Prepare a workbook for its pictures (make docs): keep the tabs named
as LibreOffice wrote them (widths, wrap, row heights, colours, dates),
hide the others, and give each kept tab a page LibreOffice prints on
one sheet of A3 landscape: its first rows, and on 申込 the columns a
reader needs to follow the job's (ID, 事業者名, the session and handover
dates) beside the job's own.

usage: docs-sheet.py IN.xlsx OUT.xlsx TAB=LAST_ROW...  (LAST_ROW 0: every row)
"""
import sys

import openpyxl
from openpyxl.worksheet.properties import PageSetupProperties

src, out = sys.argv[1], sys.argv[2]
keep = {}
for spec in sys.argv[3:]:
    tab, last = spec.rsplit("=", 1)
    keep[tab] = int(last)
wb = openpyxl.load_workbook(src)
for ws in list(wb):
    if ws.title not in keep:
        ws.sheet_state = "hidden"  # not printed
        continue
    ws.sheet_state = "visible"
    last_col = ws.max_column
    if ws.title == "申込":
        # Give every column its own entry (a range of columns shares one),
        # then hide the manager's columns the picture leaves out.
        widths = {}
        for dim in list(ws.column_dimensions.values()):
            for i in range(dim.min or 1, (dim.max or dim.min or 1) + 1):
                widths[i] = dim.width
        header = [c.value for c in ws[1]]
        shown = {"クライアントID", "事業者名", "セッション予定日", "担当作業完了日"}
        first_job = header.index("必要作業") + 1
        for i, h in enumerate(header, start=1):
            letter = openpyxl.utils.get_column_letter(i)
            dim = ws.column_dimensions[letter]
            dim.min, dim.max = i, i
            if widths.get(i):
                dim.width = widths[i]
            dim.hidden = i < first_job and h not in shown
    last_row = keep[ws.title] or ws.max_row
    ws.print_area = "A1:%s%d" % (openpyxl.utils.get_column_letter(last_col), last_row)
    ws.print_title_rows = None
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A3
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1
    ws.print_options.gridLines = True
    ws.page_margins.left = ws.page_margins.right = 0.3
    ws.page_margins.top = ws.page_margins.bottom = 0.3
wb.active = wb.sheetnames.index(next(iter(keep)))
wb.save(out)
