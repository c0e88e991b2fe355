package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"golang.org/x/time/rate"
)

// APIError is the error every /v1 operation returns: an RFC 9457 problem
// with a stable machine code. Its text is written for the client; internal
// error text never goes into it.
type APIError struct {
	Type   string `json:"type,omitempty" doc:"A URI naming the problem type."`
	Title  string `json:"title" doc:"A short summary of the problem type."`
	Status int    `json:"status" doc:"The HTTP status code."`
	Code   string `json:"code" doc:"A stable machine-readable code, such as invalid_input or consent_missing."`
	Detail string `json:"detail,omitempty" doc:"What is wrong, naming the field at fault, and how to fix it."`
	// Field is the input at fault, such as body.records[3].field.
	Field string `json:"field,omitempty" doc:"The input at fault, such as body.records[3].field."`
	// Rule is the declaration rule or law that refused a request.
	Rule   string         `json:"rule,omitempty" doc:"The rule or article that refused the request."`
	Errors []*ErrorDetail `json:"errors,omitempty" doc:"Every problem found in the input."`
}

// ErrorDetail is one problem in the input.
type ErrorDetail struct {
	Location string `json:"location,omitempty" doc:"Where the problem is, such as body.purpose."`
	Message  string `json:"message" doc:"What is wrong."`
}

// Error implements error.
func (e *APIError) Error() string { return e.Code + ": " + e.Detail }

// GetStatus implements huma.StatusError.
func (e *APIError) GetStatus() int { return e.Status }

// ContentType implements huma.ContentTypeFilter: problems are
// application/problem+json.
func (e *APIError) ContentType(string) string { return "application/problem+json" }

// Problemf returns an APIError.
func Problemf(status int, code, field, detail string) *APIError {
	return &APIError{Type: "https://trustee.dev/problems/" + code, Title: http.StatusText(status), Status: status, Code: code, Field: field, Detail: detail}
}

// codeFor gives huma's own errors (validation, body too large...) a stable
// code.
func codeFor(status int) string {
	switch status {
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return "invalid_input"
	case http.StatusRequestEntityTooLarge:
		return "body_too_large"
	case http.StatusUnauthorized:
		return "unauthenticated"
	case http.StatusForbidden:
		return "forbidden"
	case http.StatusNotFound:
		return "not_found"
	case http.StatusTooManyRequests:
		return "rate_limited"
	case http.StatusUnsupportedMediaType:
		return "unsupported_media_type"
	}
	if status >= 500 {
		return "internal"
	}
	return "error"
}

func init() {
	huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
		e := Problemf(status, codeFor(status), "", msg)
		if status >= 500 {
			// Never pass internal error text to a client.
			e.Detail = "an internal error occurred; the server log has the request id"
			return e
		}
		for _, err := range errs {
			if err == nil {
				continue
			}
			var ed *huma.ErrorDetail
			if errors.As(err, &ed) {
				loc, msg := ed.Location, ed.Message
				// Name the missing property itself, not its parent.
				if prop, ok := strings.CutPrefix(msg, "expected required property "); ok {
					if prop, ok = strings.CutSuffix(prop, " to be present"); ok && loc != "" {
						loc, msg = loc+"."+prop, "required"
					}
				}
				e.Errors = append(e.Errors, &ErrorDetail{Location: loc, Message: msg})
				continue
			}
			e.Errors = append(e.Errors, &ErrorDetail{Message: err.Error()})
		}
		if len(e.Errors) > 0 && e.Errors[0].Location != "" {
			e.Field = e.Errors[0].Location
			e.Detail = e.Errors[0].Location + ": " + e.Errors[0].Message
		}
		return e
	}
}

// maxBody bounds a request body: a batch of 10,000 small records fits.
const maxBody = 8 << 20

type requestIDKey struct{}

// RequestID returns the request id of a request context.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// withRequestID gives every request an id (X-Request-Id, kept when the
// client sends a well-formed one) for logs and problem reports.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if len(id) == 0 || len(id) > 64 || strings.ContainsFunc(id, func(c rune) bool {
			return !(c == '-' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')
		}) {
			var b [12]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

// limiter hands out one token bucket per API key.
type limiter struct {
	mu      sync.Mutex
	rate    rate.Limit
	burst   int
	buckets map[string]*rate.Limiter
}

func (l *limiter) allow(key string) bool {
	if l == nil || l.rate <= 0 {
		return true
	}
	l.mu.Lock()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) > 100_000 {
			clear(l.buckets) // bounded memory; buckets refill anyway
		}
		b = rate.NewLimiter(l.rate, l.burst)
		l.buckets[key] = b
	}
	l.mu.Unlock()
	return b.Allow()
}

