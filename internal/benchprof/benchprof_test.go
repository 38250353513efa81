package benchprof

import (
	"strings"
	"testing"
)

func TestSummary(t *testing.T) {
	top := `File: onboard
Type: cpu
Duration: 7.41s, Total samples = 9.10s (122.80%)
Showing nodes accounting for 2.80s, 30.77% of 9.10s total
Dropped 312 nodes (cum <= 0.05s)
Showing top 3 nodes out of 180
      flat  flat%   sum%        cum   cum%
     1.20s 13.19% 13.19%      1.30s 14.29%  compress/flate.(*compressor).deflate
     0.90s  9.89% 23.08%      2.10s 23.08%  runtime.mallocgc
     0.70s  7.69% 30.77%      0.70s  7.69%  onboard/internal/xlsxbook.(*xmlScanner).next
`
	want := "13.19% flate.(*compressor).deflate, 9.89% runtime.mallocgc, 7.69% xlsxbook.(*xmlScanner).next; in onboard: 7.69% xlsxbook.(*xmlScanner).next"
	if got := summary(top, 3); got != want {
		t.Errorf("summary:\n got %s\nwant %s", got, want)
	}
	if got := summary(top, 1); got != "13.19% flate.(*compressor).deflate; in onboard: 7.69% xlsxbook.(*xmlScanner).next" {
		t.Errorf("summary of 1: %s", got)
	}
	if got := summary(top[:strings.Index(top, "     0.70s")], 3); got != "13.19% flate.(*compressor).deflate, 9.89% runtime.mallocgc" {
		t.Errorf("summary without onboard's functions: %s", got)
	}
	if got := shortName("onboard/internal/contract.readTab[go.shape.struct { Row int; ClientID string }]"); got != "contract.readTab[…]" {
		t.Errorf("generic name: %s", got)
	}
	if got := summary("Type: cpu\n", 3); got != "no samples" {
		t.Errorf("summary without a table: %s", got)
	}
}
