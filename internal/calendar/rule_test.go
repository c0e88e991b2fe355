package calendar

import (
	"errors"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/internal/policy"
)

func TestDeadline(t *testing.T) {
	cn := load(t, "CN")
	us := load(t, "US")
	sh := cn.Location()
	ny := us.Location()
	paris := mustZone(t, "Europe/Paris")
	tests := []struct {
		name  string
		rule  Rule
		start time.Time
		cal   *Calendar
		want  time.Time
		desc  string
	}{
		{
			"seeds: 15 working days after verification, across National Day",
			WorkingDays(15).After("identity verification"), time.Date(2025, 9, 26, 16, 20, 0, 0, sh), cn,
			time.Date(2025, 10, 23, 23, 59, 59, 0, sh), "15 working days after identity verification (CN calendar)",
		},
		{
			"seed 004: 10 working days to delete a cancelled account",
			WorkingDays(10).After("the end of the cooling-off period"), time.Date(2026, 2, 12, 9, 0, 0, 0, sh), cn,
			time.Date(2026, 3, 4, 23, 59, 59, 0, sh), "10 working days after the end of the cooling-off period (CN calendar)",
		},
		{
			"GDPR: same day of the next month",
			GDPRMonth(), time.Date(2025, 3, 5, 11, 0, 0, 0, paris), nil,
			time.Date(2025, 4, 5, 23, 59, 59, 0, paris), "1 month after receipt of the request (GDPR Art. 12(3))",
		},
		{
			"GDPR: 31 January to the end of February",
			GDPRMonth(), time.Date(2025, 1, 31, 11, 0, 0, 0, paris), nil,
			time.Date(2025, 2, 28, 23, 59, 59, 0, paris), "1 month after receipt of the request (GDPR Art. 12(3))",
		},
		{
			"GDPR: 31 January in a leap year",
			GDPRMonth(), time.Date(2028, 1, 31, 11, 0, 0, 0, paris), nil,
			time.Date(2028, 2, 29, 23, 59, 59, 0, paris), "1 month after receipt of the request (GDPR Art. 12(3))",
		},
		{
			"GDPR: 31 March to 30 April",
			GDPRMonth(), time.Date(2025, 3, 31, 11, 0, 0, 0, paris), nil,
			time.Date(2025, 4, 30, 23, 59, 59, 0, paris), "1 month after receipt of the request (GDPR Art. 12(3))",
		},
		{
			"GDPR: across the year",
			GDPRMonth(), time.Date(2025, 12, 31, 11, 0, 0, 0, paris), nil,
			time.Date(2026, 1, 31, 23, 59, 59, 0, paris), "1 month after receipt of the request (GDPR Art. 12(3))",
		},
		{
			"GDPR in a calendar's zone needs no holiday data (2030 in CN)",
			GDPRMonth(), time.Date(2030, 1, 30, 20, 0, 0, 0, time.UTC), cn, // 31 January in Beijing
			time.Date(2030, 2, 28, 23, 59, 59, 0, sh), "1 month after receipt of the request (GDPR Art. 12(3))",
		},
		{
			"GDPR extended: three months from receipt, not two from the first deadline",
			GDPRExtension(), time.Date(2025, 1, 31, 11, 0, 0, 0, paris), nil,
			time.Date(2025, 4, 30, 23, 59, 59, 0, paris),
			"3 months after receipt of the request (GDPR Art. 12(3): 1 month extended by 2 months, with notice to the subject)",
		},
		{
			"GDPR extended across the year into a February",
			GDPRExtension(), time.Date(2025, 11, 30, 11, 0, 0, 0, paris), nil,
			time.Date(2026, 2, 28, 23, 59, 59, 0, paris),
			"3 months after receipt of the request (GDPR Art. 12(3): 1 month extended by 2 months, with notice to the subject)",
		},
		{
			"CCPA: acknowledge in 10 business days, over Thanksgiving",
			CCPAAcknowledge(), time.Date(2025, 11, 21, 15, 0, 0, 0, ny), us,
			time.Date(2025, 12, 8, 23, 59, 59, 0, ny),
			"10 business days after receipt of the request (Cal. Code Regs. tit. 11, § 7021(a); US calendar)",
		},
		{
			"CCPA: answer in 45 days",
			CCPAResponse(), time.Date(2025, 1, 1, 9, 0, 0, 0, ny), us,
			time.Date(2025, 2, 15, 23, 59, 59, 0, ny), "45 days after receipt of the request (Cal. Civ. Code § 1798.130(a)(2))",
		},
		{
			"CCPA: extended by 45 more, 90 in all",
			CCPAExtension(), time.Date(2025, 1, 1, 9, 0, 0, 0, ny), us,
			time.Date(2025, 4, 1, 23, 59, 59, 0, ny),
			"90 days after receipt of the request (Cal. Civ. Code § 1798.130(a)(2): 45 days extended by 45 days, with notice to the subject)",
		},
		{
			"declared hours are exact",
			FromPeriod(policy.Period{N: 72, Unit: policy.Hours}), time.Date(2025, 9, 26, 16, 20, 0, 0, sh), cn,
			time.Date(2025, 9, 29, 16, 20, 0, 0, sh), "72 hours",
		},
		{
			"declared days",
			FromPeriod(policy.Period{N: 7, Unit: policy.Days}).After("receipt"), time.Date(2025, 9, 26, 16, 20, 0, 0, sh), cn,
			time.Date(2025, 10, 3, 23, 59, 59, 0, sh), "7 days after receipt",
		},
		{
			"declared weeks",
			FromPeriod(policy.Period{N: 2, Unit: policy.Weeks}), time.Date(2025, 9, 26, 16, 20, 0, 0, sh), nil,
			time.Date(2025, 10, 10, 23, 59, 59, 0, sh), "2 weeks",
		},
		{
			"declared years from 29 February",
			FromPeriod(policy.Period{N: 1, Unit: policy.Years}), time.Date(2028, 2, 29, 10, 0, 0, 0, sh), cn,
			time.Date(2029, 2, 28, 23, 59, 59, 0, sh), "1 year",
		},
		{
			"declared working days use the calendar",
			FromPeriod(policy.Period{N: 6, Unit: policy.WorkingDays}), time.Date(2025, 9, 26, 16, 20, 0, 0, sh), cn,
			time.Date(2025, 10, 11, 23, 59, 59, 0, sh), "6 working days (CN calendar)",
		},
		{
			"a zero period is due at once",
			FromPeriod(policy.Period{}), time.Date(2025, 9, 26, 16, 20, 0, 0, sh), cn,
			time.Date(2025, 9, 26, 16, 20, 0, 0, sh), "at once",
		},
	}
	for _, tt := range tests {
		due, err := Deadline(tt.rule, tt.start, tt.cal)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !due.At.Equal(tt.want) || due.At.Location().String() != tt.want.Location().String() {
			t.Errorf("%s: At = %s, want %s", tt.name, due.At, tt.want)
		}
		if due.Rule != tt.desc {
			t.Errorf("%s: Rule = %q, want %q", tt.name, due.Rule, tt.desc)
		}
		if due.RuleID != tt.rule.ID || due.Extended != tt.rule.Extended {
			t.Errorf("%s: RuleID %q Extended %v", tt.name, due.RuleID, due.Extended)
		}
	}
}

