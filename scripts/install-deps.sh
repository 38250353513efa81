#!/usr/bin/env bash
# Installs the system packages the tests use, when they are missing:
# python3-openpyxl (an independent reader of the workbooks we write), for
# Debian's /usr/bin/python3 (a pyenv python3 earlier on PATH lacks it), and
# systemd for systemd-analyze (the test of deploy/systemd verifies the
# units). With --bench, also python3-xlsxwriter: the peer `make bench`
# measures the weekly report against. With --corpus, also LibreOffice
# Calc (soffice), which `make corpus` has convert each synced workbook.
# Needs root for apt-get; without it, says what to install.
set -euo pipefail

missing=()
/usr/bin/python3 -c 'import openpyxl' 2>/dev/null || missing+=(python3-openpyxl)
if [ "${1:-}" = --bench ]; then
	/usr/bin/python3 -c 'import xlsxwriter' 2>/dev/null || missing+=(python3-xlsxwriter)
fi
if [ "${1:-}" = --corpus ]; then
	command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-calc)
fi
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing ${missing[*]}; run: sudo apt-get install -y ${missing[*]}" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
