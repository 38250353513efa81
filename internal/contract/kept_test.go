package contract

import (
	"fmt"
	"math"
	"testing"

	"onboard/internal/sheet"
)

// A kept column gives back every cell as added, whether it holds them as
// indices into its distinct values or, once most differ, as they are.
func TestKeptColumnGivesBackEveryCell(t *testing.T) {
	statuses := []sheet.Value{sheet.TextValue("完了"), {}, sheet.TextValue("進行中"), sheet.DayValue(20000)}
	tests := []struct {
		name  string
		cell  func(i int) sheet.Value
		plain bool
	}{
		{"repeating", func(i int) sheet.Value { return statuses[i%len(statuses)] }, false},
		{"a value a row", func(i int) sheet.Value { return sheet.TextValue(fmt.Sprintf("support_%d@example.com", i)) }, true},
		{"distinct after repeats", func(i int) sheet.Value {
			if i < 3*distinctMax {
				return statuses[i%len(statuses)]
			}
			return sheet.NumberValue(float64(i))
		}, true},
		{"not a number", func(i int) sheet.Value { return sheet.NumberValue(math.NaN()) }, true},
		{"each repeated in the rows after it", func(i int) sheet.Value { return sheet.NumberValue(float64(i / 8)) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c keptColumn
			const rows = 5 * distinctMax * 4
			for i := range rows {
				c.add(tt.cell(i))
			}
			if c.plain != tt.plain {
				t.Errorf("held as they are: %v, want %v", c.plain, tt.plain)
			}
			for i := range rows {
				if got, want := c.at(i), tt.cell(i); !got.Equal(want) && !(math.IsNaN(got.Num) && math.IsNaN(want.Num)) {
					t.Fatalf("row %d: %+v, want %+v", i, got, want)
				}
			}
			if got := c.at(rows); got != (sheet.Value{}) {
				t.Errorf("past the rows: %+v, want empty", got)
			}
		})
	}
}

// A chunked list gives back what was added, whether it had room for all
// of it, for some, or none; with room for all, its one slice is the list.
func TestChunkedReserve(t *testing.T) {
	for _, tt := range []struct{ reserve, n int }{{0, 3 * chunkLen}, {10, 3 * chunkLen}, {5000, 5000}, {9000, 5000}, {7, 0}} {
		var c chunked[int]
		c.reserve(tt.reserve)
		for i := range tt.n {
			c.add(i)
		}
		all := c.all()
		if len(all) != tt.n || c.n != tt.n {
			t.Fatalf("reserve %d, add %d: all has %d", tt.reserve, tt.n, len(all))
		}
		for i := range tt.n {
			if c.at(i) != i || all[i] != i {
				t.Fatalf("reserve %d, add %d: item %d is %d, %d", tt.reserve, tt.n, i, c.at(i), all[i])
			}
		}
		if tt.n > 0 && tt.reserve >= tt.n && &all[0] != &c.chunks[0][0] {
			t.Errorf("reserve %d, add %d: the list was copied", tt.reserve, tt.n)
		}
	}
}
