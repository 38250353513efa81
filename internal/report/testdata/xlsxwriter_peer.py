"""The peer of onboard's weekly report writer: XlsxWriter in constant_memory
mode writing the same data tabs, rows and cell types (text, numbers, dates
under a date format). Reads the rows as JSON from argv[1], writes argv[2],
and prints the seconds spent writing the workbook (not reading the JSON)."""
import json
import sys
import time

import xlsxwriter

tables = json.load(open(sys.argv[1], encoding="utf-8"))
start = time.perf_counter()
wb = xlsxwriter.Workbook(sys.argv[2], {"constant_memory": True})
header = wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#2F5597"})
date = wb.add_format({"num_format": "yyyy/mm/dd"})
for t in tables:
    ws = wb.add_worksheet(t["title"])
    ws.freeze_panes(1, 0)
    for c, h in enumerate(t["headers"]):
        ws.write_string(0, c, h, header)
    for r, row in enumerate(t["rows"], start=1):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            kind, value = cell
            if kind == "s":
                ws.write_string(r, c, value)
            elif kind == "n":
                ws.write_number(r, c, value)
            else:
                ws.write_number(r, c, value, date)
wb.close()
print(time.perf_counter() - start)
