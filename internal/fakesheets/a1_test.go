package fakesheets

import (
	"strings"
	"testing"
)

func TestParseA1(t *testing.T) {
	tests := []struct {
		in      string
		want    a1Ref
		wantErr bool
	}{
		{in: "Sheet1", want: a1Ref{sheet: "Sheet1", hasSheet: true, wholeSheet: true}},
		{in: "A1", want: a1Ref{sheet: "A1", ambiguous: true, cells: "A1"}},
		{in: "Sheet1!A1:B2", want: a1Ref{sheet: "Sheet1", hasSheet: true, cells: "A1:B2", endRow: 1, endCol: 1}},
		{in: "'My tab'!A:A", want: a1Ref{sheet: "My tab", hasSheet: true, cells: "A:A", startRow: -1, endRow: -1}},
		{in: "'申込'!1:1", want: a1Ref{sheet: "申込", hasSheet: true, cells: "1:1", startCol: -1, endCol: -1}},
		{in: "'It''s'!B3", want: a1Ref{sheet: "It's", hasSheet: true, cells: "B3", startRow: 2, endRow: 2, startCol: 1, endCol: 1}},
		{in: "'Sheet1'", want: a1Ref{sheet: "Sheet1", hasSheet: true, wholeSheet: true}},
		{in: "Sheet1!A5:A", want: a1Ref{sheet: "Sheet1", hasSheet: true, cells: "A5:A", startRow: 4, endRow: -1}},
		{in: "Sheet1!A2:2", want: a1Ref{sheet: "Sheet1", hasSheet: true, cells: "A2:2", startRow: 1, endRow: 1, endCol: -1}},
		{in: "Sheet1!$B$2:$c$10", want: a1Ref{sheet: "Sheet1", hasSheet: true, cells: "$B$2:$c$10", startRow: 1, startCol: 1, endRow: 9, endCol: 2}},
		{in: "Sheet1!D4:A1", want: a1Ref{sheet: "Sheet1", hasSheet: true, cells: "D4:A1", startRow: 3, startCol: 3}},
		{in: "Sheet1!A:B5", want: a1Ref{sheet: "Sheet1", hasSheet: true, cells: "A:B5", endRow: 4, endCol: 1}},
		{in: "My!Tab!A1", want: a1Ref{sheet: "My!Tab", hasSheet: true, cells: "A1"}},
		{in: "サポートアカウント", want: a1Ref{sheet: "サポートアカウント", hasSheet: true, wholeSheet: true}},
		{in: "", wantErr: true},
		{in: "Sheet1!", wantErr: true},
		{in: "!A1", wantErr: true},
		{in: "'unterminated!A1", wantErr: true},
		{in: "''!A1", wantErr: true},
		{in: "'Sheet1'A1", wantErr: true},
		{in: "Sheet1!A0", wantErr: true},
		{in: "Sheet1!AAAA1", wantErr: true},
		{in: "Sheet1!A1:", wantErr: true},
		{in: "Sheet1!A:1", wantErr: true},
		{in: "Sheet1!1:A", wantErr: true},
		{in: "Sheet1!A1B2", wantErr: true},
		{in: "Sheet1!A1:B2:C3", wantErr: true},
		{in: "Sheet1!A99999999999", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseA1(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("parseA1(%q) = %+v, want error", tt.in, got)
				}
				if want := "Unable to parse range: " + tt.in; err.Error() != want {
					t.Errorf("error %q, want %q", err, want)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseA1(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("parseA1(%q)\n got  %+v\n want %+v", tt.in, got, tt.want)
			}
		})
	}
}

// testBook is a spreadsheet with a 1000×26 "Sheet1", a 10×5 "申込" and a
// tab whose title needs quoting.
func testBook() *spreadsheet {
	return &spreadsheet{id: "x", sheets: []*sheet{
		newSheet(0, "Sheet1", 1000, 26),
		newSheet(1, "申込", 10, 5),
		newSheet(2, "I'm here", 20, 3),
	}}
}

