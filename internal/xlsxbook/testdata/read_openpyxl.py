"""Dumps every cell openpyxl reads from a workbook as JSON, for the oracle
tests of internal/xlsxbook: {tab: {"A1": [kind, value]}}, kind one of
text, number, bool, date (value a spreadsheet serial number).

usage: read_openpyxl.py BOOK.xlsx
"""
import datetime
import json
import sys

import openpyxl

EPOCH = datetime.datetime(1899, 12, 30)


def main():
    wb = openpyxl.load_workbook(sys.argv[1])
    out = {}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if v is None:
                    continue
                if isinstance(v, bool):
                    cells[c.coordinate] = ["bool", v]
                elif isinstance(v, datetime.datetime):
                    cells[c.coordinate] = ["date", (v - EPOCH).total_seconds() / 86400]
                elif isinstance(v, datetime.date):
                    cells[c.coordinate] = ["date", (datetime.datetime.combine(v, datetime.time()) - EPOCH).days]
                elif isinstance(v, (int, float)):
                    cells[c.coordinate] = ["number", v]
                else:
                    cells[c.coordinate] = ["text", str(v)]
        out[ws.title] = cells
    json.dump(out, sys.stdout, ensure_ascii=False)


main()
