"""Compares a workbook before and after the job, as openpyxl reads them.

usage: corpus_compare.py BEFORE AFTER OWNED_TAB...

Every tab the job does not own (not among OWNED_TAB) must read the same:
each cell's value, formula, cached value and style, and the count of the
tab's validations, conditional formats, merges, hyperlinks, comments,
images, charts and tables; the workbook's defined names and chartsheets
too. Prints one line per difference and exits 1 when there is any; exits 2
when openpyxl cannot read AFTER though it read BEFORE; prints
"unreadable-before" and exits 0 when it cannot read BEFORE (nothing to
compare against).
"""
import sys
import warnings

import openpyxl

warnings.simplefilter("ignore")


def load(path, data_only):
    return openpyxl.load_workbook(path, data_only=data_only, keep_links=True)


STYLE = ("font", "fill", "border", "number format", "alignment", "protection")


def style(c):
    return (repr(c.font), repr(c.fill), repr(c.border), c.number_format,
            repr(c.alignment), repr(c.protection))


def cells(ws):
    out = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value is None and not c.has_style:
                continue
            out[c.coordinate] = (c.value if not hasattr(c.value, "text") else repr(c.value), style(c))
    return out


def features(ws):
    links = sum(1 for row in ws.iter_rows() for c in row if c.hyperlink is not None)
    notes = sum(1 for row in ws.iter_rows() for c in row if c.comment is not None)
    rules = sum(len(r.rules) for r in ws.conditional_formatting)
    return {
        "validations": len(ws.data_validations.dataValidation),
        "conditional formats": rules,
        "merges": len(ws.merged_cells.ranges),
        "hyperlinks": links,
        "comments": notes,
        "images": len(ws._images),
        "charts": len(ws._charts),
        "tables": len(ws.tables),
    }


def names(wb, owned):
    """The defined names not scoped to a tab the job owns."""
    out = set()
    for d in wb.defined_names.definedName:
        scope = None if d.localSheetId is None else wb.sheetnames[int(d.localSheetId)]
        if scope not in owned:
            out.add((d.name, scope, d.attr_text))
    return out


def compare_tab(name, b, a, cached_b, cached_a, diffs):
    cb, ca = cells(b), cells(a)
    none = (None, (None,) * len(STYLE))
    for ref in sorted(set(cb) | set(ca)):
        (vb, sb), (va, sa) = cb.get(ref, none), ca.get(ref, none)
        if vb != va:
            diffs.append(f"{name}!{ref}: {vb!r} -> {va!r}")
        for attr, x, y in zip(STYLE, sb, sa):
            if x != y:
                diffs.append(f"{name}!{ref}: {attr} changed")
    kb, ka = cells(cached_b), cells(cached_a)
    for ref in sorted(set(kb) | set(ka)):
        if kb.get(ref, none)[0] != ka.get(ref, none)[0]:
            diffs.append(f"{name}!{ref}: cached value {kb.get(ref, none)[0]!r} -> {ka.get(ref, none)[0]!r}")
    fb, fa = features(b), features(a)
    for k in fb:
        if fb[k] != fa[k]:
            diffs.append(f"{name}: {k} {fb[k]} -> {fa[k]}")


def main():
    before_path, after_path, owned = sys.argv[1], sys.argv[2], set(sys.argv[3:])
    try:
        before, cached_before = load(before_path, False), load(before_path, True)
    except Exception:  # noqa: BLE001 - any reader failure means nothing to compare
        print("unreadable-before")
        return 0
    try:
        after, cached_after = load(after_path, False), load(after_path, True)
    except Exception as e:  # noqa: BLE001
        print(f"openpyxl cannot read the synced file: {type(e).__name__}: {e}")
        return 2
    diffs = []
    for name in before.sheetnames:
        if name in owned:
            continue
        if name not in after.sheetnames:
            diffs.append(f"{name}: tab gone")
            continue
        b, a = before[name], after[name]
        if type(b) is not type(a):
            diffs.append(f"{name}: {type(b).__name__} became {type(a).__name__}")
            continue
        if hasattr(b, "iter_rows"):
            compare_tab(name, b, a, cached_before[name], cached_after[name], diffs)
        else:
            if len(b._charts) != len(a._charts):
                diffs.append(f"{name}: charts {len(b._charts)} -> {len(a._charts)}")
    nb, na = names(before, owned), names(after, owned)
    if nb != na:
        diffs.append(f"workbook: defined names {sorted(nb)} -> {sorted(na)}")
    for d in diffs[:20]:
        print(d)
    if len(diffs) > 20:
        print(f"... {len(diffs) - 20} more")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
