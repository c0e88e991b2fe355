package api

import (
	"net/http"

	"github.com/trustee-dev/trustee/internal/drp"
)

// DRPPrefix is where the Data Rights Protocol endpoints of a tenant are
// served: /drp/{tenant}/.well-known/data-rights.json, /drp/{tenant}/v1/...
const DRPPrefix = "/drp/{tenant}"

// MountDRP serves h's Data Rights Protocol endpoints under [DRPPrefix],
// with the server's metrics and access log (labelled /drp/, never with
// the path's ids).
func (s *Server) MountDRP(h *drp.Handler) {
	inner := http.NewServeMux()
	h.Mount(inner, DRPPrefix)
	s.handle("/drp/", inner.ServeHTTP)
}
