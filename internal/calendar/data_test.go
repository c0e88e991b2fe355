package calendar

import (
	"testing"
	"time"
)

// TestCNMatchesNotices checks data/CN.cal against the State Council General
// Office's notices, item by item: each holiday's first and last day with the
// weekday the notice prints beside it, its length (共N天), and each adjusted
// working day with its weekday. The days of each year are then exactly
// these: no more, no fewer.
func TestCNMatchesNotices(t *testing.T) {
	type span struct {
		from, to         string
		fromWday, toWday time.Weekday
		days             int
	}
	type work struct {
		date string
		wday time.Weekday
	}
	notices := []struct {
		title    string
		holidays []span
		workdays []work
	}{
		{
			title: "国务院办公厅关于2025年部分节假日安排的通知",
			holidays: []span{
				{"2025-01-01", "2025-01-01", time.Wednesday, time.Wednesday, 1}, // 元旦
				{"2025-01-28", "2025-02-04", time.Tuesday, time.Tuesday, 8},     // 春节
				{"2025-04-04", "2025-04-06", time.Friday, time.Sunday, 3},       // 清明节
				{"2025-05-01", "2025-05-05", time.Thursday, time.Monday, 5},     // 劳动节
				{"2025-05-31", "2025-06-02", time.Saturday, time.Monday, 3},     // 端午节
				{"2025-10-01", "2025-10-08", time.Wednesday, time.Wednesday, 8}, // 国庆节、中秋节
			},
			workdays: []work{
				{"2025-01-26", time.Sunday}, {"2025-02-08", time.Saturday},
				{"2025-04-27", time.Sunday},
				{"2025-09-28", time.Sunday}, {"2025-10-11", time.Saturday},
			},
		},
		{
			title: "国务院办公厅关于2026年部分节假日安排的通知",
			holidays: []span{
				{"2026-01-01", "2026-01-03", time.Thursday, time.Saturday, 3},  // 元旦
				{"2026-02-15", "2026-02-23", time.Sunday, time.Monday, 9},      // 春节
				{"2026-04-04", "2026-04-06", time.Saturday, time.Monday, 3},    // 清明节
				{"2026-05-01", "2026-05-05", time.Friday, time.Tuesday, 5},     // 劳动节
				{"2026-06-19", "2026-06-21", time.Friday, time.Sunday, 3},      // 端午节
				{"2026-09-25", "2026-09-27", time.Friday, time.Sunday, 3},      // 中秋节
				{"2026-10-01", "2026-10-07", time.Thursday, time.Wednesday, 7}, // 国庆节
			},
			workdays: []work{
				{"2026-01-04", time.Sunday},
				{"2026-02-14", time.Saturday}, {"2026-02-28", time.Saturday},
				{"2026-05-09", time.Saturday},
				{"2026-09-20", time.Sunday}, {"2026-10-10", time.Saturday},
			},
		},
	}
	cn := load(t, "CN")
	want := map[day]bool{} // day -> is an adjusted working day
	for _, n := range notices {
		for _, h := range n.holidays {
			a, b := dayOf(mustDate(t, h.from)), dayOf(mustDate(t, h.to))
			if a.weekday() != h.fromWday || b.weekday() != h.toWday || int(b-a)+1 != h.days {
				t.Errorf("%s: %s (%s) to %s (%s), %d days: the test's table is wrong", n.title, h.from, a.weekday(), h.to, b.weekday(), int(b-a)+1)
			}
			for d := a; d <= b; d++ {
				want[d] = false
			}
		}
		for _, w := range n.workdays {
			d := dayOf(mustDate(t, w.date))
			if d.weekday() != w.wday {
				t.Errorf("%s: %s is a %s, not a %s", n.title, w.date, d.weekday(), w.wday)
			}
			want[d] = true
		}
	}
	for d, work := range want {
		e, ok := cn.days[d]
		switch {
		case !ok:
			t.Errorf("CN.cal lacks %s", d)
		case e.work != work:
			t.Errorf("CN.cal: %s work=%v, the notice says work=%v", d, e.work, work)
		}
	}
	for d := range cn.days {
		if _, ok := want[d]; !ok {
			t.Errorf("CN.cal lists %s, which no notice does", d)
		}
	}
}

func mustDate(t testing.TB, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
