package calendar

import (
	"errors"
	"testing"
	"time"
)

func load(t testing.TB, id string) *Calendar {
	t.Helper()
	c, err := Load(id)
	if err != nil {
		t.Fatalf("Load(%q): %v", id, err)
	}
	return c
}

// at returns 10:00 on the date in the calendar's zone.
func at(c *Calendar, y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 10, 0, 0, 0, c.Location())
}

// date parses YYYY-MM-DD for readable tables.
func date(t testing.TB, s string) (int, time.Month, int) {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d.Date()
}

func TestAddWorkingDaysCN(t *testing.T) {
	cn := load(t, "CN")
	tests := []struct {
		name  string
		start string
		n     int
		want  string
	}{
		// National Day and Mid-Autumn 2025: Sat 27 Sep off, Sun 28 Sep
		// worked, 1 to 8 Oct off, Sat 11 Oct worked.
		{"national day 2025", "2025-09-26", 0, "2025-09-26"},
		{"national day 2025", "2025-09-26", 1, "2025-09-28"},
		{"national day 2025", "2025-09-26", 2, "2025-09-29"},
		{"national day 2025", "2025-09-26", 3, "2025-09-30"},
		{"national day 2025", "2025-09-26", 4, "2025-10-09"},
		{"national day 2025", "2025-09-26", 5, "2025-10-10"},
		{"national day 2025", "2025-09-26", 6, "2025-10-11"},
		{"national day 2025", "2025-09-26", 7, "2025-10-13"},
		{"national day 2025", "2025-09-26", 15, "2025-10-23"},
		{"from the adjusted sunday", "2025-09-28", 1, "2025-09-29"},
		{"from inside the holiday", "2025-10-03", 1, "2025-10-09"},
		{"from the last holiday", "2025-10-08", 3, "2025-10-11"},
		// Spring Festival 2025: Sun 26 Jan worked, 28 Jan to 4 Feb off, Sat 8 Feb worked.
		{"spring festival 2025", "2025-01-24", 1, "2025-01-26"},
		{"spring festival 2025", "2025-01-24", 2, "2025-01-27"},
		{"spring festival 2025", "2025-01-24", 3, "2025-02-05"},
		{"spring festival 2025", "2025-01-24", 6, "2025-02-08"},
		{"spring festival 2025", "2025-01-24", 7, "2025-02-10"},
		{"spring festival 2025", "2025-01-20", 15, "2025-02-14"},
		// Labour Day 2025: Sun 27 Apr worked, 1 to 5 May off.
		{"labour day 2025", "2025-04-25", 1, "2025-04-27"},
		{"labour day 2025", "2025-04-25", 5, "2025-05-06"},
		// New Year 2026: 1 to 3 Jan off, Sun 4 Jan worked; the count crosses the year.
		{"new year 2026", "2025-12-31", 1, "2026-01-04"},
		{"new year 2026", "2025-12-31", 2, "2026-01-05"},
		// Spring Festival 2026: Sat 14 Feb worked, 15 to 23 Feb off, Sat 28 Feb worked.
		{"spring festival 2026", "2026-02-13", 1, "2026-02-14"},
		{"spring festival 2026", "2026-02-13", 2, "2026-02-24"},
		{"spring festival 2026", "2026-02-13", 6, "2026-02-28"},
		{"spring festival 2026", "2026-02-13", 7, "2026-03-02"},
		{"spring festival 2026", "2026-02-12", 15, "2026-03-11"},
		// Labour Day 2026: 1 to 5 May off, Sat 9 May worked.
		{"labour day 2026", "2026-04-30", 1, "2026-05-06"},
		{"labour day 2026", "2026-04-30", 4, "2026-05-09"},
		{"labour day 2026", "2026-04-30", 5, "2026-05-11"},
		{"labour day 2026", "2026-04-28", 15, "2026-05-21"},
		// Mid-Autumn and National Day 2026: Sun 20 Sep worked, 25 to 27
		// Sep off, 1 to 7 Oct off, Sat 10 Oct worked.
		{"national day 2026", "2026-09-18", 1, "2026-09-20"},
		{"national day 2026", "2026-09-18", 6, "2026-09-28"},
		{"national day 2026", "2026-09-18", 9, "2026-10-08"},
		{"national day 2026", "2026-09-18", 11, "2026-10-10"},
		{"national day 2026", "2026-09-18", 12, "2026-10-12"},
		{"national day 2026", "2026-09-18", 15, "2026-10-15"},
	}
	for _, tt := range tests {
		y, m, d := date(t, tt.start)
		got, err := cn.AddWorkingDays(at(cn, y, m, d), tt.n)
		if err != nil {
			t.Errorf("%s: %s + %d: %v", tt.name, tt.start, tt.n, err)
			continue
		}
		wy, wm, wd := date(t, tt.want)
		want := time.Date(wy, wm, wd, 23, 59, 59, 0, cn.Location())
		if !got.Equal(want) || got.Location() != cn.Location() {
			t.Errorf("%s: %s + %d working days = %s, want %s", tt.name, tt.start, tt.n, got, want)
		}
	}
}

