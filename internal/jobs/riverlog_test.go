package jobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
)

func TestStopHandlerDemotesCancellationsDuringStop(t *testing.T) {
	var buf bytes.Buffer
	var stopping atomic.Bool
	log := slog.New(stopHandler{slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}), &stopping})
	cancelErr := fmt.Errorf("insert: %w", context.Canceled)

	log.Error("running: a cancellation is an error", "error", cancelErr)
	stopping.Store(true)
	log.Error("stopping: a cancellation is not", "error", cancelErr)
	log.Error("stopping: other errors still are", "error", errors.New("disk full"))
	log.Info("stopping: info passes")

	out := buf.String()
	for _, want := range []string{"level=ERROR msg=\"running: a cancellation", "level=ERROR msg=\"stopping: other errors", "level=INFO msg=\"stopping: info"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "a cancellation is not") {
		t.Errorf("a cancellation during stop was logged at info or above:\n%s", out)
	}

	buf.Reset()
	debug := slog.New(stopHandler{slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}), &stopping})
	debug.With("component", "river").Error("stopping: demoted", "error", context.Canceled)
	if !strings.Contains(buf.String(), "level=DEBUG") || !strings.Contains(buf.String(), "component=river") {
		t.Errorf("want the demoted record at debug, with its attrs: %s", buf.String())
	}
}
