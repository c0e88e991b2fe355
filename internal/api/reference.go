package api

import (
	"html/template"
	"net/http"
	"sort"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

var referenceTmpl = template.Must(template.New("ref").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{{.Title}} reference</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem;color:#111}
code,pre{background:#f3f3f3;padding:.1rem .3rem;border-radius:3px}h2{border-top:1px solid #ddd;padding-top:1rem}
.m{font-weight:bold;display:inline-block;min-width:4.5rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}</style></head>
<body><h1>{{.Title}} {{.Version}}</h1><p>{{.Description}}</p>
<p>The machine-readable document is <a href="/openapi.json">/openapi.json</a> (OpenAPI {{.OpenAPI}}). Authenticate with
<code>Authorization: Bearer trk_…</code>. Errors are <code>application/problem+json</code> (RFC 9457) with a stable <code>code</code>.</p>
{{range .Ops}}<h2 id="{{.ID}}"><span class="m">{{.Method}}</span> <code>{{.Path}}</code></h2>
<p><strong>{{.Summary}}</strong>{{if .Scope}} — scope <code>{{.Scope}}</code>{{end}}</p>{{if .Description}}<p>{{.Description}}</p>{{end}}
{{if .Params}}<table><tr><th scope="col">parameter</th><th scope="col">in</th><th scope="col">meaning</th></tr>
{{range .Params}}<tr><td><code>{{.Name}}</code></td><td>{{.In}}</td><td>{{.Description}}</td></tr>{{end}}</table>{{end}}
{{end}}</body></html>`))

type refOp struct {
	ID, Method, Path, Summary, Description, Scope string
	Params                                        []*huma.Param
}

// apiReference renders a readable reference of the /v1 API from its
// OpenAPI document, with no script and no CDN.
func (s *Server) apiReference(w http.ResponseWriter, _ *http.Request) {
	oa := s.api.OpenAPI()
	var ops []refOp
	for path, item := range oa.Paths {
		for method, op := range map[string]*huma.Operation{"GET": item.Get, "POST": item.Post, "PUT": item.Put, "PATCH": item.Patch, "DELETE": item.Delete} {
			if op == nil {
				continue
			}
			scope, _ := op.Metadata[metaScope].(string)
			ops = append(ops, refOp{ID: op.OperationID, Method: method, Path: path, Summary: op.Summary, Description: op.Description, Scope: scope, Params: op.Parameters})
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].Path != ops[j].Path {
			return ops[i].Path < ops[j].Path
		}
		return strings.Compare(ops[i].Method, ops[j].Method) < 0
	})
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = referenceTmpl.Execute(w, map[string]any{
		"Title": oa.Info.Title, "Version": oa.Info.Version, "Description": oa.Info.Description, "OpenAPI": oa.OpenAPI, "Ops": ops,
	})
}
