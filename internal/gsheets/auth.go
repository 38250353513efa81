package gsheets

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
	"google.golang.org/api/option"
	"google.golang.org/api/sheets/v4"
)

// auth is how the client authenticates, and as whom when known.
type auth struct {
	option option.ClientOption
	email  string
	tokens *renewable // nil when unauthenticated
}

// renewable is a token source that a refused token can make start afresh:
// Google may reject a token before the expiry it came with (revoked, or
// Google's clock ahead of this machine's), and the cached one would
// otherwise be sent again until then.
type renewable struct {
	mu    sync.Mutex
	src   oauth2.TokenSource
	fresh func() (oauth2.TokenSource, error)
}

func (r *renewable) Token() (*oauth2.Token, error) {
	r.mu.Lock()
	src := r.src
	r.mu.Unlock()
	return src.Token()
}

// renew drops the cached token: the next call fetches a new one.
func (r *renewable) renew() error {
	src, err := r.fresh()
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.src = src
	r.mu.Unlock()
	return nil
}

// renewableCredentials makes creds' tokens renewable by loading the
// credentials again.
func renewableCredentials(creds *google.Credentials, load func() (*google.Credentials, error), email string) auth {
	r := &renewable{src: creds.TokenSource, fresh: func() (oauth2.TokenSource, error) {
		c, err := load()
		if err != nil {
			return nil, err
		}
		return c.TokenSource, nil
	}}
	creds.TokenSource = r
	return auth{option: option.WithCredentials(creds), email: email, tokens: r}
}

// keyFile holds the fields of a JSON key the checks below need.
type keyFile struct {
	Type        string `json:"type"`
	ClientEmail string `json:"client_email"`
	PrivateKey  string `json:"private_key"`
}

// credentials picks the credentials: --credentials, then
// GOOGLE_APPLICATION_CREDENTIALS, then (without an endpoint) Application
// Default Credentials. With an endpoint and no key, the client runs
// unauthenticated, as Google's emulators expect.
func credentials(ctx context.Context, opts Options, log *slog.Logger) (auth, error) {
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	scope := sheets.SpreadsheetsScope
	if opts.ReadOnly {
		scope = sheets.SpreadsheetsReadonlyScope
	}
	// Token requests outlive Open's context; they get their own timeout.
	tokenCtx := context.WithValue(context.Background(), oauth2.HTTPClient, &http.Client{Timeout: 30 * time.Second})

	file, from := opts.CredentialsFile, "--credentials"
	if file == "" {
		file, from = getenv("GOOGLE_APPLICATION_CREDENTIALS"), "GOOGLE_APPLICATION_CREDENTIALS"
	}
	if file != "" {
		b, err := readKey(file, from, log)
		if err != nil {
			return auth{}, err
		}
		var k keyFile
		if err := json.Unmarshal(b, &k); err != nil {
			return auth{}, fmt.Errorf("credentials file %s (%s) is not a JSON key: %v", file, from, err)
		}
		if k.Type == "service_account" {
			return serviceAccount(tokenCtx, file, from, b, k, scope)
		}
		if from == "--credentials" {
			return auth{}, fmt.Errorf("credentials file %s is a %q key; --credentials takes a service-account key (type service_account)", file, k.Type)
		}
		// Another kind of Application Default Credentials (a user login,
		// workload identity...): the library knows them.
		load := func() (*google.Credentials, error) {
			return google.CredentialsFromJSONWithType(tokenCtx, b, google.CredentialsType(k.Type), scope)
		}
		creds, err := load()
		if err != nil {
			return auth{}, fmt.Errorf("credentials file %s (%s): %v", file, from, err)
		}
		return renewableCredentials(creds, load, k.ClientEmail), nil
	}
	if opts.Endpoint != "" {
		return auth{option: option.WithoutAuthentication()}, nil
	}
	load := func() (*google.Credentials, error) { return google.FindDefaultCredentials(tokenCtx, scope) }
	creds, err := load()
	if err != nil {
		return auth{}, errors.New("no Google credentials: pass --credentials KEY.json (a service-account key), set GOOGLE_APPLICATION_CREDENTIALS, or run where Application Default Credentials exist (gcloud auth application-default login --scopes=" + adcScopes + ")")
	}
	var k keyFile
	_ = json.Unmarshal(creds.JSON, &k) // the email only improves messages
	return renewableCredentials(creds, load, k.ClientEmail), nil
}

// readKey reads a key file, warning when other users can read it.
func readKey(file, from string, log *slog.Logger) ([]byte, error) {
	st, err := os.Stat(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("credentials file %s (%s) does not exist: download a JSON key of the service account (credentials.example.json shows its shape)", file, from)
	}
	if err != nil {
		return nil, fmt.Errorf("credentials file %s (%s) cannot be read: %v", file, from, err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("credentials file %s (%s) is a directory, not a JSON key", file, from)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("credentials file %s (%s) cannot be read: %v", file, from, err)
	}
	if st.Mode().Perm()&0o004 != 0 {
		log.Warn("the credentials file is readable by every user of this machine; restrict it with chmod 600", "file", file)
	}
	return b, nil
}

// serviceAccount checks a service-account key before any call, so a
// placeholder or truncated key fails with one clear line.
func serviceAccount(ctx context.Context, file, from string, b []byte, k keyFile, scope string) (auth, error) {
	if k.ClientEmail == "" {
		return auth{}, fmt.Errorf("credentials file %s (%s) has no client_email", file, from)
	}
	if !validKey(k.PrivateKey) {
		return auth{}, fmt.Errorf("credentials file %s (%s): private_key is not a valid PEM private key (still the placeholder of credentials.example.json?)", file, from)
	}
	cfg, err := google.JWTConfigFromJSON(b, scope)
	if err != nil {
		return auth{}, fmt.Errorf("credentials file %s (%s): %v", file, from, err)
	}
	tokens := &renewable{src: cfg.TokenSource(ctx), fresh: func() (oauth2.TokenSource, error) { return cfg.TokenSource(ctx), nil }}
	return auth{option: option.WithTokenSource(tokens), email: k.ClientEmail, tokens: tokens}, nil
}

func validKey(s string) bool {
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		return false
	}
	if _, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		return true
	}
	_, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	return err == nil
}
