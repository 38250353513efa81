"""Read a report workbook back with openpyxl, the way pandas.read_excel does
(read_only=True) or normally, and print every sheet as JSON.

Each cell is null, ["s", text, data_type], ["n", number], ["d", "YYYY-MM-DD"]
or ["b", bool]; trailing empty cells and rows are dropped. Run with Debian's
/usr/bin/python3 and python3-openpyxl.

usage: readback.py WORKBOOK normal|read_only
"""
import datetime
import json
import sys

import openpyxl


def cell(c):
    v = c.value
    if v is None:
        return None
    if isinstance(v, datetime.datetime):
        if v.time() != datetime.time(0):
            return ["s", v.isoformat(), "datetime with a time"]
        return ["d", v.strftime("%Y-%m-%d")]
    if isinstance(v, datetime.date):
        return ["d", v.strftime("%Y-%m-%d")]
    if isinstance(v, bool):
        return ["b", v]
    if isinstance(v, (int, float)):
        return ["n", float(v)]
    return ["s", str(v), getattr(c, "data_type", "")]


def main():
    path, mode = sys.argv[1], sys.argv[2]
    wb = openpyxl.load_workbook(path, read_only=(mode == "read_only"))
    out = {}
    for ws in wb.worksheets:
        rows = []
        for row in ws.iter_rows():
            cells = [cell(c) for c in row]
            while cells and cells[-1] is None:
                cells.pop()
            rows.append(cells)
        while rows and not rows[-1]:
            rows.pop()
        out[ws.title] = rows
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
