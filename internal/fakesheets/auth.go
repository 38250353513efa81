package fakesheets

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Auth makes the fake check credentials as Google does: it is the
// token endpoint of one service account, whose key it issues
// (ServiceAccountKey), and every API call needs a Bearer token it granted
// with a scope that allows the method.
type Auth struct {
	// GrantScopes, when set, are the scopes every token carries whatever
	// the client asks, as the tokens of `gcloud auth application-default
	// login` carry the scopes of the login, not those the program wants.
	GrantScopes []string
	// TokenTTL is a token's lifetime (default an hour, as Google's).
	TokenTTL time.Duration
	// Now is the fake's clock (nil: time.Now); a test moves it to make
	// tokens expire, as when the client's clock lags Google's.
	Now func() time.Time
}

// WithAuth turns credential checks on; without it the fake takes any call.
func WithAuth(a Auth) Option { return func(c *config) { c.auth = newAuthority(a) } }

// authority holds the service account's key and the tokens granted.
type authority struct {
	Auth
	key   *rsa.PrivateKey
	keyID string

	mu     sync.Mutex
	tokens map[string]grant
	issued int
}

// grant is what an access token stands for.
type grant struct {
	principal string // the service account's email, for the per-user quota
	scopes    []string
	expires   time.Time
}

func newAuthority(a Auth) *authority {
	if a.TokenTTL <= 0 {
		a.TokenTTL = time.Hour
	}
	if a.Now == nil {
		a.Now = time.Now
	}
	// crypto/rand cannot fail, and 2048 bits is a valid size: an error
	// here is a broken build, not bad data.
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(fmt.Sprintf("fakesheets: generating the service account's key: %v", err))
	}
	return &authority{Auth: a, key: key, keyID: randomHex(20), tokens: map[string]grant{}}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// ServiceAccountKey returns the JSON key of the fake's service account, in
// the shape of a key downloaded from the Cloud console, whose token_uri is
// the fake's token endpoint. It is nil without WithAuth.
func (s *Server) ServiceAccountKey() []byte {
	a := s.cfg.auth
	if a == nil {
		return nil
	}
	der, err := x509.MarshalPKCS8PrivateKey(a.key)
	if err != nil {
		panic(fmt.Sprintf("fakesheets: encoding the service account's key: %v", err))
	}
	email := s.cfg.callerEmail
	project := email[strings.IndexByte(email, '@')+1:]
	project, _, _ = strings.Cut(project, ".")
	b, _ := json.MarshalIndent(map[string]string{
		"type":                        "service_account",
		"project_id":                  project,
		"private_key_id":              a.keyID,
		"private_key":                 string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"client_email":                email,
		"client_id":                   "100000000000000000001",
		"auth_uri":                    "https://accounts.google.com/o/oauth2/auth",
		"token_uri":                   s.TokenURL(),
		"auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
		"client_x509_cert_url":        "https://www.googleapis.com/robot/v1/metadata/x509/" + strings.ReplaceAll(email, "@", "%40"),
		"universe_domain":             "googleapis.com",
	}, "", "  ")
	return append(b, '\n')
}

// TokenURL is the fake's token endpoint (Google's: oauth2.googleapis.com/token).
func (s *Server) TokenURL() string { return s.URL() + "/token" }

// TokensIssued counts the access tokens the token endpoint granted.
func (s *Server) TokensIssued() int {
	a := s.cfg.auth
	if a == nil {
		return 0
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.issued
}

// RevokeTokens revokes every access token granted so far, as Google's
// revocation endpoint does: a call with one is 401 UNAUTHENTICATED, and
// the client must fetch a new token.
func (s *Server) RevokeTokens() {
	a := s.cfg.auth
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	clear(a.tokens)
}

// withAuth serves the token endpoint and refuses API calls without a
// token that allows them, before anything else sees the call, as Google's
// front end does.
func (s *Server) withAuth(next http.Handler) http.Handler {
	a := s.cfg.auth
	if a == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/token" {
			s.serveToken(w, r)
			return
		}
		rt := matchRoute(r.Method, r.URL.EscapedPath())
		if rt.handle == nil {
			next.ServeHTTP(w, r)
			return
		}
		principal, e := a.check(r, rt.op)
		if e == nil {
			next.ServeHTTP(w, r.WithContext(withCaller(r.Context(), principal)))
			return
		}
		cw := &countingWriter{ResponseWriter: w}
		w.Header().Set("WWW-Authenticate", e.challenge)
		writeError(cw, r, e.apiError)
		s.ctl.Lock()
		s.records = append(s.records, RequestRecord{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
			Operation: rt.op, Status: cw.status, ResponseSize: cw.size})
		s.ctl.Unlock()
	})
}

// methodAuth is, per method the fake serves, its RPC name (Google's
// ErrorInfo names it) and the scopes the discovery document allows.
var methodAuth = map[string]struct {
	rpc    string
	scopes []string
}{
	"spreadsheets.get":                {"GetSpreadsheet", readScopes},
	"spreadsheets.values.batchGet":    {"BatchGetValues", readScopes},
	"spreadsheets.batchUpdate":        {"BatchUpdateSpreadsheet", writeScopes},
	"spreadsheets.values.batchUpdate": {"BatchUpdateValues", writeScopes},
}

const authScope = "https://www.googleapis.com/auth/"

var (
	writeScopes = []string{authScope + "drive", authScope + "drive.file", authScope + "spreadsheets"}
	readScopes  = append(slices.Clip(writeScopes), authScope+"drive.readonly", authScope+"spreadsheets.readonly")
)

