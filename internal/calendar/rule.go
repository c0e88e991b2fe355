package calendar

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/trustee-dev/trustee/internal/policy"
)

// ErrNoCalendar is returned by [Deadline] for a rule counted in working days
// when no calendar is given.
var ErrNoCalendar = errors.New("calendar: a rule in working days needs a calendar")

// Rule is one way the law counts the time allowed to answer: a period from
// an event, such as 15 working days after identity verification, or one
// month after receipt of the request. Build one with [WorkingDays],
// [GDPRMonth], [CCPAResponse] and the like, or [FromPeriod] for a period a
// declaration states. Rules are values: copy and compare them freely.
type Rule struct {
	// ID names the rule for storage and metrics, such as "working-days-15"
	// or "gdpr-12-3"; an extended rule's ends in "-extended".
	ID string
	// Period is the whole time allowed, from Start. For an extended rule it
	// includes the extension: GDPR's one month extended by two is 3 months.
	Period policy.Period
	// Start names the event that starts the clock, such as "identity
	// verification"; empty when the rule does not say.
	Start string
	// Law cites the provision that sets the rule, such as "GDPR Art.
	// 12(3)"; empty for a period a declaration states.
	Law string
	// Extension is, for a rule not yet extended, how much further it may be
	// extended with notice to the subject (zero if it may not); for an
	// extended rule, how much it was extended by.
	Extension policy.Period
	// Extended reports that the rule is an extension of a shorter one.
	Extended bool
	// business counts working days as "business days", the CCPA's word.
	business bool
}

// WorkingDays returns the rule of n working days on the calendar, such as
// the seeds' "15 working days after identity verification" (use
// [Rule.After] to name the event) or seed 004's 10 working days to delete a
// cancelled account.
func WorkingDays(n int) Rule {
	return Rule{
		ID:     "working-days-" + strconv.Itoa(n),
		Period: policy.Period{N: n, Unit: policy.WorkingDays},
	}
}

// GDPRMonth returns GDPR Art. 12(3)'s rule: information on action taken on a
// request within one month of its receipt. A month runs to the same day
// number of the next month, or to the month's last day if it has no such
// day: 31 January to 28 February (29 in a leap year).
//
// It does not move a deadline that falls on a weekend or holiday to the next
// working day, as Regulation 1182/71 Art. 3(4) would allow: the deadline it
// returns is never later than the law's.
func GDPRMonth() Rule {
	return Rule{
		ID:        "gdpr-12-3",
		Period:    policy.Period{N: 1, Unit: policy.Months},
		Start:     "receipt of the request",
		Law:       "GDPR Art. 12(3)",
		Extension: policy.Period{N: 2, Unit: policy.Months},
	}
}

// GDPRExtension returns [GDPRMonth] extended by two further months, as Art.
// 12(3) allows where necessary, telling the subject of the extension and
// its reasons within the first month: 3 months from receipt.
func GDPRExtension() Rule { return mustExtend(GDPRMonth()) }

// CCPAAcknowledge returns the CCPA regulations' rule to confirm receipt of a
// request to delete, correct or know within 10 business days (Cal. Code
// Regs. tit. 11, § 7021(a)). Count it on the US calendar.
func CCPAAcknowledge() Rule {
	return Rule{
		ID:       "ccpa-acknowledge",
		Period:   policy.Period{N: 10, Unit: policy.WorkingDays},
		Start:    "receipt of the request",
		Law:      "Cal. Code Regs. tit. 11, § 7021(a)",
		business: true,
	}
}

// CCPAResponse returns the CCPA's rule to respond within 45 calendar days of
// receipt, however long verification takes (Cal. Civ. Code §
// 1798.130(a)(2); Cal. Code Regs. tit. 11, § 7021(b)).
func CCPAResponse() Rule {
	return Rule{
		ID:        "ccpa-response",
		Period:    policy.Period{N: 45, Unit: policy.Days},
		Start:     "receipt of the request",
		Law:       "Cal. Civ. Code § 1798.130(a)(2)",
		Extension: policy.Period{N: 45, Unit: policy.Days},
	}
}

// CCPAExtension returns [CCPAResponse] extended by 45 more days, with notice
// and the reason to the consumer within the first 45: 90 days from receipt.
func CCPAExtension() Rule { return mustExtend(CCPAResponse()) }

// FromPeriod returns the rule of a period a declaration states: working days
// are counted on the calendar [Deadline] is given, every other unit by
// calendar arithmetic (a month as in [GDPRMonth]).
func FromPeriod(p policy.Period) Rule {
	if p.Unit == policy.WorkingDays {
		return WorkingDays(p.N)
	}
	id := "period-" + strings.ReplaceAll(p.String(), " ", "-")
	if p.IsZero() {
		id = "period-0"
	}
	return Rule{ID: id, Period: p}
}

// After returns the rule with the event that starts its clock named, such as
// WorkingDays(15).After("identity verification").
func (r Rule) After(event string) Rule {
	r.Start = event
	return r
}

