package policy

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestRenderMessages checks the catalog: every message in both languages,
// with the same format verbs, and every enumerated value of the model
// labelled.
func TestRenderMessages(t *testing.T) {
	verb := regexp.MustCompile(`%(?:\[(\d+)\])?([sd])`)
	verbs := func(s string) map[int]string {
		out, next := map[int]string{}, 1
		for _, m := range verb.FindAllStringSubmatch(s, -1) {
			i := next
			if m[1] != "" {
				fmt.Sscan(m[1], &i)
			}
			out[i] = m[2]
			next = i + 1
		}
		return out
	}
	v := reflect.ValueOf(renderMsg)
	for i := 0; i < v.NumField(); i++ {
		name := v.Type().Field(i).Name
		switch m := v.Field(i).Interface().(type) {
		case Text:
			if m.EN == "" || m.ZH == "" {
				t.Errorf("%s: missing a language: %+v", name, m)
			}
			if ve, vz := verbs(m.EN), verbs(m.ZH); !reflect.DeepEqual(ve, vz) {
				t.Errorf("%s: verbs differ: en %v, zh %v", name, ve, vz)
			}
		case map[string]Text:
			for k, l := range m {
				if l.EN == "" || l.ZH == "" {
					t.Errorf("%s[%s]: missing a language: %+v", name, k, l)
				}
			}
		default:
			t.Errorf("%s: unexpected type %T", name, m)
		}
	}

	// Each enumeration of the model, from its jsonschema tag, must have a
	// label for every value.
	for _, tc := range []struct {
		labels map[string]Text
		typ    any
		field  string
	}{
		{renderMsg.LawNames, Declaration{}, "Laws"},
		{renderMsg.ProductKinds, Product{}, "Kind"},
		{renderMsg.PlatformNames, Product{}, "Platforms"},
		{renderMsg.FunctionKinds, Function{}, "Kind"},
		{renderMsg.Sources, Field{}, "Source"},
		{renderMsg.ConsentKinds, Purpose{}, "Consent"},
		{renderMsg.CookieKinds, Cookie{}, "Kind"},
		{renderMsg.CookieCategories, Cookie{}, "Category"},
		{renderMsg.ADKinds, AutomatedDecision{}, "Kind"},
		{renderMsg.RecipientKinds, Recipient{}, "Kind"},
		{renderMsg.RecipientRoles, Recipient{}, "Role"},
		{renderMsg.RecipientConsent, Recipient{}, "Consent"},
		{renderMsg.Mechanisms, Transfer{}, "Mechanism"},
		{renderMsg.TransferConsent, Transfer{}, "Consent"},
		{renderMsg.Triggers, RetentionRule{}, "Trigger"},
		{renderMsg.Strategies, AnonymizeStep{}, "Strategy"},
		{renderMsg.RetentionExcs, RetentionRule{}, "Exceptions"},
		{renderMsg.NotifySubjects, IncidentPolicy{}, "NotifySubjects"},
		{renderMsg.ChannelKinds, Channel{}, "Kind"},
		{renderMsg.ChannelKinds, Contact{}, "Kind"},
		{renderMsg.VerificationKinds, Rights{}, "Verification"},
		{renderMsg.DiscoveryAction, Minors{}, "OnDiscovery"},
		{renderMsg.ChangeNotify, ChangePolicy{}, "Notify"},
	} {
		f, ok := reflect.TypeOf(tc.typ).FieldByName(tc.field)
		if !ok {
			t.Fatalf("%T has no field %s", tc.typ, tc.field)
		}
		var values []string
		for _, part := range strings.Split(f.Tag.Get("jsonschema"), ",") {
			if v, ok := strings.CutPrefix(part, "enum="); ok {
				values = append(values, v)
			}
		}
		if len(values) == 0 {
			t.Errorf("%T.%s has no enumeration", tc.typ, tc.field)
		}
		for _, v := range values {
			if _, ok := tc.labels[v]; !ok && v != "none" && v != "first_party" {
				t.Errorf("%T.%s: no label for %q", tc.typ, tc.field, v)
			}
		}
	}
}

func TestMarkdownEscaping(t *testing.T) {
	for in, want := range map[string]string{
		"ACCESS_NETWORK_STATE": "ACCESS_NETWORK_STATE",
		"_x_":                  `\_x\_`,
		"a * b":                `a \* b`,
		"a | b":                `a \| b`,
		"<b>":                  "&lt;b>",
		"Q&A":                  "Q&A",
		"&amp;":                "&amp;amp;",
		"$5":                   `\$5`,
		"设置 > 隐私":              "设置 > 隐私",
	} {
		if got := rmdInline(in); got != want {
			t.Errorf("rmdInline(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"# x": `\# x`, "> x": `\> x`, "- x": `\- x`, "+ x": `\+ x`, "12. x": `12\. x`, "3) x": `3\) x`, "2025 x": "2025 x",
	} {
		if got := rmdLineStart(in); got != want {
			t.Errorf("rmdLineStart(%q) = %q, want %q", in, got, want)
		}
	}
	if got := rmdHeading("C#"); got != `C\#` {
		t.Errorf("rmdHeading = %q", got)
	}
	if got := rmdCode("a`b|c", true); got != "``a`b\\|c``" {
		t.Errorf("rmdCode = %q", got)
	}
}

func TestRenderTextJoining(t *testing.T) {
	for in, want := range map[string]string{
		"第一行\n第二行":           "第一行第二行",
		"line one\nline two": "line one line two",
		"  a   b  ":          "a b",
		"中文\nEnglish":        "中文 English",
	} {
		if got := rOneLine(in); got != want {
			t.Errorf("rOneLine(%q) = %q, want %q", in, got, want)
		}
	}
	if got := rParagraphs("a\nb\n\n\nc\n"); !slices.Equal(got, []string{"a b", "c"}) {
		t.Errorf("rParagraphs = %q", got)
	}
	b := newViewBuilder(&Declaration{}, "en")
	if got := b.sentences("No stop", "Done.", "", "Last"); got != "No stop. Done. Last" {
		t.Errorf("sentences = %q", got)
	}
	b.lang = "zh"
	if got := b.sentences("没有句号", "有句号。", "（括号。）", "最后"); got != "没有句号。有句号。（括号。）最后" {
		t.Errorf("sentences = %q", got)
	}
}

func TestChineseNumber(t *testing.T) {
	for in, want := range map[string]string{
		"1": "一", "10": "十", "13": "十三", "20": "二十", "28": "二十八", "99": "九十九", "0": "0", "100": "100", "13(2)": "13(2)",
	} {
		if got := rChineseNumber(in); got != want {
			t.Errorf("rChineseNumber(%q) = %q, want %q", in, got, want)
		}
	}
}
