#!/usr/bin/env python3
"""Writes the XlsxWriter part of testdata/corpus: one workbook per feature
a team's workbook may carry, written by XlsxWriter (Debian
python3-xlsxwriter), which this project does not otherwise use to write
workbooks. Usage: corpus-gen.py OUTDIR VBAPROJECT_BIN IMAGE_PNG"""
import sys, os, datetime
import xlsxwriter

out, vba, png = sys.argv[1], sys.argv[2], sys.argv[3]


def book(name, fn, **opts):
    wb = xlsxwriter.Workbook(os.path.join(out, name), opts)
    ws = wb.add_worksheet("Data")
    for r in range(1, 21):
        ws.write_row(r - 1, 0, ["item %d" % r, r, r * 1.5, "x" if r % 2 else "y"])
    fn(wb, ws)
    wb.close()


def chart(kind):
    def f(wb, ws):
        c = wb.add_chart({"type": kind})
        c.add_series({"values": "=Data!$B$1:$B$10", "categories": "=Data!$A$1:$A$10"})
        ws.insert_chart("F2", c)
    return f


def chartsheet(wb, ws):
    cs = wb.add_chartsheet("Chart1")
    c = wb.add_chart({"type": "line"})
    c.add_series({"values": "=Data!$C$1:$C$10"})
    cs.set_chart(c)


def image(wb, ws):
    ws.insert_image("F2", png)


def comments(wb, ws):
    ws.write_comment("A1", "a legacy note")
    ws.write_comment("B5", "another one", {"author": "Someone", "visible": True})


def table(wb, ws):
    ws2 = wb.add_worksheet("Table")
    ws2.add_table("A1:D6", {"columns": [{"header": h} for h in ("Name", "Qty", "Price", "Total")],
                            "data": [["a", 1, 2], ["b", 3, 4], ["c", 5, 6], ["d", 7, 8], ["e", 9, 10]]})
    ws2.write_formula("D2", "=Table1[@Qty]*Table1[@Price]")


def table_formulas(wb, ws):
    ws2 = wb.add_worksheet("Sales")
    ws2.add_table("B2:E8", {"name": "Sales", "total_row": True,
                            "columns": [{"header": "Region"}, {"header": "Q1"}, {"header": "Q2"},
                                        {"header": "Sum", "formula": "=SUM(Sales[@[Q1]:[Q2]])", "total_function": "sum"}],
                            "data": [["n", 1, 2], ["s", 3, 4], ["e", 5, 6], ["w", 7, 8], ["c", 9, 1]]})
    ws.data_validation("E1:E20", {"validate": "list", "source": "=INDIRECT(\"Sales[Region]\")"})


def names(wb, ws):
    wb.define_name("Items", "=Data!$A$1:$A$20")
    wb.define_name("Data!Local", "=Data!$B$1")
    wb.define_name("Rate", "=0.08")
    ws.write_formula("F1", "=SUM(Items)")


def validations(wb, ws):
    ws.data_validation("E1:E20", {"validate": "list", "source": ["yes", "no"]})
    ws.data_validation("F1:F20", {"validate": "integer", "criteria": "between", "minimum": 1, "maximum": 9,
                                  "input_title": "n", "input_message": "1-9"})
    wb.add_worksheet("Lists").write_column(0, 0, ["a", "b", "c"])
    ws.data_validation("G1:G20", {"validate": "list", "source": "=Lists!$A$1:$A$3"})


def condfmt(wb, ws):
    red = wb.add_format({"bg_color": "#FFC7CE"})
    ws.conditional_format("B1:B20", {"type": "cell", "criteria": ">", "value": 10, "format": red})
    ws.conditional_format("C1:C20", {"type": "data_bar", "data_bar_2010": True})
    ws.conditional_format("B1:B20", {"type": "icon_set", "icon_style": "3_arrows"})
    ws.conditional_format("A1:A20", {"type": "formula", "criteria": "=$D1=\"x\"", "format": red})


def merges(wb, ws):
    f = wb.add_format({"align": "center", "bold": True})
    ws.merge_range("F1:H1", "merged", f)
    ws.merge_range("F3:F6", 42, f)


def hyperlinks(wb, ws):
    ws.write_url("F1", "https://example.com/a", string="external")
    ws.write_url("F2", "internal:Data!A1", string="internal")
    ws.write_url("F3", "mailto:a@example.com")


def protection(wb, ws):
    ws.protect("pw", {"sort": True})
    wb.add_worksheet("Open")


def hidden(wb, ws):
    wb.add_worksheet("Hidden").hide()
    vh = wb.add_worksheet("VeryHidden")
    vh.hide()


