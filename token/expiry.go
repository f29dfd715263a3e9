package token

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DateLayout is the layout of expires_at.
const DateLayout = "2006-01-02"

// DefaultLifetimeDays is the lifetime used when the user gives none, as in GitLab's form.
const DefaultLifetimeDays = 30

// MaxLifetimeDays is GitLab's default maximum token lifetime.
const MaxLifetimeDays = 365

// maxDurationDays bounds what ParseExpiry accepts before validation, so that
// absurd durations get a clear message instead of an overflowed date.
const maxDurationDays = 100000

// Today returns the current date in UTC, at 00:00, the instant tokens expire.
func Today(now time.Time) time.Time {
	y, m, d := now.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// DefaultExpiry returns the date used when no expiry is given.
func DefaultExpiry(now time.Time) time.Time {
	return Today(now).AddDate(0, 0, DefaultLifetimeDays)
}

// MaxDays returns the instance maximum lifetime, GitLab's default when n is not set.
func MaxDays(n int) int {
	if n <= 0 {
		return MaxLifetimeDays
	}
	return n
}

// LastAllowedExpiry returns the latest expiry the instance accepts.
func LastAllowedExpiry(now time.Time, maxDays int) time.Time {
	return Today(now).AddDate(0, 0, MaxDays(maxDays))
}

// ParseExpiry reads an absolute date (2027-01-31) or a duration in whole days,
// weeks or years (30d, 4w, 1y) counted from today in UTC. It only parses; use
// Request.Validate for the lifetime rules.
func ParseExpiry(s string, now time.Time) (time.Time, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return time.Time{}, fmt.Errorf("no expiry given: use a date like %s or a duration like 30d or 4w",
			DefaultExpiry(now).Format(DateLayout))
	}
	if strings.Count(t, "-") == 2 && t[0] != '-' {
		d, err := time.Parse(DateLayout, t)
		if err != nil {
			return time.Time{}, fmt.Errorf("%q is not a valid date: write it as YYYY-MM-DD, for example %s", s,
				DefaultExpiry(now).Format(DateLayout))
		}
		return d, nil
	}
	days, err := parseDays(t)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: %w", s, err)
	}
	return Today(now).AddDate(0, 0, days), nil
}

func parseDays(t string) (int, error) {
	unit := t[len(t)-1]
	num := t[:len(t)-1]
	mult := 0
	switch unit {
	case 'd', 'D':
		mult = 1
	case 'w', 'W':
		mult = 7
	case 'y', 'Y':
		mult = 365
	case 'h', 'H':
		// Hours, as glab's --duration takes them; only whole days make sense for a date.
		mult = -24
	default:
		return 0, fmt.Errorf("use a date (YYYY-MM-DD) or whole days, weeks or years such as 30d, 4w or 1y")
	}
	if num == "" || strings.TrimLeft(num, "0123456789") != "" {
		return 0, fmt.Errorf("use a whole positive number, such as 30d, 4w or 1y")
	}
	if len(num) > 6 {
		return 0, fmt.Errorf("too long: tokens last at most %d days", MaxLifetimeDays)
	}
	n, _ := strconv.Atoi(num)
	if mult < 0 {
		if n%24 != 0 {
			return 0, fmt.Errorf("tokens expire on a date, so hours must be whole days (24h, 720h)")
		}
		n, mult = n/24, 1
	}
	if n == 0 {
		return 0, fmt.Errorf("a token must last at least one day")
	}
	if n*mult > maxDurationDays {
		return 0, fmt.Errorf("too long: tokens last at most %d days", MaxLifetimeDays)
	}
	return n * mult, nil
}

// DaysUntil returns whole days from today (UTC) to date d.
func DaysUntil(d, now time.Time) int {
	return int(d.Sub(Today(now)).Hours() / 24)
}

// DescribeExpiry says a date aloud: "2026-12-25 (Friday, in 30 days; expires at 00:00 UTC)".
func DescribeExpiry(d, now time.Time) string {
	n := DaysUntil(d, now)
	when := fmt.Sprintf("in %d days", n)
	switch {
	case n == 1:
		when = "tomorrow"
	case n == 0:
		when = "today"
	case n < 0:
		when = fmt.Sprintf("%d days ago", -n)
	}
	return fmt.Sprintf("%s (%s, %s; expires at 00:00 UTC)", d.Format(DateLayout), d.Weekday(), when)
}

// ValidateExpiry checks that d is after today (UTC) and not after the
// maximum lifetime maxDays (0: GitLab's default of 365, as a guard).
func ValidateExpiry(d time.Time, now time.Time, maxDays int) error {
	return Limits{MaxLifetimeDays: maxDays}.checkExpiry(d, now)
}

// checkExpiry checks d against the lifetime rule: in the future, and within
// the instance's maximum when it was read from the instance, the maximum
// the user gave (--max-lifetime), or else GitLab's default of 365 days. The
// default is only a guard: an instance may allow 400 days, or less under an
// Ultimate policy, and counts "today" in its own time zone — so a date is
// called the instance's last allowed one only when the instance said so.
func (l Limits) checkExpiry(d, now time.Time) error {
	today := Today(now)
	last := LastAllowedExpiry(now, l.MaxLifetimeDays)
	if !d.After(today) {
		if l.NoMaxLifetime {
			return fmt.Errorf("%s is not in the future (tokens expire at 00:00 UTC on that date): pick a later date, such as %s",
				d.Format(DateLayout), DefaultExpiry(now).Format(DateLayout))
		}
		return fmt.Errorf("%s is not in the future (tokens expire at 00:00 UTC on that date): pick a date from %s to %s",
			d.Format(DateLayout), today.AddDate(0, 0, 1).Format(DateLayout), last.Format(DateLayout))
	}
	if l.NoMaxLifetime || !d.After(last) {
		return nil
	}
	max := MaxDays(l.MaxLifetimeDays)
	switch {
	case l.LifetimeKnown:
		return fmt.Errorf("%s is beyond this instance's maximum lifetime of %d days: pick a date on or before %s",
			d.Format(DateLayout), max, last.Format(DateLayout))
	case l.MaxLifetimeDays > 0:
		return fmt.Errorf("%s is beyond the maximum lifetime of %d days you gave (--max-lifetime): pick a date on or before %s",
			d.Format(DateLayout), max, last.Format(DateLayout))
	}
	return fmt.Errorf("%s is beyond GitLab's default maximum lifetime of %d days: pick a date on or before %s "+
		"(an instance may allow less, or 400 days where buffered expiry is on: then say so with --max-lifetime DAYS)",
		d.Format(DateLayout), max, last.Format(DateLayout))
}