func TestAddWorkingDaysZone(t *testing.T) {
	cn := load(t, "CN")
	tests := []struct {
		start time.Time
		want  string
	}{
		// Friday 23:30 in Beijing is still Friday: +1 is the adjusted Sunday.
		{time.Date(2025, 9, 26, 15, 30, 0, 0, time.UTC), "2025-09-28"},
		// 17:00 UTC on Friday is 01:00 on Saturday in Beijing; +1 is still Sunday.
		{time.Date(2025, 9, 26, 17, 0, 0, 0, time.UTC), "2025-09-28"},
		// Saturday 27 Sep in Beijing, given in New York on Friday evening.
		{time.Date(2025, 9, 26, 20, 0, 0, 0, mustZone(t, "America/New_York")), "2025-09-28"},
		// Thursday 25 Sep 15:59 UTC is 23:59 in Beijing: +1 is Friday.
		{time.Date(2025, 9, 25, 15, 59, 0, 0, time.UTC), "2025-09-26"},
	}
	for _, tt := range tests {
		got, err := cn.AddWorkingDays(tt.start, 1)
		if err != nil {
			t.Fatal(err)
		}
		if s := got.Format(time.DateTime); s != tt.want+" 23:59:59" {
			t.Errorf("AddWorkingDays(%s, 1) = %s, want %s 23:59:59 in Asia/Shanghai", tt.start, s, tt.want)
		}
	}
}

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestIsWorkingDayCN(t *testing.T) {
	cn := load(t, "CN")
	tests := []struct {
		date string
		want bool
	}{
		{"2025-01-01", false}, // 元旦, a Wednesday
		{"2025-01-26", true},  // Sunday, adjusted working day
		{"2025-02-04", false}, // last day of Spring Festival, a Tuesday
		{"2025-02-08", true},  // Saturday, adjusted working day
		{"2025-02-09", false}, // an ordinary Sunday
		{"2025-04-27", true},
		{"2025-06-02", false}, // 端午节, a Monday
		{"2025-09-27", false},
		{"2025-09-28", true},
		{"2025-10-08", false}, // a Wednesday, the 8th day of the merged holiday
		{"2025-10-11", true},
		{"2025-10-12", false},
		{"2025-10-13", true},
		{"2026-01-02", false}, // a Friday
		{"2026-01-04", true},
		{"2026-02-14", true},
		{"2026-02-23", false}, // a Monday, 正月初七
		{"2026-02-28", true},
		{"2026-05-09", true},
		{"2026-09-20", true},
		{"2026-09-25", false},
		{"2026-10-10", true},
	}
	for _, tt := range tests {
		y, m, d := date(t, tt.date)
		if got := cn.IsWorkingDay(at(cn, y, m, d)); got != tt.want {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.date, got, tt.want)
		}
	}
}

