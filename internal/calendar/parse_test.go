package calendar

import (
	"errors"
	"strings"
	"testing"
	"time"
)

const acmeFile = `# Acme's company calendar
name Acme Shanghai office
zone Asia/Shanghai
weekend sat sun
years 2025-2026

holiday 2025-12-24..2025-12-26 Year-end break
	holiday	2026-03-08	Women's Day afternoon, taken whole
workday 2025-12-27 Make-up day
`

func TestParse(t *testing.T) {
	c, err := Parse("acme", []byte(acmeFile))
	if err != nil {
		t.Fatal(err)
	}
	if c.ID() != "acme" || c.Name() != "Acme Shanghai office" || c.Location().String() != "Asia/Shanghai" {
		t.Errorf("parsed %q %q %s", c.ID(), c.Name(), c.Location())
	}
	if first, last, ok := c.Years(); !ok || first != 2025 || last != 2026 {
		t.Errorf("Years() = %d, %d, %v", first, last, ok)
	}
	for _, tt := range []struct {
		date string
		want bool
	}{
		{"2025-12-23", true}, {"2025-12-24", false}, {"2025-12-26", false},
		{"2025-12-27", true}, {"2025-12-28", false}, {"2026-03-08", false}, {"2026-03-09", true},
	} {
		y, m, d := date(t, tt.date)
		if got := c.IsWorkingDay(at(c, y, m, d)); got != tt.want {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.date, got, tt.want)
		}
	}
	if e := c.days[dayOf(mustDate(t, "2026-03-08"))]; e.name != "Women's Day afternoon, taken whole" || e.line != 8 {
		t.Errorf("2026-03-08: %+v", e)
	}

	// Defaults: UTC, Saturday and Sunday off, every year; CRLF and a BOM are fine.
	c, err = Parse("plain", []byte("\uFEFFholiday 2031-05-01\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Location() != time.UTC || !c.Covers(time.Date(2150, 1, 1, 0, 0, 0, 0, time.UTC)) || c.IsWorkingDay(time.Date(2031, 5, 1, 12, 0, 0, 0, time.UTC)) {
		t.Error("defaults wrong")
	}
	// Another weekend: Friday and Saturday.
	c, err = Parse("gulf", []byte("weekend Friday sat\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.IsWorkingDay(time.Date(2025, 9, 26, 12, 0, 0, 0, time.UTC)) || !c.IsWorkingDay(time.Date(2025, 9, 28, 12, 0, 0, 0, time.UTC)) {
		t.Error("weekend fri sat: Friday should be off and Sunday worked")
	}
	c, err = Parse("always", []byte("weekend none\n"))
	if err != nil || !c.IsWorkingDay(time.Date(2025, 9, 27, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("weekend none: %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		id   string
		file string
		line int
		want string // in the message
	}{
		{"unknown directive", "t", "name x\nholliday 2025-01-01\n", 2, `unknown directive "holliday"`},
		{"not a date", "t", "holiday 2025-02-30 nope\n", 1, `"2025-02-30" is not a date`},
		{"not a date in a range", "t", "\n\nholiday 2025-02-01..2025-13-01\n", 3, `"2025-13-01" is not a date`},
		{"no date", "t", "workday\n", 1, "workday needs a date"},
		{"reversed range", "t", "holiday 2025-10-08..2025-10-01\n", 1, "2025-10-08..2025-10-01: the range ends before it starts"},
		{"long range", "t", "holiday 2025-01-01..2026-06-01\n", 1, "longer than 366 days"},
		{"workday range", "t", "workday 2025-09-27..2025-09-28\n", 1, "one a line"},
		{"duplicate holiday", "t", "holiday 2025-10-01\nholiday 2025-10-01 again\n", 2, "2025-10-01 is listed twice (line 1 and line 2)"},
		{"overlapping ranges", "t", "holiday 2025-10-01..2025-10-08\nholiday 2025-10-06..2025-10-10\n", 2, "2025-10-06 is listed twice (line 1 and line 2)"},
		{"duplicate workday", "t", "workday 2025-09-28\nworkday 2025-09-28\n", 2, "2025-09-28 is listed twice"},
		{"holiday and workday", "t", "holiday 2025-10-01..2025-10-08\nworkday 2025-10-04\n", 2, "2025-10-04 is both a holiday and an adjusted working day (line 1 and line 2)"},
		{"workday and holiday", "t", "workday 2025-10-11\n\nholiday 2025-10-11\n", 3, "2025-10-11 is both a holiday and an adjusted working day (line 1 and line 3)"},
		{"outside years", "t", "years 2025\nholiday 2025-12-31\nholiday 2026-01-01\n", 3, "2026-01-01 is outside the years the calendar covers (2025, line 1)"},
		{"outside years, years last", "t", "holiday 2024-12-31\nyears 2025-2026\n", 1, "2024-12-31 is outside"},
		{"year too early", "t", "holiday 1899-12-31\n", 1, "want a date in the years 1900 to 2199"},
		{"second zone", "t", "zone UTC\nzone Asia/Shanghai\n", 2, "a second zone line (the first is line 1)"},
		{"unknown zone", "t", "zone Mars/Olympus\n", 1, `unknown time zone "Mars/Olympus"`},
		{"local zone", "t", "zone Local\n", 1, `unknown time zone "Local"`},
		{"empty name", "t", "name\n", 1, "name needs a value"},
		{"bad weekday", "t", "weekend sat sonntag\n", 1, `"sonntag" is not a day of the week`},
		{"weekday twice", "t", "weekend sat sun saturday\n", 1, "Saturday is listed twice"},
		{"whole week off", "t", "weekend mon tue wed thu fri sat sun\n", 1, "a week with no working day"},
		{"bad years", "t", "years 2025-x\n", 1, `years "2025-x"`},
		{"reversed years", "t", "years 2026-2025\n", 1, "the first not after the last"},
		{"years out of bounds", "t", "years 2025-9999\n", 1, "want years from 1900 to 2199"},
		{"library without years", "t", "library us-federal\n", 1, "needs a years line"},
		{"unknown library", "t", "years 2025\nlibrary xx\n", 2, `unknown library "xx" (known: gb-england-wales, us-federal)`},
		{"not UTF-8", "t", "name ok\nname \xff\n", 2, "not valid UTF-8"},
		{"built-in id", "CN", "holiday 2025-01-01\n", 0, "the id CN is a built-in calendar's"},
		{"built-in id, lower case", "us", "", 0, "built-in"},
		{"bad id", "a b", "", 0, "a calendar id is"},
		{"merged id", "CN+x", "", 0, "a calendar id is"},
		{"too big", "t", strings.Repeat("# padding\n", MaxFileSize/10+1), 0, "the limit is"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.id, []byte(tt.file))
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%s: err = %v, want a *ParseError", tt.name, err)
			continue
		}
		if pe.Line != tt.line || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %q (line %d), want line %d and %q", tt.name, err, pe.Line, tt.line, tt.want)
		}
	}
}

func TestParseLibraryOverlap(t *testing.T) {
	// A file's own line for a day the library also computes wins, and is
	// not a duplicate.
	c, err := Parse("usx", []byte("years 2025\nlibrary us-federal\nholiday 2025-07-04 Fourth of July\nholiday 2025-07-03 Company day\n"))
	if err != nil {
		t.Fatal(err)
	}
	if e := c.days[civil(2025, time.July, 4)]; e.name != "Fourth of July" {
		t.Errorf("2025-07-04: %+v", e)
	}
	// New Year's Day 2028 is a Saturday, observed on 31 December 2027: a
	// calendar covering 2027 computes it from 2028's rules.
	c, err = Parse("us27", []byte("years 2027\nlibrary us-federal\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.IsWorkingDay(time.Date(2027, 12, 31, 12, 0, 0, 0, time.UTC)) {
		t.Error("2027-12-31 (observed New Year's Day 2028) should be off")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(acmeFile))
	for _, id := range IDs() {
		data, err := dataFS.ReadFile("data/" + id + ".cal")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("holiday 2025-10-01..2025-10-08\nworkday 2025-10-04\n"))
	f.Add([]byte("weekend mon tue wed thu fri sat\nyears 2025\nholiday 2025-01-01..2025-12-31\n"))
	f.Add([]byte("zone \x00\nyears 1900-2199\n"))
	start := time.Date(2025, 9, 26, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz", data)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			return
		}
		// A calendar that parsed counts without trouble: either a deadline
		// on or after the start, or ErrNotCovered.
		for _, n := range []int{0, 1, 15} {
			due, err := c.AddWorkingDays(start, n)
			if err != nil {
				if !errors.Is(err, ErrNotCovered) {
					t.Fatalf("AddWorkingDays(%d): %v", n, err)
				}
				continue
			}
			if due.Before(start) && n > 0 {
				t.Fatalf("AddWorkingDays(%d) = %s, before the start", n, due)
			}
			k, err := c.WorkingDaysBetween(start, due)
			if err != nil || k != n {
				t.Fatalf("WorkingDaysBetween(start, AddWorkingDays(start, %d)) = %d, %v", n, k, err)
			}
		}
	})
}
