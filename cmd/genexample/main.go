// Command genexample writes the bundled example workbook (make example), or
// a large synthetic one for benchmarks and demos.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/pflag"

	"onboard/internal/example"
	"onboard/internal/statuslog"
	"onboard/internal/xlsxbook"
)

func main() {
	out := pflag.String("out", "examples/onboarding.xlsx", "workbook to write")
	clients := pflag.Int("clients", 0, "generate this many clients without injected problems (default: the bundled example)")
	sessions := pflag.Int("sessions", 0, "with --clients, give every started client exactly this many sessions (benchmarks)")
	historyDays := pflag.Int("history-days", 0, "add a ステータス履歴 tab with this many days of history before the snapshot's day, as much as fits in Google's 10,000,000 cells")
	pflag.Parse()
	cfg := example.ExampleConfig()
	if *clients > 0 {
		cfg.Clients, cfg.Problems, cfg.SessionsPerClient = *clients, false, *sessions
	}
	book := example.Generate(cfg)
	if *historyDays > 0 {
		// Room for the history, and for the rows the next sync adds (one
		// per client) within the limit.
		room := (example.CellLimit-example.Cells(book))/len(statuslog.Header) - cfg.Clients - 1
		tab, days := example.History(book, *historyDays, room, cfg.Today, cfg.Seed)
		if days < *historyDays {
			fmt.Fprintf(os.Stderr, "genexample: %d days of history fit within Google's %d cells, not %d\n", days, example.CellLimit, *historyDays)
		}
		book.Tabs = append(book.Tabs, tab)
		fmt.Printf("%d days of history, %d rows\n", days, len(tab.Rows)-1)
	}
	if err := xlsxbook.Create(*out, book); err != nil {
		fmt.Fprintln(os.Stderr, "genexample:", err)
		os.Exit(1)
	}
	fmt.Println("wrote", *out)
}
