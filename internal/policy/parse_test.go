package policy

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseMinimal(t *testing.T) {
	doc, err := Parse("minimal.yaml", mustRead(t, "testdata/minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	d := doc.Decl
	if d.ID != "minimal-app" || len(d.Fields) != 2 || d.Rights.Deadline != (Period{N: 15, Unit: WorkingDays}) {
		t.Fatalf("decoded wrongly: %+v", d)
	}
	if got := doc.Pos("$.fields[1].category"); got.Line != 27 {
		t.Errorf("position of $.fields[1].category = %v, want line 27", got)
	}
}

// TestParseBadInput covers every kind of bad input: each must give an error
// at the right line with a message naming the problem, never a panic.
func TestParseBadInput(t *testing.T) {
	good := string(mustRead(t, "testdata/minimal.yaml"))
	cases := []struct {
		name     string
		edit     func(string) string
		line     int
		contains string
	}{
		{"malformed", func(s string) string { return s + "\n  - : : [\n" }, 0, ""},
		{"unknown key", func(s string) string {
			return strings.Replace(s, "version: \"1.0\"", "version: \"1.0\"\nvresion: 2", 1)
		}, 4, "unknown field"},
		{"wrong type", func(s string) string {
			return strings.Replace(s, "minimum_age: 0", "minimum_age: eighteen", 1)
		}, 106, "minimum_age"},
		{"dangling field", func(s string) string {
			return strings.Replace(s, "fields: [gps]\n    permissions", "fields: [gps, altitude]\n    permissions", 1)
		}, 47, `unknown field "altitude"`},
		{"dangling category", func(s string) string { return strings.Replace(s, "category: contact,", "category: contacts,", 1) }, 26, `unknown category "contacts"`},
		{"bad period", func(s string) string { return strings.Replace(s, "duration: 15 days", "duration: 15 fortnights", 1) }, 63, "unknown unit"},
		{"bad enum", func(s string) string { return strings.Replace(s, "consent: consent", "consent: maybe", 1) }, 36, `consent "maybe" is not allowed`},
		{"unknown permission", func(s string) string {
			return strings.Replace(s, "android.permission.ACCESS_FINE_LOCATION", "android.permission.READ_MINDS", 1)
		}, 52, "READ_MINDS"},
		{"empty", func(string) string { return "" }, 1, "exactly one YAML document"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(tc.edit(good)))
			if err == nil {
				t.Fatal("want an error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error does not wrap ErrInvalid: %v", err)
			}
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("want policy.Errors, got %T %v", err, err)
			}
			e := es[0]
			if !strings.HasPrefix(e.Error(), "x.yaml:") {
				t.Errorf("error %q does not start with the file name", e)
			}
			if tc.line != 0 && e.Pos.Line != tc.line {
				t.Errorf("line = %d, want %d (%v)", e.Pos.Line, tc.line, e)
			}
			if e.Pos.Column < 1 {
				t.Errorf("no column: %v", e)
			}
			if !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("error %q does not mention %q", err, tc.contains)
			}
		})
	}
}

func TestParsePeriod(t *testing.T) {
	for in, want := range map[string]Period{
		"15 working days": {N: 15, Unit: WorkingDays}, "1 month": {N: 1, Unit: Months}, "72 hours": {N: 72, Unit: Hours},
		"7d": {N: 7, Unit: Days}, "3 Years": {N: 3, Unit: Years}, "10 business days": {N: 10, Unit: WorkingDays}, "": {},
	} {
		got, err := ParsePeriod(in)
		if err != nil || got != want {
			t.Errorf("ParsePeriod(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"soon", "-1 days", "3 fortnights", "days"} {
		if _, err := ParsePeriod(bad); err == nil {
			t.Errorf("ParsePeriod(%q): want an error", bad)
		}
	}
}

// FuzzParse checks that no input makes Parse panic and that every error it
// returns carries a position. The seed corpus is in testdata/fuzz.
func FuzzParse(f *testing.F) {
	f.Add(mustRead(f, "testdata/minimal.yaml"))
	f.Add([]byte("schema: trustee/v1\nid: [\n"))
	f.Add([]byte("{a: *b}"))
	f.Add([]byte("- - - -"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := Parse("fuzz.yaml", data)
		if err == nil {
			return
		}
		var es Errors
		if !errors.As(err, &es) {
			t.Fatalf("error of type %T: %v", err, err)
		}
		for _, e := range es {
			if e.Pos.Line < 1 || e.Pos.Column < 1 || e.Msg == "" {
				t.Fatalf("error without position or message: %#v", e)
			}
		}
	})
}
