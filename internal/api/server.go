// Package api is trustee's HTTP interface: health, metrics, the rendered
// policies and (under /v1) the API. Errors become problem+json responses
// here and nowhere else.
package api

import (
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"golang.org/x/time/rate"

	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/policy"
)

// Options configure a [Server].
type Options struct {
	Log   *slog.Logger
	Clock clock.Clock
	// Declarations are served at /policies/{id}.
	Declarations []*policy.Declaration
	// Ready reports whether the server's dependencies answer; nil means
	// always ready.
	Ready func(r *http.Request) error
	// Keys looks API keys up; without it every /v1 operation answers 503.
	Keys KeyLookup
	// RateLimit is the sustained requests per second allowed per API key
	// (0: unlimited), with bursts of RateBurst.
	RateLimit float64
	RateBurst int
}

// Server serves trustee's HTTP interface. It is safe for concurrent use.
type Server struct {
	opts     Options
	mux      *http.ServeMux
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	refusals *prometheus.CounterVec
	policies map[string]*policy.Declaration
	rendered sync.Map // renderKey -> []byte
	api      huma.API
	limits   *limiter
	v1       *v1 // set by MountV1
	// forgetKey drops a key from the key cache MountV1 installs, if any.
	forgetKey func(id string)
}

type renderKey struct{ id, lang, format string }

// New builds a server. Declarations with the same id are an error.
func New(opts Options) (*Server, error) {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	s := &Server{opts: opts, mux: http.NewServeMux(), reg: prometheus.NewRegistry(), policies: map[string]*policy.Declaration{}}
	for _, d := range opts.Declarations {
		if _, dup := s.policies[d.ID]; dup {
			return nil, fmt.Errorf("two declarations have the id %q: give each product its own id", d.ID)
		}
		s.policies[d.ID] = d
	}
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "trustee_http_requests_total", Help: "HTTP requests by route pattern and status code.",
	}, []string{"route", "code"})
	s.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "trustee_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
		Buckets: prometheus.ExponentialBuckets(0.0001, 2.5, 12),
	}, []string{"route"})
	s.refusals = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "trustee_refusals_total", Help: "Requests refused, by reason code.",
	}, []string{"reason"})
	s.limits = &limiter{rate: rate.Limit(opts.RateLimit), burst: max(opts.RateBurst, 1), buckets: map[string]*rate.Limiter{}}
	s.reg.MustRegister(s.refusals, s.requests, s.latency, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	s.handle("GET /healthz", s.healthz)
	s.handle("GET /readyz", s.readyz)
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{Registry: s.reg}))
	s.handle("GET /policies", s.listPolicies)
	s.handle("GET /policies/{id}", s.getPolicy)
	s.api = s.newV1()
	s.handle("GET /docs/api", s.apiReference)
	return s, nil
}

// Registry returns the server's metrics registry, for other components to
// register their collectors on.
func (s *Server) Registry() *prometheus.Registry { return s.reg }

// Handler returns the server's root handler.
func (s *Server) Handler() http.Handler { return withRequestID(s.mux) }

// API returns the /v1 API, for feature packages to register operations on.
func (s *Server) API() huma.API { return s.api }

// handle registers h under pattern with metrics and an access log. Labels
// and log lines carry the route pattern, never the raw path: paths may hold
// subject ids.
func (s *Server) handle(pattern string, h http.HandlerFunc) {
	s.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := s.opts.Clock.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h(sw, r)
		elapsed := s.opts.Clock.Now().Sub(start)
		s.requests.WithLabelValues(pattern, strconv.Itoa(sw.status)).Inc()
		s.latency.WithLabelValues(pattern).Observe(elapsed.Seconds())
		s.opts.Log.LogAttrs(r.Context(), slog.LevelInfo, "http", slog.String("route", pattern),
			slog.Int("status", sw.status), slog.Duration("elapsed", elapsed.Round(time.Microsecond)))
	}))
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.opts.Ready != nil {
		if err := s.opts.Ready(r); err != nil {
			s.opts.Log.Warn("not ready", "err", err)
			writeProblem(w, Problem{Status: http.StatusServiceUnavailable, Code: "not_ready", Detail: "a dependency of trustee does not answer; see the server log"})
			return
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ready\n"))
}

type policyInfo struct {
	ID        string `json:"id"`
	Version   string `json:"version"`
	Effective string `json:"effective"`
	Name      string `json:"name"`
}

func (s *Server) listPolicies(w http.ResponseWriter, _ *http.Request) {
	out := make([]policyInfo, 0, len(s.policies))
	for _, d := range s.policies {
		out = append(out, policyInfo{ID: d.ID, Version: d.Version, Effective: d.Effective.String(), Name: d.Product.Name.EN})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getPolicy(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	d, ok := s.policies[id]
	if !ok {
		writeProblem(w, Problem{Status: http.StatusNotFound, Code: "policy_not_found", Field: "id", Detail: "no declaration with this id is served; GET /policies lists them"})
		return
	}
	lang := r.URL.Query().Get("lang")
	if lang == "" {
		lang = "en"
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "html"
	}
	if lang != "en" && lang != "zh" {
		writeProblem(w, Problem{Status: http.StatusBadRequest, Code: "invalid_parameter", Field: "lang", Detail: "lang must be en or zh"})
		return
	}
	if format != "html" && format != "md" {
		writeProblem(w, Problem{Status: http.StatusBadRequest, Code: "invalid_parameter", Field: "format", Detail: "format must be html or md"})
		return
	}
	key := renderKey{id, lang, format}
	body, ok := s.rendered.Load(key)
	if !ok {
		b, err := policy.Render(d, lang, format)
		if err != nil {
			s.opts.Log.Error("render policy", "policy", id, "err", err)
			writeProblem(w, Problem{Status: http.StatusInternalServerError, Code: "internal", Detail: "the policy could not be rendered"})
			return
		}
		body, _ = s.rendered.LoadOrStore(key, b)
	}
	if format == "html" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	} else {
		w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	}
	w.Header().Set("Content-Language", map[string]string{"en": "en", "zh": "zh-CN"}[lang])
	_, _ = w.Write(body.([]byte))
}