func TestDeadlineErrors(t *testing.T) {
	cn := load(t, "CN")
	start := time.Date(2025, 9, 26, 10, 0, 0, 0, cn.Location())
	if _, err := Deadline(WorkingDays(15), start, nil); !errors.Is(err, ErrNoCalendar) {
		t.Errorf("working days without a calendar: %v", err)
	}
	if _, err := Deadline(WorkingDays(15), time.Date(2026, 12, 20, 10, 0, 0, 0, cn.Location()), cn); !errors.Is(err, ErrNotCovered) {
		t.Errorf("into 2027: %v", err)
	}
	var bad policy.Period
	if err := bad.UnmarshalText([]byte("15 fortnights")); err != nil {
		t.Fatal(err)
	}
	if _, err := Deadline(FromPeriod(bad), start, cn); err == nil {
		t.Error("a period that did not parse gave a deadline")
	}
	if _, err := Deadline(Rule{ID: "neg", Period: policy.Period{N: -1, Unit: policy.Days}}, start, cn); err == nil {
		t.Error("a negative period gave a deadline")
	}
	if _, err := Deadline(Rule{ID: "odd", Period: policy.Period{N: 1, Unit: "fortnights"}}, start, cn); err == nil {
		t.Error("an unknown unit gave a deadline")
	}
}

func TestExtend(t *testing.T) {
	x, err := GDPRMonth().Extend()
	if err != nil || x != GDPRExtension() || x.ID != "gdpr-12-3-extended" || !x.Extended {
		t.Errorf("GDPRMonth().Extend() = %+v, %v", x, err)
	}
	if _, err := x.Extend(); err == nil {
		t.Error("extended twice")
	}
	if _, err := WorkingDays(15).Extend(); err == nil {
		t.Error("extended a rule with no extension")
	}
	if _, err := CCPAAcknowledge().Extend(); err == nil {
		t.Error("extended the CCPA acknowledgement")
	}
	if r := FromPeriod(policy.Period{N: 15, Unit: policy.WorkingDays}); r != WorkingDays(15) {
		t.Errorf("FromPeriod(15 working days) = %+v", r)
	}
	if id := FromPeriod(policy.Period{N: 1, Unit: policy.Months}).ID; id != "period-1-month" {
		t.Errorf("FromPeriod(1 month).ID = %q", id)
	}
}

func TestAddMonths(t *testing.T) {
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2025-01-31", 1, "2025-02-28"},
		{"2028-01-31", 1, "2028-02-29"},
		{"2025-01-31", 3, "2025-04-30"},
		{"2025-08-31", 6, "2026-02-28"},
		{"2025-12-15", 1, "2026-01-15"},
		{"2025-12-31", 12, "2026-12-31"},
		{"2025-03-31", -1, "2025-02-28"},
		{"2025-01-15", -1, "2024-12-15"},
		{"2025-01-15", -13, "2023-12-15"},
		{"2028-02-29", 12, "2029-02-28"},
	}
	for _, tt := range tests {
		if got := addMonths(dayOf(mustDate(t, tt.from)), tt.n).String(); got != tt.want {
			t.Errorf("addMonths(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
		}
	}
}

func BenchmarkDeadline(b *testing.B) {
	cn := load(b, "CN")
	rule := WorkingDays(15).After("identity verification")
	start := at(cn, 2025, 9, 26)
	for b.Loop() {
		if _, err := Deadline(rule, start, cn); err != nil {
			b.Fatal(err)
		}
	}
}
