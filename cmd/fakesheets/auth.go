package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"onboard/internal/fakesheets"
)

// authFlags are the flags of the fake's credential checks.
type authFlags struct {
	on          bool
	keyOut      string
	grantScopes []string
	ttl         time.Duration
}

func registerAuth(fs *pflag.FlagSet) *authFlags {
	a := &authFlags{}
	fs.BoolVar(&a.on, "auth", false, "check credentials as Google does: every call needs a Bearer token from the fake's token endpoint (/token)")
	fs.StringVar(&a.keyOut, "credentials-out", "", "with --auth, write the fake's service-account key here (its token_uri is the fake's)")
	fs.StringSliceVar(&a.grantScopes, "grant-scopes", nil, "with --auth, grant tokens these scopes whatever the client asks, as a gcloud login without --scopes does (comma-separated)")
	fs.DurationVar(&a.ttl, "token-ttl", time.Hour, "with --auth, how long a token lasts")
	return a
}

// options are the server options the flags ask for.
func (a *authFlags) options() ([]fakesheets.Option, error) {
	if !a.on {
		if a.keyOut != "" || len(a.grantScopes) > 0 {
			return nil, fmt.Errorf("--credentials-out and --grant-scopes need --auth")
		}
		return nil, nil
	}
	if a.ttl <= 0 {
		return nil, fmt.Errorf("--token-ttl %s: give a positive duration, e.g. 1h", a.ttl)
	}
	for _, s := range a.grantScopes {
		if !strings.HasPrefix(s, "https://www.googleapis.com/auth/") && s != "openid" {
			return nil, fmt.Errorf("--grant-scopes: %q is not a Google OAuth scope (https://www.googleapis.com/auth/...)", s)
		}
	}
	return []fakesheets.Option{fakesheets.WithAuth(fakesheets.Auth{GrantScopes: a.grantScopes, TokenTTL: a.ttl})}, nil
}

// writeKey writes the service account's key, readable by its owner only,
// as a downloaded key should be.
func (a *authFlags) writeKey(srv *fakesheets.Server) error {
	if a.keyOut == "" {
		return nil
	}
	if err := os.WriteFile(a.keyOut, srv.ServiceAccountKey(), 0o600); err != nil {
		return fmt.Errorf("writing the service-account key: %w", err)
	}
	return nil
}
