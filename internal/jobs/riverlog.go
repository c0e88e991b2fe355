package jobs

import (
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
)

// stopHandler passes River's records to the runner's logger, but demotes
// to debug the errors River's services log when the runner's own Stop
// cancels what they were doing ("context canceled" while a periodic job
// was being inserted, say): those are part of a clean stop, not failures.
type stopHandler struct {
	inner    slog.Handler
	stopping *atomic.Bool
}

var _ slog.Handler = stopHandler{}

func (h stopHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.inner.Enabled(ctx, l) || (l >= slog.LevelError && h.inner.Enabled(ctx, slog.LevelDebug))
}

func (h stopHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelError && h.stopping.Load() && cancelled(r) {
		r.Level = slog.LevelDebug
	}
	if !h.inner.Enabled(ctx, r.Level) {
		return nil
	}
	return h.inner.Handle(ctx, r)
}

func (h stopHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return stopHandler{h.inner.WithAttrs(as), h.stopping}
}

func (h stopHandler) WithGroup(name string) slog.Handler {
	return stopHandler{h.inner.WithGroup(name), h.stopping}
}

// cancelled reports whether r's error attribute is a cancelled context.
func cancelled(r slog.Record) bool {
	found := false
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "error" || a.Key == "err" {
			s := a.Value.String()
			found = strings.Contains(s, context.Canceled.Error())
			return false
		}
		return true
	})
	return found
}
