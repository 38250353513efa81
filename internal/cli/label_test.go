package cli

import "testing"

func TestSheetLabel(t *testing.T) {
	const id = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
	for flag, want := range map[string]string{
		"/var/lib/onboard/onboarding.xlsx": "onboarding.xlsx",
		"チーム/申込管理.XLSX":                    "申込管理.XLSX",
		"onboarding.xlsx":                  "onboarding.xlsx",
		id:                                 "https://docs.google.com/spreadsheets/d/" + id,
		"https://docs.google.com/spreadsheets/d/" + id + "/edit#gid=0": "https://docs.google.com/spreadsheets/d/" + id,
		"notes.txt": "notes.txt",
	} {
		if got := sheetLabel(flag); got != want {
			t.Errorf("sheetLabel(%q) = %q, want %q", flag, got, want)
		}
	}
}
