package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Client calls one trustee server with one API key. It is safe for
// concurrent use.
type Client struct {
	base      string // without a trailing slash
	auth      string // "Bearer <token>"; never printed
	hc        *http.Client
	userAgent string
}

// Option configures a [Client].
type Option func(*Client)

// WithHTTPClient makes the client send its requests through hc (for
// timeouts, proxies, TLS settings or tests). The default is an
// http.Client whose transport keeps up to 256 idle connections to the
// server, so many goroutines can share one Client without reconnecting.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) {
		if hc != nil {
			c.hc = hc
		}
	}
}

// WithUserAgent sets the User-Agent header of every request.
func WithUserAgent(ua string) Option {
	return func(c *Client) { c.userAgent = ua }
}

// defaultHTTPClient is shared by clients made without WithHTTPClient, so
// that they share connections too.
var defaultHTTPClient = func() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 256
	t.MaxIdleConnsPerHost = 256
	return &http.Client{Transport: t}
}()

// New returns a client of the server at baseURL (such as
// "http://127.0.0.1:8080") that authenticates with token, an API key
// trk_<id>_<secret>.
func New(baseURL, token string, opts ...Option) *Client {
	c := &Client{
		base:      strings.TrimRight(baseURL, "/"),
		auth:      "Bearer " + token,
		hc:        defaultHTTPClient,
		userAgent: "trustee-go-client/1",
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// String describes the client without its API key.
func (c *Client) String() string { return "trustee client of " + c.base }

// GoString is String: %#v must not print the API key either.
func (c *Client) GoString() string { return c.String() }

// CallOption adjusts one call: [WithGPC].
type CallOption func(*callOptions)

type callOptions struct {
	gpc bool
}

// WithGPC sends Sec-GPC: 1 with the call: the subject's Global Privacy
// Control opts them out of the sale and sharing of their personal
// information, so purposes that sell or share are refused with
// [ReasonGPCOptOut]. The server records the signal as a withdrawal
// (channel gpc) of every such purpose, so the opt-out lasts. It applies
// to the calls about one subject: [Client.PutSubject], [Client.Consent],
// [Client.ListConsents], [Client.SetPermissions], [Client.AddGuardian],
// [Client.Decide], [Client.Collect] and [Client.Records]; the other calls
// ignore it.
func WithGPC() CallOption {
	return func(o *callOptions) { o.gpc = true }
}

// call is one API request. route is the route pattern, used in errors
// instead of the path, which may hold ids.
type call struct {
	method string
	route  string
	path   string
	query  url.Values
	body   any
	out    any
	want   int // the success status
	opts   []CallOption
}

// do sends a request and decodes its answer into cl.out. A status other
// than cl.want is returned as a *Problem.
func (c *Client) do(ctx context.Context, cl call) error {
	u := c.base + cl.path
	if len(cl.query) > 0 {
		u += "?" + cl.query.Encode()
	}
	var body io.Reader
	if cl.body != nil {
		b, err := json.Marshal(cl.body)
		if err != nil {
			return fmt.Errorf("trustee: %s: encode request: %w", cl.route, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, u, body)
	if err != nil {
		return fmt.Errorf("trustee: %s: %w", cl.route, err)
	}
	req.Header.Set("Authorization", c.auth)
	req.Header.Set("Accept", "application/json, application/problem+json")
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	if cl.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	var o callOptions
	for _, opt := range cl.opts {
		opt(&o)
	}
	if o.gpc {
		req.Header.Set("Sec-GPC", "1")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		// net/http's errors name the URL; keep only the route.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("trustee: %s: %w", cl.route, err)
	}
	defer func() {
		// Drain so the connection goes back to the pool.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
	}()
	if resp.StatusCode != cl.want {
		return readProblem(cl.route, resp)
	}
	if cl.out == nil {
		return nil
	}
	if raw, ok := cl.out.(*[]byte); ok {
		// A download: the body as it is.
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return fmt.Errorf("trustee: %s: read response: %w", cl.route, err)
		}
		*raw = b
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(cl.out); err != nil {
		return fmt.Errorf("trustee: %s: decode response: %w", cl.route, err)
	}
	return nil
}

// seg escapes one path segment.
func seg(s string) string { return url.PathEscape(s) }