def rich(wb, ws):
    b = wb.add_format({"bold": True})
    i = wb.add_format({"italic": True, "font_color": "red"})
    ws.write_rich_string("F1", "plain ", b, "bold ", i, "italic red")
    ws.write_rich_string("F2", b, "日本語", " と text")


def formulas(wb, ws):
    ws.write_array_formula("F1:F3", "{=B1:B3*C1:C3}")
    ws.write_dynamic_array_formula("G1:G3", "=_xlfn._xlws.SORT(B1:B3)")
    for r in range(1, 11):
        ws.write_formula(r - 1, 7, "=B%d+C%d" % (r, r), None, r * 2.5)


def dates1904(wb, ws):
    f = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_datetime("F1", datetime.datetime(2024, 2, 29), f)


def styles(wb, ws):
    for i, fmt in enumerate([{"bold": True}, {"num_format": "0.00%"}, {"border": 2, "bg_color": "#DDEEFF"},
                             {"font_name": "MS Gothic", "font_size": 14}, {"rotation": 45}, {"text_wrap": True}]):
        ws.write(i, 6, "styled", wb.add_format(fmt))
    ws.set_column("A:A", 30)
    ws.set_row(3, 40)
    ws.freeze_panes(1, 1)
    ws.autofilter("A1:D20")


def outline(wb, ws):
    for r in range(2, 8):
        ws.set_row(r, None, None, {"level": 1, "hidden": True})
    ws.set_column("C:D", 10, None, {"level": 1})


def vbafile(wb, ws):
    wb.add_vba_project(vba)
    ws.write("F1", "with macros")


def textbox(wb, ws):
    ws.insert_textbox("F2", "a text box")


def buttons(wb, ws):
    wb.add_vba_project(vba)
    ws.insert_button("F2", {"macro": "say_hello", "caption": "Press"})


def page(wb, ws):
    ws.set_landscape()
    ws.set_header("&CHeader")
    ws.print_area("A1:D20")
    ws.repeat_rows(0)
    ws.set_h_pagebreaks([10])


def many(wb, ws):
    for n in range(12):
        s = wb.add_worksheet("S%02d" % n)
        s.write("A1", n)
    wb.worksheets_objs[3].activate()


def sparklines(wb, ws):
    ws.add_sparkline("F1", {"range": "Data!B1:D1"})


def inline_strings(wb, ws):
    pass


def japanese(wb, ws):
    s = wb.add_worksheet("申込")
    s.write_row(0, 0, ["クライアントID", "会社名", "申込日"])
    s.write_row(1, 0, ["C-1", "株式会社テスト", "2026-11-01"])


def unicode_names(wb, ws):
    wb.add_worksheet("Sheet with a 'quote' inside")
    wb.add_worksheet("Données & % #")


CASES = [
    ("xw-chart-column.xlsx", chart("column"), {}), ("xw-chart-pie.xlsx", chart("pie"), {}),
    ("xw-chart-scatter.xlsx", chart("scatter"), {}), ("xw-chartsheet.xlsx", chartsheet, {}),
    ("xw-image.xlsx", image, {}), ("xw-comments.xlsx", comments, {}), ("xw-table.xlsx", table, {}),
    ("xw-table-structured-refs.xlsx", table_formulas, {}), ("xw-defined-names.xlsx", names, {}),
    ("xw-validations.xlsx", validations, {}), ("xw-conditional-x14.xlsx", condfmt, {}),
    ("xw-merges.xlsx", merges, {}), ("xw-hyperlinks.xlsx", hyperlinks, {}),
    ("xw-protection.xlsx", protection, {}), ("xw-hidden-tabs.xlsx", hidden, {}),
    ("xw-rich-text.xlsx", rich, {}), ("xw-array-formulas.xlsx", formulas, {}),
    ("xw-1904.xlsx", dates1904, {"date_1904": True}), ("xw-styles.xlsx", styles, {}),
    ("xw-outline.xlsx", outline, {}), ("xw-vba.xlsm", vbafile, {}), ("xw-textbox.xlsx", textbox, {}),
    ("xw-button.xlsm", buttons, {}), ("xw-page-setup.xlsx", page, {}), ("xw-many-tabs.xlsx", many, {}),
    ("xw-sparklines.xlsx", sparklines, {}), ("xw-inline-strings.xlsx", inline_strings, {"strings_to_numbers": False, "constant_memory": True}),
    ("xw-japanese.xlsx", japanese, {}), ("xw-odd-tab-names.xlsx", unicode_names, {}),
]
for name, fn, opts in CASES:
    book(name, fn, **opts)
