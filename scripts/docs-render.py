#!/usr/bin/env python3
"""Render pages of a PDF to PNGs cut to their content (make docs): each
page's text box bounds where the picture ends, so a short tab is not a
mostly blank sheet of paper.

usage: docs-render.py PDF DPI PAGE:NAME...
"""
import re
import subprocess
import sys

pdf, dpi, pages = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
bbox = subprocess.run(["pdftotext", "-bbox", pdf, "-"], check=True, capture_output=True, text=True).stdout
bottoms = []
for page in re.split(r"<page ", bbox)[1:]:
    ys = [float(y) for y in re.findall(r'yMax="([0-9.]+)"', page)]
    bottoms.append(max(ys) if ys else None)
for spec in pages:
    num, name = spec.split(":", 1)
    n = int(num)
    args = ["pdftoppm", "-png", "-r", str(dpi), "-f", num, "-l", num, "-singlefile"]
    if bottoms[n - 1]:
        height = int((bottoms[n - 1] + 14) * dpi / 72)
        args += ["-x", "0", "-y", "0", "-W", "100000", "-H", str(height)]
    subprocess.run(args + [pdf, name], check=True)
    print(name + ".png")