// authError is a refusal with the WWW-Authenticate challenge Google sends
// with it.
type authError struct {
	*apiError
	challenge string
}

const (
	realm        = `Bearer realm="https://accounts.google.com/"`
	credsHint    = " Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."
	sheetsRPC    = "google.apps.sheets.v4.SpreadsheetsService."
	sheetsDomain = "sheets.googleapis.com"
)

// check finds the call's Bearer token and tests it, as Google does: no
// token, or one it does not know or that expired, is 401 UNAUTHENTICATED;
// a token without a scope the method allows is 403 PERMISSION_DENIED.
func (a *authority) check(r *http.Request, op string) (string, *authError) {
	m := methodAuth[op]
	info := func(reason string) []any {
		return []any{map[string]any{
			"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason, "domain": "googleapis.com",
			"metadata": map[string]any{"service": sheetsDomain, "method": sheetsRPC + m.rpc},
		}}
	}
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		return "", &authError{&apiError{code: http.StatusUnauthorized, status: "UNAUTHENTICATED",
			message: "Request is missing required authentication credential." + credsHint, details: info("CREDENTIALS_MISSING")}, realm}
	}
	a.mu.Lock()
	g, known := a.tokens[token]
	a.mu.Unlock()
	invalid := func(reason string) *authError {
		return &authError{&apiError{code: http.StatusUnauthorized, status: "UNAUTHENTICATED",
			message: "Request had invalid authentication credentials." + credsHint, details: info(reason)}, realm + `, error="invalid_token"`}
	}
	switch {
	case !known:
		return "", invalid("ACCESS_TOKEN_TYPE_UNSUPPORTED")
	case !a.Now().Before(g.expires):
		return "", invalid("ACCESS_TOKEN_EXPIRED")
	case !slices.ContainsFunc(g.scopes, func(s string) bool { return slices.Contains(m.scopes, s) }):
		return "", &authError{&apiError{code: http.StatusForbidden, status: "PERMISSION_DENIED",
			message: "Request had insufficient authentication scopes.", details: info("ACCESS_TOKEN_SCOPE_INSUFFICIENT")},
			realm + `, error="insufficient_scope", scope="` + strings.Join(m.scopes, " ") + `"`}
	}
	return g.principal, nil
}

// serveToken is the JWT-bearer grant (RFC 7523) of Google's token
// endpoint: the assertion must be signed with the service account's key,
// addressed to this endpoint, short-lived, and ask for scopes. Refusals
// are OAuth 2 errors (RFC 6749 §5.2) with Google's descriptions.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	a := s.cfg.auth
	oauthError := func(code int, kind, desc string) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": kind, "error_description": desc})
	}
	if r.Method != http.MethodPost {
		oauthError(http.StatusMethodNotAllowed, "invalid_request", "Token requests must use POST.")
		return
	}
	if err := r.ParseForm(); err != nil {
		oauthError(http.StatusBadRequest, "invalid_request", "Malformed request body.")
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
		oauthError(http.StatusBadRequest, "unsupported_grant_type", "Invalid grant_type: "+gt)
		return
	}
	claims, desc := a.verify(r.PostForm.Get("assertion"), s.cfg.callerEmail, s.TokenURL())
	if desc != "" {
		oauthError(http.StatusBadRequest, "invalid_grant", desc)
		return
	}
	scopes := strings.Fields(claims.Scope)
	if len(scopes) == 0 {
		oauthError(http.StatusBadRequest, "invalid_scope", "Invalid OAuth scope or ID token audience provided.")
		return
	}
	if len(a.GrantScopes) > 0 {
		scopes = a.GrantScopes
	}
	token := "ya29.fake-" + randomHex(24)
	a.mu.Lock()
	a.tokens[token] = grant{principal: claims.Iss, scopes: scopes, expires: a.Now().Add(a.TokenTTL)}
	a.issued++
	a.mu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"access_token": token, "expires_in": int(a.TokenTTL / time.Second), "token_type": "Bearer",
	})
}

// jwtClaims are the claims of a service account's assertion.
type jwtClaims struct {
	Iss   string `json:"iss"`
	Scope string `json:"scope"`
	Aud   string `json:"aud"`
	Iat   int64  `json:"iat"`
	Exp   int64  `json:"exp"`
}

// verify checks an RS256 assertion and returns its claims, or Google's
// error_description for the first thing wrong with it.
func (a *authority) verify(assertion, email, aud string) (jwtClaims, string) {
	var c jwtClaims
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return c, "Invalid JWT: malformed assertion."
	}
	var header struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	hb, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	cb, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	sig, err3 := base64.RawURLEncoding.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil || json.Unmarshal(hb, &header) != nil || json.Unmarshal(cb, &c) != nil {
		return c, "Invalid JWT: malformed assertion."
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if header.Alg != "RS256" || rsa.VerifyPKCS1v15(&a.key.PublicKey, crypto.SHA256, sum[:], sig) != nil {
		return c, "Invalid JWT Signature."
	}
	if c.Iss != email {
		return c, "Invalid grant: account not found"
	}
	if c.Aud != aud {
		return c, "Invalid JWT: Failed audience check."
	}
	now := a.Now().Unix()
	if c.Iat > now+300 || c.Exp <= now || c.Exp-c.Iat > 3600 {
		return c, "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim."
	}
	return c, ""
}
