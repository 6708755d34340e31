// Package businesstime does business-hours arithmetic in an agency's local time: callbacks, SLA and
// acknowledgement due times (DESIGN.md §5.4, §7.3). Every computation walks local calendar dates and
// builds opening/closing instants with time.Date, so daylight-saving changes never shift the local
// 09:00 opening and "one business day" always means one calendar date, not 24 hours.
package businesstime

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DefaultTimeZone is used when NewCalendar gets an empty zone; it matches the agency default (§3).
const DefaultTimeZone = "Asia/Tokyo"

var (
	ErrClock      = errors.New("businesstime: clock must be HH:MM between 00:00 and 23:59")
	ErrHours      = errors.New("businesstime: closing time must be after opening time")
	ErrWeekday    = errors.New("businesstime: weekday must be 0 (Sunday) to 6 (Saturday)")
	ErrNoWeekdays = errors.New("businesstime: at least one working weekday is required")
	ErrHoliday    = errors.New("businesstime: holiday must be a YYYY-MM-DD date")
	ErrTimeZone   = errors.New("businesstime: unknown time zone")
)

// Clock is a local wall-clock time of day.
type Clock struct{ Hour, Minute int }

// ParseClock parses "HH:MM" (two digits each, 00:00–23:59), the same format the agency settings store.
func ParseClock(s string) (Clock, error) {
	hh, mm, ok := strings.Cut(s, ":")
	if !ok || len(hh) != 2 || len(mm) != 2 || !digits(hh) || !digits(mm) {
		return Clock{}, fmt.Errorf("%q: %w", s, ErrClock)
	}
	h, _ := strconv.Atoi(hh)
	m, _ := strconv.Atoi(mm)
	c := Clock{Hour: h, Minute: m}
	if !c.valid() {
		return Clock{}, fmt.Errorf("%q: %w", s, ErrClock)
	}
	return c, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", c.Hour, c.Minute) }

func (c Clock) valid() bool {
	return c.Hour >= 0 && c.Hour <= 23 && c.Minute >= 0 && c.Minute <= 59
}

func (c Clock) minutes() int { return c.Hour*60 + c.Minute }

// Calendar is an agency's business hours. Business time is [Open, Close) on every working weekday
// that is not a holiday, in Location.
type Calendar struct {
	Location    *time.Location        // agency time zone; nil means UTC
	Open, Close Clock                 // local opening and closing time; Close > Open
	Weekdays    map[time.Weekday]bool // working weekdays
	Holidays    map[string]bool       // "YYYY-MM-DD" local dates
}

// NewCalendar builds a Calendar from the agency settings as stored (§3): an IANA zone ("" means
// DefaultTimeZone), "HH:MM" open and close, weekdays 0 (Sunday)..6 and "YYYY-MM-DD" holidays.
func NewCalendar(tz, open, close string, weekdays []int, holidays []string) (Calendar, error) {
	if tz == "" {
		tz = DefaultTimeZone
	}
	// "Local" would make results depend on the host, and server processes must agree (§2).
	if tz == "Local" {
		return Calendar{}, fmt.Errorf("%q: %w", tz, ErrTimeZone)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return Calendar{}, fmt.Errorf("%q: %w", tz, ErrTimeZone)
	}
	o, err := ParseClock(open)
	if err != nil {
		return Calendar{}, err
	}
	c, err := ParseClock(close)
	if err != nil {
		return Calendar{}, err
	}
	cal := Calendar{Location: loc, Open: o, Close: c,
		Weekdays: make(map[time.Weekday]bool, len(weekdays)),
		Holidays: make(map[string]bool, len(holidays)),
	}
	for _, d := range weekdays {
		if d < 0 || d > 6 {
			return Calendar{}, fmt.Errorf("%d: %w", d, ErrWeekday)
		}
		cal.Weekdays[time.Weekday(d)] = true
	}
	for _, h := range holidays {
		d, err := time.Parse(time.DateOnly, h)
		if err != nil {
			return Calendar{}, fmt.Errorf("%q: %w", h, ErrHoliday)
		}
		// Re-format so "2026-1-2"-style keys can never silently miss a lookup.
		cal.Holidays[d.Format(time.DateOnly)] = true
	}
	if err := cal.Validate(); err != nil {
		return Calendar{}, err
	}
	return cal, nil
}

// Validate reports whether the calendar has business time at all. The arithmetic methods panic on an
// invalid calendar instead of searching forever for an opening that never comes.
func (c Calendar) Validate() error {
	if !c.Open.valid() || !c.Close.valid() {
		return ErrClock
	}
	if c.Close.minutes() <= c.Open.minutes() {
		return ErrHours
	}
	for d, ok := range c.Weekdays {
		if ok && d >= time.Sunday && d <= time.Saturday {
			return nil
		}
	}
	return ErrNoWeekdays
}

func (c Calendar) mustBeValid() {
	if err := c.Validate(); err != nil {
		panic(fmt.Sprintf("businesstime: invalid calendar: %v", err))
	}
}

func (c Calendar) loc() *time.Location {
	if c.Location == nil {
		return time.UTC
	}
	return c.Location
}

// date is a local calendar date; stepping by dates (not by 24h) keeps DST out of day arithmetic.
type date struct {
	y int
	m time.Month
	d int
}

func dateOf(t time.Time) date {
	y, m, d := t.Date()
	return date{y, m, d}
}

func (d date) next() date {
	return dateOf(time.Date(d.y, d.m, d.d+1, 0, 0, 0, 0, time.UTC))
}

func (d date) after(o date) bool {
	if d.y != o.y {
		return d.y > o.y
	}
	if d.m != o.m {
		return d.m > o.m
	}
	return d.d > o.d
}

func (c Calendar) businessDate(d date) bool {
	wd := time.Date(d.y, d.m, d.d, 12, 0, 0, 0, time.UTC).Weekday()
	return c.Weekdays[wd] && !c.Holidays[fmt.Sprintf("%04d-%02d-%02d", d.y, d.m, d.d)]
}

// window returns the opening and closing instants of local date d.
func (c Calendar) window(d date) (open, close time.Time) {
	loc := c.loc()
	return time.Date(d.y, d.m, d.d, c.Open.Hour, c.Open.Minute, 0, 0, loc),
		time.Date(d.y, d.m, d.d, c.Close.Hour, c.Close.Minute, 0, 0, loc)
}

// maxScan bounds the search for the next business day. A valid calendar has a working weekday in
// every week, and each holiday can remove at most one day, so this is never reached unless DST
// produced an empty window on every candidate day, which no real zone does.
func (c Calendar) maxScan() int { return 7 * (len(c.Holidays) + 2) }

// IsBusinessDay reports whether the local date of t is a working weekday and not a holiday.
func (c Calendar) IsBusinessDay(t time.Time) bool {
	return c.businessDate(dateOf(t.In(c.loc())))
}

// InBusinessHours reports whether t is within [Open, Close) on a business day; exactly Close is
// after hours, so nobody is called at 18:00:00 sharp.
func (c Calendar) InBusinessHours(t time.Time) bool {
	t = t.In(c.loc())
	d := dateOf(t)
	if !c.businessDate(d) {
		return false
	}
	open, close := c.window(d)
	return !t.Before(open) && t.Before(close)
}

// NextBusinessSlot returns t if it is in business hours, else the next opening time. The result is
// in c.Location.
func (c Calendar) NextBusinessSlot(t time.Time) time.Time {
	c.mustBeValid()
	t = t.In(c.loc())
	d := dateOf(t)
	for i := 0; i <= c.maxScan(); i++ {
		if c.businessDate(d) {
			open, close := c.window(d)
			if open.Before(close) {
				if t.Before(open) {
					return open
				}
				if t.Before(close) {
					return t
				}
			}
		}
		d = d.next()
	}
	panic("businesstime: no business hours found")
}

// AddBusinessDays returns the same local clock time n business days after the local date of t
// (a Saturday counts from Saturday, so Saturday+1 is Monday), moved to the next business slot if
// that clock time is outside business hours. n <= 0 returns NextBusinessSlot(t). The result is in
// c.Location.
func (c Calendar) AddBusinessDays(t time.Time, n int) time.Time {
	c.mustBeValid()
	t = t.In(c.loc())
	if n <= 0 {
		return c.NextBusinessSlot(t)
	}
	d := dateOf(t)
	for n > 0 {
		d = d.next()
		if c.businessDate(d) {
			n--
		}
	}
	h, m, s := t.Clock()
	return c.NextBusinessSlot(time.Date(d.y, d.m, d.d, h, m, s, t.Nanosecond(), c.loc()))
}

// AddBusinessMinutes returns the instant at which d of business time has elapsed, counting from
// NextBusinessSlot(t). When d runs out exactly at a closing time the result is that closing time
// (the deadline is close of business, not the next morning). d <= 0 returns NextBusinessSlot(t).
// The result is in c.Location.
func (c Calendar) AddBusinessMinutes(t time.Time, d time.Duration) time.Time {
	cur := c.NextBusinessSlot(t)
	for d > 0 {
		_, close := c.window(dateOf(cur))
		avail := close.Sub(cur)
		if d <= avail {
			return cur.Add(d)
		}
		d -= avail
		cur = c.NextBusinessSlot(close)
	}
	return cur
}

// BusinessDuration returns the business time in [from, to); 0 if to is not after from. It is the
// inverse of AddBusinessMinutes: BusinessDuration(NextBusinessSlot(t), AddBusinessMinutes(t, d)) == d.
func (c Calendar) BusinessDuration(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	loc := c.loc()
	from, to = from.In(loc), to.In(loc)
	var total time.Duration
	last := dateOf(to)
	for d := dateOf(from); !d.after(last); d = d.next() {
		if !c.businessDate(d) {
			continue
		}
		open, close := c.window(d)
		lo, hi := later(open, from), earlier(close, to)
		if hi.After(lo) {
			total += hi.Sub(lo)
		}
	}
	return total
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
