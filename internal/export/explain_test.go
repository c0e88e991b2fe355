package export_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/trustee-dev/trustee/internal/export"
	"github.com/trustee-dev/trustee/internal/policy"
)

func TestExplain(t *testing.T) {
	d := decl(t)
	fields := []string{"username", "ip_address", "legacy_note"}
	tests := []struct {
		lang        string
		fields      []string
		contains    []string
		notContains []string
	}{
		{"en", fields,
			[]string{
				"# How we process your personal information", "3 kinds of personal information", "`legacy_note`",
				// Functions, fields and purposes of username and ip_address.
				"Account registration", "Personalized username", "IP address", "Real-time audio chat",
				"Service provision and operation", "PIPL Art. 13(2)",
				// Recipients of those fields, and not of others.
				"Zego", "Shumei", "Cloud service providers", "Advertising and attribution service providers",
				// Automated decisions on ip_address, with the way to refuse.
				"contacts@sopi.chat",
				// Retention, rights, contact.
				"<a id=\"retention\"></a>", "<a id=\"rights\"></a>", "<a id=\"contact\"></a>",
			},
			[]string{"| Hyphenate |", "Photos captured", "Chat records with AI", "<a id=\"cookies\"></a>", "<a id=\"security\"></a>", "<a id=\"minors\"></a>", "Privacy Policy of"},
		},
		{"zh", fields,
			[]string{"# 我们如何处理您的个人信息", "3 项个人信息", "`legacy_note`", "个性化用户名", "IP 地址", "实时语音聊天", "云服务提供商", "数美", "《个人信息保护法》"},
			[]string{"| Hyphenate |", "拍摄或选择上传的照片", "<a id=\"cookies\"></a>"},
		},
		{"en", nil,
			[]string{"| Hyphenate |", "Photos captured", "Chat records with AI", "Zego", "Advertising and marketing"},
			[]string{"no longer lists"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+strings.Join(tt.fields, ","), func(t *testing.T) {
			md, err := export.Explain(d, tt.lang, tt.fields)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tt.contains {
				if !strings.Contains(md, s) {
					t.Errorf("lacks %q", s)
				}
			}
			for _, s := range tt.notContains {
				if strings.Contains(md, s) {
					t.Errorf("holds %q", s)
				}
			}
			if t.Failed() {
				t.Logf("output:\n%s", md)
			}
		})
	}
	// Sections are numbered from 1 without gaps.
	md, _ := export.Explain(d, "en", fields)
	for i, h := range []string{"## 1. ", "## 2. ", "## 3. "} {
		if !strings.Contains(md, h) {
			t.Errorf("section %d not numbered %q:\n%s", i+1, h, md)
		}
	}
	// The declaration is not changed by narrowing it.
	again, _ := export.Explain(d, "en", nil)
	full, err := policy.Render(d, "en", "md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(full), "Hyphenate") || !strings.Contains(again, "Hyphenate") {
		t.Error("declaration changed by Explain")
	}
}

func TestExplainErrors(t *testing.T) {
	d := decl(t)
	if _, err := export.Explain(d, "fr", nil); !errors.Is(err, policy.ErrUnsupported) {
		t.Errorf("lang fr: %v", err)
	}
	if _, err := export.Explain(nil, "en", nil); err == nil {
		t.Error("nil declaration: no error")
	}
	_, err := export.Explain(d, "en", []string{"username", "`](javascript:x)"})
	if err == nil || !strings.Contains(err.Error(), "fields[1]") {
		t.Errorf("bad field name: %v", err)
	}
}

// TestExplainNoFields: a subject with no declared field held still learns
// its rights and whom to contact.
func TestExplainNoFields(t *testing.T) {
	md, err := export.Explain(decl(t), "en", []string{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"0 kinds", "<a id=\"rights\"></a>", "<a id=\"contact\"></a>"} {
		if !strings.Contains(md, s) {
			t.Errorf("lacks %q:\n%s", s, md)
		}
	}
	if strings.Contains(md, "Zego") {
		t.Errorf("names a recipient of no field held:\n%s", md)
	}
}
