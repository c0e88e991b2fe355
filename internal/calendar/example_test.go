package calendar_test

import (
	"fmt"
	"time"

	"github.com/trustee-dev/trustee/internal/calendar"
)

// A request verified on the Friday before China's National Day week of 2025
// is due 15 working days later: the adjusted Sunday 28 September and
// Saturday 11 October count, 1 to 8 October do not.
func ExampleDeadline() {
	cn, err := calendar.Load("CN")
	if err != nil {
		panic(err)
	}
	verified := time.Date(2025, 9, 26, 16, 20, 0, 0, cn.Location())
	due, err := calendar.Deadline(calendar.WorkingDays(15).After("identity verification"), verified, cn)
	if err != nil {
		panic(err)
	}
	fmt.Println(due.At.Format(time.DateTime), due.Rule)

	_, err = cn.AddWorkingDays(time.Date(2026, 12, 21, 9, 0, 0, 0, cn.Location()), 15)
	fmt.Println(err)
	// Output:
	// 2025-10-23 23:59:59 15 working days after identity verification (CN calendar)
	// calendar CN has no holiday data for 2027 (it covers 2025 to 2026): add that year's official holidays and adjusted working days
}

// A tenant lays its company days off over the official calendar.
func ExampleCalendar_Merge() {
	cn, _ := calendar.Load("CN")
	acme, err := calendar.Parse("acme", []byte("name Acme\nholiday 2025-09-29 company day off\n"))
	if err != nil {
		panic(err)
	}
	c := cn.Merge(acme)
	due, _ := c.AddWorkingDays(time.Date(2025, 9, 26, 10, 0, 0, 0, cn.Location()), 2)
	fmt.Println(c.ID(), due.Format(time.DateOnly))
	// Output: CN+acme 2025-09-30
}