func TestNotCovered(t *testing.T) {
	cn := load(t, "CN")
	sh := cn.Location()
	tests := []struct {
		name  string
		start time.Time
		n     int
		year  int
	}{
		{"start in 2024", time.Date(2024, 12, 20, 10, 0, 0, 0, sh), 1, 2024},
		{"reaching into 2027", time.Date(2026, 12, 25, 10, 0, 0, 0, sh), 15, 2027},
		{"wholly in 2027", time.Date(2027, 3, 1, 10, 0, 0, 0, sh), 1, 2027},
	}
	for _, tt := range tests {
		_, err := cn.AddWorkingDays(tt.start, tt.n)
		if !errors.Is(err, ErrNotCovered) {
			t.Errorf("%s: err = %v, want ErrNotCovered", tt.name, err)
			continue
		}
		var nc *NotCoveredError
		if !errors.As(err, &nc) || nc.Calendar != "CN" || nc.Year != tt.year || nc.First != 2025 || nc.Last != 2026 {
			t.Errorf("%s: err = %#v, want calendar CN, year %d, covering 2025 to 2026", tt.name, nc, tt.year)
		}
		if want := "calendar CN has no holiday data for " + itoa(tt.year) + " (it covers 2025 to 2026)"; err.Error()[:len(want)] != want {
			t.Errorf("%s: message %q, want it to start %q", tt.name, err, want)
		}
	}
	// The last day of 2024 needs no 2024 data when the count starts there.
	if _, err := cn.AddWorkingDays(time.Date(2024, 12, 31, 10, 0, 0, 0, sh), 1); err != nil {
		t.Errorf("2024-12-31 + 1: %v", err)
	}
	if _, err := cn.WorkingDaysBetween(time.Date(2026, 12, 1, 0, 0, 0, 0, sh), time.Date(2027, 1, 5, 0, 0, 0, 0, sh)); !errors.Is(err, ErrNotCovered) {
		t.Errorf("WorkingDaysBetween into 2027: err = %v, want ErrNotCovered", err)
	}
	covers := []struct {
		t    time.Time
		want bool
	}{
		{time.Date(2024, 12, 31, 12, 0, 0, 0, sh), false},
		{time.Date(2024, 12, 31, 16, 0, 0, 0, time.UTC), true}, // already 1 January 2025 in Beijing
		{time.Date(2026, 12, 31, 23, 0, 0, 0, sh), true},
		{time.Date(2027, 1, 1, 0, 0, 0, 0, sh), false},
	}
	for _, c := range covers {
		if got := cn.Covers(c.t); got != c.want {
			t.Errorf("Covers(%s) = %v, want %v", c.t, got, c.want)
		}
	}
	eu := load(t, "EU")
	if !eu.Covers(time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)) || !eu.Covers(time.Date(2150, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Error("EU, which lists no holidays, should cover every year")
	}
}