// Extend returns the rule extended by its Extension, to be used once the
// subject has been told. It fails for a rule that may not be extended or
// was already.
func (r Rule) Extend() (Rule, error) {
	switch {
	case r.Extended:
		return Rule{}, fmt.Errorf("rule %s is already extended", r.ID)
	case r.Extension.IsZero():
		return Rule{}, fmt.Errorf("rule %s cannot be extended", r.ID)
	case r.Extension.Unit != r.Period.Unit:
		return Rule{}, fmt.Errorf("rule %s: cannot extend %s by %s", r.ID, r.Period, r.Extension)
	}
	r.ID += "-extended"
	r.Period.N += r.Extension.N
	r.Extended = true
	return r, nil
}

func mustExtend(r Rule) Rule {
	x, err := r.Extend()
	if err != nil {
		panic(err)
	}
	return x
}

// Describe returns the rule in words, naming the calendar for a count of
// working days: "15 working days after identity verification (CN calendar)",
// "3 months after receipt of the request (GDPR Art. 12(3): 1 month extended
// by 2 months, with notice to the subject)".
func (r Rule) Describe(cal *Calendar) string {
	var b strings.Builder
	b.WriteString(periodText(r.Period, r.business))
	if r.Start != "" {
		b.WriteString(" after ")
		b.WriteString(r.Start)
	}
	var notes []string
	if r.Law != "" {
		law := r.Law
		if r.Extended {
			base := r.Period
			base.N -= r.Extension.N
			law += ": " + periodText(base, r.business) + " extended by " + periodText(r.Extension, r.business) + ", with notice to the subject"
		}
		notes = append(notes, law)
	} else if r.Extended {
		notes = append(notes, "extended by "+periodText(r.Extension, r.business)+", with notice to the subject")
	}
	if r.Period.Unit == policy.WorkingDays && cal != nil {
		notes = append(notes, cal.id+" calendar")
	}
	if len(notes) > 0 {
		b.WriteString(" (" + strings.Join(notes, "; ") + ")")
	}
	return b.String()
}

func periodText(p policy.Period, business bool) string {
	if p.IsZero() {
		return "at once"
	}
	s := p.String()
	if business {
		s = strings.Replace(s, "working day", "business day", 1)
	}
	return s
}

// Due is a deadline and what produced it.
type Due struct {
	// At is the deadline: the end (23:59:59) of the last day allowed, in the
	// calendar's time zone (or the start's, when no calendar is given); for
	// a period in hours, the exact instant.
	At time.Time
	// Rule is the rule in words, as [Rule.Describe] gives it.
	Rule string
	// RuleID is the rule's ID.
	RuleID string
	// Extended reports that the rule is an extension of a shorter one.
	Extended bool
}

// Deadline applies rule to start, the instant of the event that starts the
// clock. Working days are counted on cal ([Calendar.AddWorkingDays]); days,
// weeks, months and years by the calendar, in cal's time zone when cal is
// not nil (it needs no holiday data then), ending at the end of the last
// day; hours exactly. A zero period is due at start.
//
// It fails with [ErrNoCalendar] for working days without a calendar, and
// with [ErrNotCovered] when the count reaches a year cal has no data for.
func Deadline(rule Rule, start time.Time, cal *Calendar) (Due, error) {
	due := Due{Rule: rule.Describe(cal), RuleID: rule.ID, Extended: rule.Extended}
	p := rule.Period
	if err := p.Err(); err != nil {
		return Due{}, fmt.Errorf("rule %s: %w", rule.ID, err)
	}
	if p.N < 0 {
		return Due{}, fmt.Errorf("rule %s: a negative period %d %s", rule.ID, p.N, p.Unit)
	}
	if p.IsZero() {
		due.At = start
		return due, nil
	}
	loc := start.Location()
	if cal != nil {
		loc = cal.loc
	}
	d := dayOf(start.In(loc))
	switch p.Unit {
	case policy.WorkingDays:
		if cal == nil {
			return Due{}, fmt.Errorf("rule %s: %w", rule.ID, ErrNoCalendar)
		}
		at, err := cal.AddWorkingDays(start, p.N)
		if err != nil {
			return Due{}, fmt.Errorf("rule %s: %w", rule.ID, err)
		}
		due.At = at
	case policy.Hours:
		due.At = start.Add(time.Duration(p.N) * time.Hour)
	case policy.Days:
		due.At = (d + day(p.N)).endIn(loc)
	case policy.Weeks:
		due.At = (d + day(7*p.N)).endIn(loc)
	case policy.Months:
		due.At = addMonths(d, p.N).endIn(loc)
	case policy.Years:
		due.At = addMonths(d, 12*p.N).endIn(loc)
	default:
		return Due{}, fmt.Errorf("rule %s: unknown unit %q", rule.ID, p.Unit)
	}
	return due, nil
}

// addMonths returns the day n calendar months after d: the same day number,
// or the last day of the month when it has no such day.
func addMonths(d day, n int) day {
	y, m, dd := d.date()
	months := int(m) - 1 + n
	y += months / 12
	months %= 12
	if months < 0 {
		months += 12
		y--
	}
	last := civil(y, time.Month(months)+2, 0) // day 0 of the next month
	_, _, lastDay := last.date()
	return civil(y, time.Month(months)+1, min(dd, lastDay))
}
