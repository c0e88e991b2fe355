// Package calendar counts working days and computes the deadlines the law
// sets for answering a data subject: working days on a country's official
// calendar, calendar months, calendar days.
//
// # Calendars
//
// A [Calendar] knows which days are working days: Monday to Friday (or
// whatever its weekend leaves), less its public holidays, plus its official
// adjusted working days, the Saturdays and Sundays that mainland China's
// State Council makes working days around a long holiday (调休). Calendars
// are data, one file per calendar in the format [Parse] reads; [Load] returns
// the built-in ones:
//
//   - CN: mainland China, 2025 and 2026, from the State Council General
//     Office's notices on holiday arrangements.
//   - US: federal holidays, for the CCPA's business days.
//   - GB: England and Wales bank holidays.
//   - EU: Monday to Friday, no holidays.
//
// A calendar covers the years its data covers ([Calendar.Covers]). Outside
// them it does not guess: counting working days through an uncovered year
// fails with [ErrNotCovered], naming the calendar and the year, so that a
// missing holiday table is found at once rather than as a missed deadline.
//
// A tenant adds a calendar of its own in the same format with [Parse], and
// lays its company days off over an official calendar with [Calendar.Merge].
//
// # File format
//
// A calendar file is UTF-8 text, one directive a line; a line starting with
// # is a comment:
//
//	name Mainland China (中国大陆)
//	zone Asia/Shanghai
//	weekend sat sun
//	years 2025-2026
//	library us-federal
//	holiday 2025-01-01 New Year's Day
//	holiday 2025-10-01..2025-10-08 National Day and Mid-Autumn Festival
//	workday 2025-09-28 National Day adjusted working day
//
// name, zone, weekend, years and library may each appear once. zone is an
// IANA time zone (default UTC); weekend lists the days off each week
// (default "sat sun"; "none" for none). years is the span the data covers,
// inclusive ("2025" or "2025-2026"); without it the calendar covers every
// year. library adds the holidays a library computes ([Libraries]) for the
// years covered, and needs a years line. holiday lists a day off, or an
// inclusive range of them; workday an adjusted working day; either may end
// with the day's name. A day may be listed once, and no day is both.
//
// # Deadlines
//
// [Calendar.AddWorkingDays] counts the Nth working day after the day of a
// start instant and returns the end of that day, 23:59:59 in the calendar's
// time zone; the day of the start itself never counts. A request verified at
// any hour of Friday 2025-09-26 in China is due, 15 working days later, at
// the end of Thursday 2025-10-23: Saturday 27 September is off, Sunday 28
// September is an adjusted working day (the 1st), 1 to 8 October are National
// Day and Mid-Autumn holidays, and Saturday 11 October is an adjusted working
// day (the 6th). The deadline is kept to the second so
// that it survives storage at any precision; any instant after it is late.
//
// A [Rule] is one way the law counts time, such as [WorkingDays] (15 working
// days after identity verification), [GDPRMonth] or [CCPAResponse];
// [Deadline] applies it to a start instant and returns a [Due]: the instant,
// the rule in words, and whether it was extended.
//
// # Concurrency
//
// A Calendar is immutable once built: it is safe for concurrent use, and the
// calendars [Load] returns are shared.
package calendar
