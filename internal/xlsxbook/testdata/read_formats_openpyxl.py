"""Dumps what openpyxl reads of a workbook's formats as JSON, for the
formatting oracle test of internal/xlsxbook: per tab the custom column
widths, the frozen pane, the conditional rules (range, formula, fill), the
tab's defined names, and each cell's number format and wrapping in the rows
given (1-based, comma separated, per tab as TAB=ROWS arguments).

usage: read_formats_openpyxl.py BOOK.xlsx [TAB=1,2,5 ...]
"""
import json
import sys

import openpyxl


def main():
    wb = openpyxl.load_workbook(sys.argv[1])
    rows = {}
    for arg in sys.argv[2:]:
        tab, _, nums = arg.rpartition("=")
        rows[tab] = [int(n) for n in nums.split(",") if n]
    names = {}
    for dn in getattr(wb.defined_names, "definedName", []):
        if dn.localSheetId is not None:
            names.setdefault(wb.sheetnames[dn.localSheetId], []).append(dn.name + "=" + str(dn.attr_text))
    out = {}
    for ws in wb.worksheets:
        tab = {"widths": {}, "frozen": ws.freeze_panes or "", "rules": [], "names": [], "cells": {}}
        for k, v in ws.column_dimensions.items():
            if v.customWidth:
                tab["widths"][k] = v.width
        for cf in ws.conditional_formatting:
            for r in cf.rules:
                fill = ""
                if r.dxf and r.dxf.fill:
                    fill = r.dxf.fill.bgColor.rgb if r.dxf.fill.bgColor.rgb != "00000000" else r.dxf.fill.fgColor.rgb
                tab["rules"].append([str(cf.sqref), r.type, r.operator or "", r.formula[0] if r.formula else "", str(fill)])
        tab["rules"].sort()
        names_here = getattr(ws, "defined_names", None)
        if names_here:
            for name, dn in names_here.items():
                tab["names"].append(name + "=" + str(dn.attr_text))
        tab["names"] += names.get(ws.title, [])
        tab["names"].sort()
        max_col = ws.max_column
        for r in rows.get(ws.title, []):
            for c in range(1, max_col + 1):
                cell = ws.cell(row=r, column=c)
                tab["cells"][cell.coordinate] = [cell.number_format, bool(cell.alignment.wrap_text)]
        out[ws.title] = tab
    json.dump(out, sys.stdout, ensure_ascii=False)


main()