func TestResolveEchoesLikeGoogle(t *testing.T) {
	tests := []struct{ in, want, wantErr string }{
		{in: "Sheet1", want: "Sheet1!A1:Z1000"},
		{in: "'Sheet1'", want: "Sheet1!A1:Z1000"},
		{in: "sheet1!a1", want: "Sheet1!A1"},
		{in: "A1", want: "Sheet1!A1"},
		{in: "B2:A1", want: "Sheet1!A1:B2"},
		{in: "Sheet1!A1:A1", want: "Sheet1!A1"},
		{in: "Sheet1!D4:A1", want: "Sheet1!A1:D4"},
		{in: "Sheet1!A2:2", want: "Sheet1!A2:Z2"},
		{in: "Sheet1!A5:A", want: "Sheet1!A5:A1000"},
		{in: "Sheet1!A:A", want: "Sheet1!A1:A1000"},
		{in: "Sheet1!1:1", want: "Sheet1!A1:Z1"},
		{in: "申込", want: "'申込'!A1:E10"},
		{in: "'申込'!1:1", want: "'申込'!A1:E1"},
		{in: "'I''m here'!B:B", want: "'I''m here'!B1:B20"},
		{in: "Nope!A1", wantErr: "Unable to parse range: Nope!A1"},
		{in: "Nope", wantErr: "Unable to parse range: Nope"},
		{in: "Sheet1!A1001", wantErr: "Range ('Sheet1'!A1001) exceeds grid limits. Max rows: 1000, max columns: 26"},
		{in: "'申込'!A1:F2", wantErr: "Range ('申込'!A1:F2) exceeds grid limits. Max rows: 10, max columns: 5"},
	}
	ss := testBook()
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			g, err := ss.resolve(tt.in)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("resolve(%q) error %v, want %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("resolve(%q): %v", tt.in, err)
			}
			if got := g.a1(); got != tt.want {
				t.Errorf("resolve(%q).a1() = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestQuoteTitle(t *testing.T) {
	tests := map[string]string{
		"Sheet1":            "Sheet1",
		"data_2024":         "data_2024",
		"My tab":            "'My tab'",
		"I'm a new title":   "'I''m a new title'",
		"申込":                "'申込'",
		"サポートアカウント":         "'サポートアカウント'",
		"A1":                "'A1'",
		"R1C1":              "'R1C1'",
		"Log":               "Log",
		"2024":              "'2024'",
		"🌵 test_values_get": "'🌵 test_values_get'",
	}
	for in, want := range tests {
		if got := quoteTitle(in); got != want {
			t.Errorf("quoteTitle(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestColumnNames(t *testing.T) {
	for i, name := range map[int]string{0: "A", 25: "Z", 26: "AA", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA", 18277: "ZZZ"} {
		if got := columnName(i); got != name {
			t.Errorf("columnName(%d) = %q, want %q", i, got, name)
		}
		if got := columnIndex(strings.ToLower(name)); got != i {
			t.Errorf("columnIndex(%q) = %d, want %d", name, got, i)
		}
	}
}

// FuzzParseA1 checks that parsing and resolving never panic, and that an
// echoed range parses back to the same rectangle.
func FuzzParseA1(f *testing.F) {
	for _, seed := range []string{
		"Sheet1", "Sheet1!A1:B2", "'My tab'!A:A", "'申込'!1:1", "A1", "Sheet1!A5:A",
		"'It''s'!B3", "D4:A1", "Sheet1!$A$1:$ZZZ$2", "!", "'", "''!A1", "Sheet1!A:1", "A1:B2:C3",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ref, err := parseA1(s)
		if err != nil {
			return
		}
		ss := testBook()
		g, err := ss.resolveRef(s, ref)
		if err != nil {
			return
		}
		if g.r0 < 0 || g.c0 < 0 || g.r1 > g.sheet.rowCount || g.c1 > g.sheet.colCount || g.r0 >= g.r1 || g.c0 >= g.c1 {
			t.Fatalf("resolve(%q) gave bad rectangle %+v", s, g)
		}
		back, err := ss.resolve(g.a1())
		if err != nil {
			t.Fatalf("echo %q of %q does not resolve: %v", g.a1(), s, err)
		}
		if back != g {
			t.Fatalf("echo %q of %q resolves to %+v, want %+v", g.a1(), s, back, g)
		}
	})
}
