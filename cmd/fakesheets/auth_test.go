package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/oauth2/google"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
	"google.golang.org/api/sheets/v4"
)

// TestAuthWritesAKeyItAccepts: with --auth the fake writes a key shaped
// like a downloaded one (the fields of credentials.example.json, owner
// only) whose token_uri is its own; the real client gets a token with it
// and reads, while a call without one is 401, and --grant-scopes narrows
// what the token allows.
func TestAuthWritesAKeyItAccepts(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "key.json")
	base, id := serve(t, "--auth", "--credentials-out", keyFile, "--title", "Onboarding",
		"--grant-scopes", sheets.SpreadsheetsReadonlyScope)

	key, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(keyFile); st.Mode().Perm() != 0o600 {
		t.Errorf("key mode %v, want 0600", st.Mode().Perm())
	}
	example, err := os.ReadFile("../../credentials.example.json")
	if err != nil {
		t.Fatal(err)
	}
	var got, want map[string]string
	if json.Unmarshal(key, &got) != nil || json.Unmarshal(example, &want) != nil {
		t.Fatalf("keys are not JSON objects of strings:\n%s", key)
	}
	if !reflect.DeepEqual(slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want))) || got["token_uri"] != base+"/token" || got["type"] != "service_account" {
		t.Errorf("key fields %v, want those of credentials.example.json with token_uri %s/token", got, base)
	}

	ctx := context.Background()
	cfg, err := google.JWTConfigFromJSON(key, sheets.SpreadsheetsScope)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := sheets.NewService(ctx, option.WithEndpoint(base+"/"), option.WithTokenSource(cfg.TokenSource(ctx)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Spreadsheets.Get(id).Do(); err != nil {
		t.Fatalf("get with the key's token: %v", err)
	}
	// Granted the read-only scope only, whatever was asked.
	_, err = svc.Spreadsheets.Values.BatchUpdate(id, &sheets.BatchUpdateValuesRequest{ValueInputOption: "RAW"}).Do()
	if ge := (*googleapi.Error)(nil); !errors.As(err, &ge) || ge.Code != 403 || !strings.Contains(ge.Message, "insufficient authentication scopes") {
		t.Errorf("write with a read-only token: %v", err)
	}

	resp, err := http.Get(base + "/v4/spreadsheets/" + id)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != 401 || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer ") {
		t.Errorf("no token: %d, WWW-Authenticate %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
}

func TestAuthFlagsNeedAuth(t *testing.T) {
	for _, args := range [][]string{
		{"--credentials-out", filepath.Join(t.TempDir(), "k.json")},
		{"--grant-scopes", sheets.SpreadsheetsScope},
		{"--auth", "--token-ttl", "0s"},
		{"--auth", "--grant-scopes", "spreadsheets"},
	} {
		if err := run(context.Background(), args, io.Discard); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

// serve runs the command until the test ends and returns its address line.
func serve(t *testing.T, args ...string) (base, id string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"--addr", "127.0.0.1:0"}, args...), pw)
		_ = pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the address line: %v", err)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	base, id, _ = strings.Cut(strings.TrimSpace(line), " ")
	return base, id
}