const metaScope = "trustee-scope"

// principalSlot keys where observe learns who called, for its log line.
type principalSlot struct{}

// newV1 builds the /v1 API on mux: OpenAPI 3.1 at /openapi.json, the
// reference page at /docs/api, authentication and scopes on every
// operation registered with [Server.register].
func (s *Server) newV1() huma.API {
	cfg := huma.DefaultConfig("trustee API", "1.0.0")
	cfg.Info.Description = "Keep a privacy policy's promises: tenants, declarations, consent, decisions, collection."
	cfg.DocsPath = "" // served by apiReference, without a CDN
	cfg.SchemasPath = "/v1/schemas"
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"apiKey": {Type: "http", Scheme: "bearer", Description: "An API key, trk_<id>_<secret>, created with `trustee keys create` or POST /v1/tenants/{tenant}/keys."},
	}
	api := humago.New(s.mux, cfg)
	api.UseMiddleware(s.observe, s.authMiddleware(api))
	return api
}

// observe measures /v1 operations and writes their access log, as
// [Server.handle] does for the other routes: labels and log lines carry
// the route pattern and the status, never the raw path, a query or a body,
// which may hold subject ids or values.
func (s *Server) observe(ctx huma.Context, next func(huma.Context)) {
	start := s.opts.Clock.Now()
	who := new(Principal) // filled in by authMiddleware
	next(huma.WithValue(ctx, principalSlot{}, who))
	op := ctx.Operation()
	route := op.Method + " " + op.Path
	status := ctx.Status()
	if status == 0 {
		status = http.StatusOK
	}
	elapsed := s.opts.Clock.Now().Sub(start)
	s.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	s.latency.WithLabelValues(route).Observe(elapsed.Seconds())
	attrs := []slog.Attr{slog.String("route", route), slog.Int("status", status),
		slog.Duration("elapsed", elapsed.Round(time.Microsecond)), slog.String("request_id", RequestID(ctx.Context()))}
	if who.KeyID != "" {
		attrs = append(attrs, slog.String("key", who.KeyID))
	}
	s.opts.Log.LogAttrs(ctx.Context(), slog.LevelInfo, "http", attrs...)
}

// register adds an operation that requires scope (empty: authenticated
// only). Operations with a {tenant} path parameter are only open to keys of
// that tenant, or to operator keys.
func register[I, O any](s *Server, op huma.Operation, scope string, h func(context.Context, *I) (*O, error)) {
	if op.Metadata == nil {
		op.Metadata = map[string]any{}
	}
	op.Metadata[metaScope] = scope
	op.Security = []map[string][]string{{"apiKey": {}}}
	if op.MaxBodyBytes == 0 {
		op.MaxBodyBytes = maxBody
	}
	op.Errors = append(op.Errors, http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests)
	huma.Register(s.api, op, h)
}

func (s *Server) authMiddleware(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		op := ctx.Operation()
		scope, guarded := op.Metadata[metaScope].(string)
		if !guarded {
			next(ctx)
			return
		}
		fail := func(e *APIError) { _ = huma.WriteErr(api, ctx, e.Status, e.Detail, e) }
		if s.opts.Keys == nil {
			fail(Problemf(http.StatusServiceUnavailable, "not_ready", "", "this server has no key store"))
			return
		}
		token, ok := strings.CutPrefix(ctx.Header("Authorization"), "Bearer ")
		if !ok {
			fail(Problemf(http.StatusUnauthorized, "unauthenticated", "header.Authorization", "send Authorization: Bearer <API key>"))
			return
		}
		p, err := Authenticate(ctx.Context(), s.opts.Keys, strings.TrimSpace(token))
		if err != nil {
			fail(Problemf(http.StatusUnauthorized, "unauthenticated", "header.Authorization", "the API key is not valid"))
			return
		}
		if !s.limits.allow(p.KeyID) {
			s.refusals.WithLabelValues("rate_limited").Inc()
			fail(Problemf(http.StatusTooManyRequests, "rate_limited", "", "too many requests for this API key; retry later"))
			return
		}
		if scope != "" && !p.Has(scope) {
			fail(Problemf(http.StatusForbidden, "forbidden", "", "this API key lacks the "+scope+" scope"))
			return
		}
		if t := ctx.Param("tenant"); t != "" && !p.Operator() && t != p.Tenant {
			// Do not reveal whether another tenant exists.
			fail(Problemf(http.StatusNotFound, "not_found", "path.tenant", "no such tenant for this API key"))
			return
		}
		if who, ok := ctx.Context().Value(principalSlot{}).(*Principal); ok {
			*who = p
		}
		next(huma.WithValue(ctx, principalKey{}, p))
	}
}