func itoa(n int) string { return time.Date(n, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006") }

func TestAddWorkingDaysBadCount(t *testing.T) {
	eu := load(t, "EU")
	for _, n := range []int{-1, MaxWorkingDays + 1} {
		if _, err := eu.AddWorkingDays(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), n); err == nil {
			t.Errorf("AddWorkingDays(_, %d) succeeded", n)
		}
	}
	if _, err := eu.AddWorkingDays(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), MaxWorkingDays); err != nil {
		t.Errorf("AddWorkingDays(_, MaxWorkingDays): %v", err)
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	cn := load(t, "CN")
	tests := []struct {
		a, b string
		want int
	}{
		{"2025-09-26", "2025-09-26", 0},
		{"2025-09-26", "2025-09-27", 0},
		{"2025-09-26", "2025-09-28", 1},
		{"2025-09-26", "2025-10-08", 3},
		{"2025-09-26", "2025-10-11", 6},
		{"2025-09-26", "2025-10-12", 6},
		{"2025-09-26", "2025-10-23", 15},
		{"2025-10-23", "2025-09-26", -15},
		// 2025: 261 weekdays, less 18 holidays on weekdays, plus 5 adjusted
		// working days. 1 January, the first day, is a holiday anyway.
		{"2025-01-01", "2025-12-31", 248},
		{"2024-12-31", "2025-12-31", 248},
		// 2026: 261 weekdays, less 19 holidays on weekdays, plus 6.
		{"2025-12-31", "2026-12-31", 248},
	}
	for _, tt := range tests {
		ay, am, ad := date(t, tt.a)
		by, bm, bd := date(t, tt.b)
		got, err := cn.WorkingDaysBetween(at(cn, ay, am, ad), at(cn, by, bm, bd))
		if err != nil {
			t.Errorf("WorkingDaysBetween(%s, %s): %v", tt.a, tt.b, err)
			continue
		}
		if got != tt.want {
			t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// checkInverse checks that AddWorkingDays undoes WorkingDaysBetween: with
// k >= 1 working days after the day of a up to the day of b, a + k working
// days is the end of the last working day on or before b; with k = 0 there
// is no working day in between.
func checkInverse(t *testing.T, c *Calendar, a, b time.Time) {
	t.Helper()
	k, err := c.WorkingDaysBetween(a, b)
	if err != nil {
		t.Fatalf("WorkingDaysBetween(%s, %s): %v", a, b, err)
	}
	last := dayOf(b.In(c.loc))
	for last > dayOf(a.In(c.loc)) && !c.working(last) {
		last--
	}
	if k == 0 {
		if last != dayOf(a.In(c.loc)) {
			t.Fatalf("WorkingDaysBetween(%s, %s) = 0, but %s is a working day between them", a, b, last)
		}
		return
	}
	got, err := c.AddWorkingDays(a, k)
	if err != nil {
		t.Fatalf("AddWorkingDays(%s, %d): %v", a, k, err)
	}
	if want := last.endIn(c.loc); !got.Equal(want) {
		t.Fatalf("AddWorkingDays(%s, WorkingDaysBetween(_, %s) = %d) = %s, want %s", a, b, k, got, want)
	}
	back, err := c.WorkingDaysBetween(b, a)
	if err != nil || back != -k {
		t.Fatalf("WorkingDaysBetween(%s, %s) = %d, %v; want %d", b, a, back, err, -k)
	}
}

// TestInverseExhaustive runs checkInverse over every start day of 2025 and
// 2026 and every span up to 40 days that stays in them.
func TestInverseExhaustive(t *testing.T) {
	for _, id := range []string{"CN", "US", "GB"} {
		c := load(t, id)
		lo, hi := civil(2025, time.January, 1), civil(2026, time.December, 31)
		for a := lo; a <= hi; a++ {
			for span := day(0); span <= 40 && a+span <= hi; span++ {
				checkInverse(t, c, (a).endIn(c.loc).Add(-13*time.Hour), (a + span).endIn(c.loc).Add(-5*time.Hour))
			}
		}
	}
}

func FuzzInverse(f *testing.F) {
	f.Add(uint16(268), uint16(27), uint8(10)) // 2025-09-26 and a month on
	f.Add(uint16(23), uint16(30), uint8(0))   // Spring Festival 2025
	f.Add(uint16(410), uint16(20), uint8(23))
	cn, err := Load("CN")
	if err != nil {
		f.Fatal(err)
	}
	lo, hi := civil(2025, time.January, 1), civil(2026, time.December, 31)
	f.Fuzz(func(t *testing.T, start, span uint16, hour uint8) {
		a := lo + day(start)%(hi-lo+1)
		b := a + day(span)%(hi-a+1)
		h := time.Duration(hour%24) * time.Hour
		ta := (a - 1).endIn(cn.loc).Add(time.Second + h)
		tb := (b - 1).endIn(cn.loc).Add(time.Second + h)
		checkInverse(t, cn, ta, tb)
	})
}

func TestUS(t *testing.T) {
	us := load(t, "US")
	off := []string{
		// 2025's federal holidays.
		"2025-01-01", "2025-01-20", "2025-02-17", "2025-05-26", "2025-06-19", "2025-07-04",
		"2025-09-01", "2025-10-13", "2025-11-11", "2025-11-27", "2025-12-25",
		// 2026: Independence Day falls on a Saturday and is observed on Friday 3 July.
		"2026-07-03", "2026-07-04",
		// New Year's Day 2022, a Saturday, was observed on Friday 31 December 2021.
		"2021-12-31",
	}
	for _, s := range off {
		y, m, d := date(t, s)
		if us.IsWorkingDay(at(us, y, m, d)) {
			t.Errorf("US: %s should be a day off", s)
		}
	}
	for _, s := range []string{"2025-11-28", "2026-07-06", "2025-12-24"} {
		y, m, d := date(t, s)
		if !us.IsWorkingDay(at(us, y, m, d)) {
			t.Errorf("US: %s should be a business day", s)
		}
	}
	if n, err := us.WorkingDaysBetween(at(us, 2024, 12, 31), at(us, 2025, 12, 31)); err != nil || n != 250 {
		t.Errorf("US business days in 2025 = %d, %v; want 261 weekdays less 11 holidays = 250", n, err)
	}
}

func TestGB(t *testing.T) {
	gb := load(t, "GB")
	for _, s := range []string{
		"2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25", "2025-12-25", "2025-12-26",
		"2022-09-19", // the State Funeral of Queen Elizabeth II, from GB.cal
		"2023-05-08", // the Coronation, from the library
	} {
		y, m, d := date(t, s)
		if gb.IsWorkingDay(at(gb, y, m, d)) {
			t.Errorf("GB: %s should be a bank holiday", s)
		}
	}
}

func TestMerge(t *testing.T) {
	cn := load(t, "CN")
	acme, err := Parse("acme", []byte("name Acme company days off\nholiday 2025-10-09..2025-10-10 company trip\nworkday 2025-10-08 inventory\n"))
	if err != nil {
		t.Fatal(err)
	}
	m := cn.Merge(acme)
	if m.ID() != "CN+acme" {
		t.Errorf("ID = %q", m.ID())
	}
	// Sep 28, 29, 30 are working days; Oct 8 is worked at Acme; Oct 9 and
	// 10 are Acme's days off; Sat Oct 11 is the official adjusted day.
	got, err := m.AddWorkingDays(at(cn, 2025, 9, 26), 5)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2025, 10, 11, 23, 59, 59, 0, cn.Location()); !got.Equal(want) {
		t.Errorf("merged +5 = %s, want %s", got, want)
	}
	// The original calendars do not change.
	if got, _ := cn.AddWorkingDays(at(cn, 2025, 9, 26), 5); got.Day() != 10 {
		t.Errorf("CN changed by Merge: +5 = %s", got)
	}
	// Coverage is what both cover.
	if first, last, ok := m.Years(); !ok || first != 2025 || last != 2026 {
		t.Errorf("merged years = %d..%d, %v", first, last, ok)
	}
	y25, err := Parse("acme25", []byte("years 2025\nholiday 2025-12-31\n"))
	if err != nil {
		t.Fatal(err)
	}
	m = cn.Merge(y25)
	if m.Covers(at(cn, 2026, 3, 1)) || !m.Covers(at(cn, 2025, 3, 1)) {
		t.Error("a merge should cover only the years both calendars cover")
	}
	if _, err := m.AddWorkingDays(at(cn, 2025, 12, 30), 1); !errors.Is(err, ErrNotCovered) {
		t.Errorf("merged +1 into 2026: err = %v, want ErrNotCovered", err)
	}
	none, _ := Parse("x", []byte("years 2030\n"))
	if m := cn.Merge(none); m.Covers(at(cn, 2025, 1, 1)) || m.Covers(at(cn, 2030, 1, 1)) {
		t.Error("a merge of calendars with no common year should cover nothing")
	}
}

func TestWithLocation(t *testing.T) {
	us := load(t, "US")
	la := mustZone(t, "America/Los_Angeles")
	pac := us.WithLocation(la)
	got, err := pac.AddWorkingDays(time.Date(2025, 9, 5, 22, 0, 0, 0, la), 1) // Friday night in California
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2025, 9, 8, 23, 59, 59, 0, la); !got.Equal(want) {
		t.Errorf("Pacific +1 = %s, want %s", got, want)
	}
	if us.Location().String() != "America/New_York" {
		t.Errorf("WithLocation changed the original: %s", us.Location())
	}
}

func TestLoad(t *testing.T) {
	for _, id := range []string{"CN", "cn", "US", "GB", "EU"} {
		c := load(t, id)
		if c2 := load(t, id); c2 != c {
			t.Errorf("Load(%q) parsed twice", id)
		}
	}
	if _, err := Load("XX"); !errors.Is(err, ErrUnknownCalendar) {
		t.Errorf("Load(XX): err = %v, want ErrUnknownCalendar", err)
	}
}

// TestBuiltinsSound checks every built-in calendar: adjusted working days
// fall on the weekend (otherwise they adjust nothing), and holidays never
// on an adjusted working day (the parser already refuses that).
func TestBuiltinsSound(t *testing.T) {
	for _, id := range IDs() {
		c := load(t, id)
		for d, e := range c.days {
			if e.work && !c.weekend[d.weekday()] {
				t.Errorf("%s: adjusted working day %s is a %s, not a weekend day", id, d, d.weekday())
			}
			if !c.covers(d) {
				t.Errorf("%s: %s is outside the covered years", id, d)
			}
		}
	}
}

func BenchmarkAddWorkingDays(b *testing.B) {
	cn := load(b, "CN")
	start := at(cn, 2025, 9, 26)
	for b.Loop() {
		if _, err := cn.AddWorkingDays(start, 15); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWorkingDaysBetween(b *testing.B) {
	cn := load(b, "CN")
	a, z := at(cn, 2025, 1, 1), at(cn, 2025, 12, 31)
	for b.Loop() {
		if _, err := cn.WorkingDaysBetween(a, z); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/365, "ns/day")
}
