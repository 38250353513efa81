package cli

import (
	"fmt"
	"math"
	"testing"
	"time"
)

// TestSpreadDelay: the same sheet always waits the same, inside
// [0, spread); an ID and its URL are one sheet; no spread, no wait.
func TestSpreadDelay(t *testing.T) {
	const id = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg"
	spread := 30 * time.Minute
	d := spreadDelay(id, spread)
	for range 3 {
		if again := spreadDelay(id, spread); again != d {
			t.Fatalf("delay %s, then %s: not deterministic", d, again)
		}
	}
	if url := spreadDelay("https://docs.google.com/spreadsheets/d/"+id+"/edit#gid=0", spread); url != d {
		t.Errorf("the URL waits %s, the ID %s", url, d)
	}
	if other := spreadDelay(id[:len(id)-1]+"h", spread); other == d {
		t.Errorf("another sheet waits the same %s", d)
	}
	for _, s := range []time.Duration{0, -time.Second} {
		if got := spreadDelay(id, s); got != 0 {
			t.Errorf("--spread %s: delay %s, want none", s, got)
		}
	}
	for _, s := range []time.Duration{time.Nanosecond, time.Second, 25 * time.Minute, 7 * 24 * time.Hour} {
		for i := range 200 {
			if got := spreadDelay(fmt.Sprintf("sheet-%d", i), s); got < 0 || got >= s {
				t.Fatalf("--spread %s: delay %s out of [0, %s)", s, got, s)
			}
		}
	}
}

// TestSpreadDelayDistribution: 5,000 sheet IDs on one schedule fill the
// window evenly: per minute of a 30-minute spread, the count of starts is
// within what chance allows for a uniform spread (chi-square at 29
// degrees of freedom below 58, p ≈ 0.001), and no minute holds more than
// 1.5× its share, the crowd that a per-minute quota would refuse.
func TestSpreadDelayDistribution(t *testing.T) {
	const sheets, minutes = 5000, 30
	var counts [minutes]int
	for i := range sheets {
		id := fmt.Sprintf("1Sheet%06dXyZabcdefghijklmnopqrstuv", i)
		counts[spreadDelay(id, minutes*time.Minute)/time.Minute]++
	}
	expected := float64(sheets) / minutes
	chi2 := 0.0
	for _, c := range counts {
		chi2 += math.Pow(float64(c)-expected, 2) / expected
		if float64(c) > 1.5*expected {
			t.Errorf("a minute holds %d starts, %.0f expected: %v", c, expected, counts)
		}
	}
	if chi2 > 58 {
		t.Errorf("chi-square %.1f over 30 minutes: the delays are not uniform: %v", chi2, counts)
	}
}
