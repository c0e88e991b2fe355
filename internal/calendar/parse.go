package calendar

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits on a calendar file.
const (
	MaxFileSize = 1 << 20 // bytes
	minYear     = 1900
	maxYear     = 2199
	maxRange    = 366 // days in one holiday range
)

// ParseError reports what is wrong in a calendar file, and where.
type ParseError struct {
	Calendar string // the calendar's id
	Line     int    // 1-based; 0 when the fault is the whole file's
	Msg      string
}

func (e *ParseError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("calendar %s: %s", e.Calendar, e.Msg)
	}
	return fmt.Sprintf("calendar %s, line %d: %s", e.Calendar, e.Line, e.Msg)
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Parse reads a tenant's calendar in the calendar file format (see the
// package documentation, and the built-in files under data/). It is strict:
// an unknown directive, a bad date, a date outside the years line, a day
// listed twice, or a day listed both as a holiday and as a working day is a
// [*ParseError] naming the line and the date. The built-in ids (CN, US, ...)
// are reserved; to add days to a built-in calendar, parse the additions under
// an id of their own and [Calendar.Merge] them.
func Parse(id string, data []byte) (*Calendar, error) {
	if !idPattern.MatchString(id) {
		return nil, &ParseError{Calendar: strconv.Quote(id), Msg: "a calendar id is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"}
	}
	if _, ok := builtin[strings.ToUpper(id)]; ok {
		return nil, &ParseError{Calendar: id, Msg: fmt.Sprintf("the id %s is a built-in calendar's; choose another, and Merge it over %s to add days to it", id, strings.ToUpper(id))}
	}
	return parse(id, data)
}

// parse reads a calendar file under any id.
func parse(id string, data []byte) (*Calendar, error) {
	p := &parser{c: &Calendar{id: id, name: id, loc: time.UTC, days: map[day]entry{}}, seen: map[string]int{}}
	p.c.weekend[time.Saturday], p.c.weekend[time.Sunday] = true, true
	if err := p.file(data); err != nil {
		return nil, err
	}
	return p.c, nil
}

type parser struct {
	c       *Calendar
	seen    map[string]int // directive -> line, for the ones allowed once
	library string
	libLine int
}

func (p *parser) errf(line int, format string, args ...any) error {
	return &ParseError{Calendar: p.c.id, Line: line, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) file(data []byte) error {
	if len(data) > MaxFileSize {
		return p.errf(0, "the file is %d bytes; the limit is %d", len(data), MaxFileSize)
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), MaxFileSize+1)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if !utf8.ValidString(text) {
			return p.errf(line, "the line is not valid UTF-8")
		}
		text = strings.TrimSpace(text)
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if err := p.directive(line, text); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return p.errf(line+1, "%v", err)
	}
	return p.finish()
}

var singleDirectives = []string{"name", "zone", "weekend", "years", "library"}

func (p *parser) directive(line int, text string) error {
	word, rest := cutField(text)
	if slices.Contains(singleDirectives, word) {
		if prev, ok := p.seen[word]; ok {
			return p.errf(line, "a second %s line (the first is line %d)", word, prev)
		}
		p.seen[word] = line
		if rest == "" {
			return p.errf(line, "%s needs a value", word)
		}
	}
	switch word {
	case "name":
		p.c.name = rest
	case "zone":
		loc, err := time.LoadLocation(rest)
		if err != nil || rest == "Local" {
			return p.errf(line, "unknown time zone %q (use an IANA name such as Asia/Shanghai)", rest)
		}
		p.c.loc = loc
	case "weekend":
		return p.weekend(line, rest)
	case "years":
		return p.years(line, rest)
	case "library":
		if _, ok := libraries[rest]; !ok {
			return p.errf(line, "unknown library %q (known: %s)", rest, strings.Join(Libraries(), ", "))
		}
		p.library, p.libLine = rest, line
	case "holiday", "workday":
		return p.entry(line, word == "workday", rest)
	default:
		return p.errf(line, "unknown directive %q (use name, zone, weekend, years, library, holiday or workday)", word)
	}
	return nil
}

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

