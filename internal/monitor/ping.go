// Package monitor makes a failed run loud: failure and recovery alerts by
// mail (once per distinct failure), dead-man's-switch pings in the
// healthchecks.io convention, and a Prometheus textfile of the run's figures.
// None of it may change a run's exit code.
package monitor

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Pinger sends healthchecks.io-style pings: URL/start when a run starts,
// URL on success, URL/fail on failure, each a POST of the run's summary.
type Pinger struct {
	URL    string
	Client *http.Client
	Log    *slog.Logger
}

// Start, Success and Fail send the three pings; a ping that fails is logged
// and otherwise ignored.
func (p *Pinger) Start(ctx context.Context, body string)   { p.ping(ctx, "/start", body) }
func (p *Pinger) Success(ctx context.Context, body string) { p.ping(ctx, "", body) }
func (p *Pinger) Fail(ctx context.Context, body string)    { p.ping(ctx, "/fail", body) }

func (p *Pinger) ping(ctx context.Context, suffix, body string) {
	if p == nil || p.URL == "" {
		return
	}
	url := strings.TrimRight(p.URL, "/") + suffix
	client := p.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	var err error
	for attempt := 1; attempt <= 2; attempt++ { // one retry
		if err = post(ctx, client, url, body); err == nil {
			return
		}
		if attempt == 1 {
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}
	p.Log.Warn("health-check ping failed; the run goes on", "url", redactURL(url), "err", err)
}

func post(ctx context.Context, client *http.Client, url, body string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s answered %s", redactURL(url), resp.Status)
	}
	return nil
}

// redactURL hides the ping UUID or token in logs: the URL is a secret
// capability (anyone holding it can mark the check up).
func redactURL(u string) string {
	i := strings.Index(u, "://")
	if i < 0 {
		return "[ping url]"
	}
	rest := u[i+3:]
	if j := strings.Index(rest, "/"); j >= 0 {
		return u[:i+3] + rest[:j] + "/…"
	}
	return u
}