func (p *parser) weekend(line int, rest string) error {
	p.c.weekend = [7]bool{}
	if rest == "none" {
		return nil
	}
	n := 0
	for _, f := range strings.Fields(strings.ToLower(rest)) {
		w, ok := weekdays[f]
		if !ok && len(f) > 3 {
			w, ok = weekdays[f[:3]]
			ok = ok && strings.EqualFold(f, time.Weekday(w).String())
		}
		if !ok {
			return p.errf(line, "weekend: %q is not a day of the week (use mon, tue, wed, thu, fri, sat, sun)", f)
		}
		if p.c.weekend[w] {
			return p.errf(line, "weekend: %s is listed twice", w)
		}
		p.c.weekend[w] = true
		n++
	}
	if n == 7 {
		return p.errf(line, "weekend: a week with no working day")
	}
	return nil
}

func (p *parser) years(line int, rest string) error {
	a, b, isRange := strings.Cut(rest, "-")
	first, err1 := strconv.Atoi(strings.TrimSpace(a))
	last, err2 := first, error(nil)
	if isRange {
		last, err2 = strconv.Atoi(strings.TrimSpace(b))
	}
	if err1 != nil || err2 != nil {
		return p.errf(line, "years %q: want a year or a range of years, such as 2025 or 2025-2026", rest)
	}
	if first < minYear || last > maxYear || first > last {
		return p.errf(line, "years %q: want years from %d to %d, the first not after the last", rest, minYear, maxYear)
	}
	c := p.c
	c.bounded, c.first, c.last = true, first, last
	c.lo, c.hi = civil(first, time.January, 1), civil(last, time.December, 31)
	return nil
}

func (p *parser) date(line int, s string) (day, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, p.errf(line, "%q is not a date (want YYYY-MM-DD, such as 2025-10-01)", s)
	}
	if y := t.Year(); y < minYear || y > maxYear {
		return 0, p.errf(line, "%s: want a date in the years %d to %d", s, minYear, maxYear)
	}
	return dayOf(t), nil
}

func (p *parser) entry(line int, work bool, rest string) error {
	kind := "holiday"
	if work {
		kind = "workday"
	}
	spec, name := cutField(rest)
	if spec == "" {
		return p.errf(line, "%s needs a date, such as %s 2025-10-01", kind, kind)
	}
	from, to, isRange := strings.Cut(spec, "..")
	a, err := p.date(line, from)
	if err != nil {
		return err
	}
	b := a
	if isRange {
		if work {
			return p.errf(line, "workday %s: list adjusted working days one a line, not as a range", spec)
		}
		if b, err = p.date(line, to); err != nil {
			return err
		}
		if b < a {
			return p.errf(line, "holiday %s: the range ends before it starts", spec)
		}
		if b-a >= maxRange {
			return p.errf(line, "holiday %s: a range longer than %d days", spec, maxRange)
		}
	}
	for d := a; d <= b; d++ {
		if prev, ok := p.c.days[d]; ok {
			if prev.work != work {
				return p.errf(line, "%s is both a holiday and an adjusted working day (line %d and line %d)", d, prev.line, line)
			}
			return p.errf(line, "%s is listed twice (line %d and line %d)", d, prev.line, line)
		}
		p.c.days[d] = entry{work: work, name: name, line: line}
	}
	return nil
}

// cutField splits s at its first run of white space.
func cutField(s string) (first, rest string) {
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

// finish checks what needs the whole file and adds a library's holidays.
func (p *parser) finish() error {
	c := p.c
	if c.bounded {
		// Report the first line that lists a day outside the years.
		var bad day
		line := 0
		for d, e := range c.days {
			if !c.covers(d) && (line == 0 || e.line < line || e.line == line && d < bad) {
				bad, line = d, e.line
			}
		}
		if line != 0 {
			return p.errf(line, "%s is outside the years the calendar covers (%s, line %d)", bad, yearRange(c.first, c.last), p.seen["years"])
		}
	}
	if p.library != "" {
		if !c.bounded {
			return p.errf(p.libLine, "library %s needs a years line: the years to compute its holidays for", p.library)
		}
		// A holiday observed on another day can move into the year before
		// (New Year's Day on a Saturday is observed on 31 December): compute
		// one year more and keep the covered days.
		for y := c.first; y <= c.last+1; y++ {
			for _, h := range libraries[p.library](y) {
				d := civil(h.year, h.month, h.day)
				if !c.covers(d) {
					continue
				}
				if _, listed := c.days[d]; listed {
					continue // the file's own line says more
				}
				c.days[d] = entry{name: h.name}
			}
		}
	}
	return nil
}
