package businesstime

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"
	_ "time/tzdata" // tests must not depend on the host's zoneinfo
)

// Japanese public holidays used below: Showa Day (Wed 2026-04-29), Golden Week (2026-05-04..06),
// Marine Day (Mon 2026-07-20).
var jpHolidays = []string{"2026-04-29", "2026-05-04", "2026-05-05", "2026-05-06", "2026-07-20"}

func tokyo(t *testing.T) Calendar {
	t.Helper()
	c, err := NewCalendar("Asia/Tokyo", "09:00", "18:00", []int{1, 2, 3, 4, 5}, jpHolidays)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newYork(t *testing.T) Calendar {
	t.Helper()
	c, err := NewCalendar("America/New_York", "09:00", "18:00", []int{1, 2, 3, 4, 5}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// at builds a local time in c's zone: at(c, "2026-04-03 18:55").
func at(t *testing.T, c Calendar, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, c.Location)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestParseClock(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Clock
		err  bool
	}{
		{in: "09:00", want: Clock{9, 0}},
		{in: "00:00", want: Clock{0, 0}},
		{in: "23:59", want: Clock{23, 59}},
		{in: "18:30", want: Clock{18, 30}},
		{in: "9:00", err: true},
		{in: "24:00", err: true},
		{in: "12:60", err: true},
		{in: "+9:00", err: true},
		{in: "0900", err: true},
		{in: "ab:cd", err: true},
		{in: "", err: true},
	} {
		got, err := ParseClock(tc.in)
		if tc.err {
			if !errors.Is(err, ErrClock) {
				t.Errorf("ParseClock(%q) error = %v, want ErrClock", tc.in, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseClock(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
		if got.String() != tc.in {
			t.Errorf("Clock.String() = %q, want %q", got.String(), tc.in)
		}
	}
}

func TestNewCalendarErrors(t *testing.T) {
	week := []int{1, 2, 3, 4, 5}
	for _, tc := range []struct {
		name            string
		tz, open, close string
		weekdays        []int
		holidays        []string
		want            error
	}{
		{"unknown zone", "Mars/Olympus", "09:00", "18:00", week, nil, ErrTimeZone},
		{"host local zone", "Local", "09:00", "18:00", week, nil, ErrTimeZone},
		{"bad open", "Asia/Tokyo", "9am", "18:00", week, nil, ErrClock},
		{"close equals open", "Asia/Tokyo", "09:00", "09:00", week, nil, ErrHours},
		{"close before open", "Asia/Tokyo", "18:00", "09:00", week, nil, ErrHours},
		{"weekday 7", "Asia/Tokyo", "09:00", "18:00", []int{1, 7}, nil, ErrWeekday},
		{"negative weekday", "Asia/Tokyo", "09:00", "18:00", []int{-1}, nil, ErrWeekday},
		{"no weekdays", "Asia/Tokyo", "09:00", "18:00", nil, nil, ErrNoWeekdays},
		{"bad holiday", "Asia/Tokyo", "09:00", "18:00", week, []string{"2026/04/29"}, ErrHoliday},
		{"impossible holiday", "Asia/Tokyo", "09:00", "18:00", week, []string{"2026-02-30"}, ErrHoliday},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewCalendar(tc.tz, tc.open, tc.close, tc.weekdays, tc.holidays)
			if !errors.Is(err, tc.want) {
				t.Errorf("error = %v, want %v", err, tc.want)
			}
		})
	}

	c, err := NewCalendar("", "09:00", "18:00", week, nil)
	if err != nil || c.Location.String() != DefaultTimeZone {
		t.Errorf("empty zone: %v, %v; want %s", c.Location, err, DefaultTimeZone)
	}
}

func TestInvalidCalendarPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("NextBusinessSlot on a calendar without working days did not panic")
		}
	}()
	Calendar{Open: Clock{9, 0}, Close: Clock{18, 0}}.NextBusinessSlot(time.Now())
}

func TestIsBusinessDayAndHours(t *testing.T) {
	c := tokyo(t)
	for _, tc := range []struct {
		at         string
		day, hours bool
	}{
		{"2026-04-02 08:59", true, false},
		{"2026-04-02 09:00", true, true},
		{"2026-04-02 17:59", true, true},
		{"2026-04-02 18:00", true, false},  // exactly closing time is after hours
		{"2026-04-04 11:00", false, false}, // Saturday
		{"2026-04-05 11:00", false, false}, // Sunday
		{"2026-04-29 11:00", false, false}, // Showa Day
	} {
		tm := at(t, c, tc.at)
		if got := c.IsBusinessDay(tm); got != tc.day {
			t.Errorf("IsBusinessDay(%s) = %v, want %v", tc.at, got, tc.day)
		}
		if got := c.InBusinessHours(tm); got != tc.hours {
			t.Errorf("InBusinessHours(%s) = %v, want %v", tc.at, got, tc.hours)
		}
	}
	// One nanosecond before closing is still open.
	if !c.InBusinessHours(at(t, c, "2026-04-02 18:00").Add(-time.Nanosecond)) {
		t.Error("17:59:59.999999999 should be in business hours")
	}
	// The local date decides: Monday 00:30 UTC is Monday 09:30 in Tokyo, Sunday 23:30 UTC is not.
	if !c.InBusinessHours(time.Date(2026, 4, 6, 0, 30, 0, 0, time.UTC)) {
		t.Error("2026-04-06 00:30 UTC (09:30 JST Monday) should be in business hours")
	}
	// Friday 20:00 UTC is already Saturday in Tokyo.
	if c.IsBusinessDay(time.Date(2026, 4, 3, 20, 0, 0, 0, time.UTC)) {
		t.Error("2026-04-03 20:00 UTC is Saturday 05:00 JST, not a business day")
	}
}

func TestNextBusinessSlot(t *testing.T) {
	c := tokyo(t)
	for _, tc := range []struct {
		name, at, want string
	}{
		{"voicemail Friday 18:55 → Monday opening", "2026-04-03 18:55", "2026-04-06 09:00"},
		{"Friday 18:55 before a Monday holiday → Tuesday", "2026-07-17 18:55", "2026-07-21 09:00"},
		{"call during a public holiday", "2026-04-29 11:00", "2026-04-30 09:00"},
		{"Friday evening before Golden Week", "2026-05-01 19:00", "2026-05-07 09:00"},
		{"early morning → same-day opening", "2026-04-02 08:00", "2026-04-02 09:00"},
		{"exactly 18:00 is after hours", "2026-04-02 18:00", "2026-04-03 09:00"},
		{"in hours → itself", "2026-04-02 10:17", "2026-04-02 10:17"},
		{"exactly opening → itself", "2026-04-02 09:00", "2026-04-02 09:00"},
		{"Saturday → Monday", "2026-04-04 10:00", "2026-04-06 09:00"},
		{"just after midnight → same-day opening", "2026-04-02 00:01", "2026-04-02 09:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := c.NextBusinessSlot(at(t, c, tc.at))
			want := at(t, c, tc.want)
			if !got.Equal(want) {
				t.Errorf("NextBusinessSlot(%s) = %s, want %s", tc.at, got, want)
			}
			if got.Location() != c.Location {
				t.Errorf("result in %v, want %v", got.Location(), c.Location)
			}
		})
	}

	// An instant given in another zone is judged in the agency's zone and returned there.
	ny := newYork(t)
	got := ny.NextBusinessSlot(time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC)) // 08:00 EDT
	if want := time.Date(2026, 3, 9, 13, 0, 0, 0, time.UTC); !got.Equal(want) || got.Location() != ny.Location {
		t.Errorf("NY NextBusinessSlot(12:00Z) = %s, want %s in New York", got, want)
	}
}

func TestAddBusinessDays(t *testing.T) {
	c := tokyo(t)
	for _, tc := range []struct {
		name, at string
		n        int
		want     string
	}{
		{"Thursday 10:00 + 2 → Monday 10:00", "2026-04-02 10:00", 2, "2026-04-06 10:00"},
		{"Friday 17:30 + 2 → Tuesday 17:30", "2026-04-03 17:30", 2, "2026-04-07 17:30"},
		{"before opening is clamped to opening", "2026-04-02 08:00", 2, "2026-04-06 09:00"},
		{"after closing moves to the next morning", "2026-04-02 19:00", 2, "2026-04-07 09:00"},
		{"exactly 18:00 moves to the next morning", "2026-04-02 18:00", 1, "2026-04-06 09:00"},
		{"skips a holiday", "2026-04-28 10:00", 1, "2026-04-30 10:00"},
		{"skips Golden Week", "2026-04-30 15:00", 2, "2026-05-07 15:00"},
		{"counts from a Saturday", "2026-04-04 10:00", 1, "2026-04-06 10:00"},
		{"n = 0 is the next slot", "2026-04-02 19:00", 0, "2026-04-03 09:00"},
		{"negative n is the next slot", "2026-04-02 10:00", -3, "2026-04-02 10:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := c.AddBusinessDays(at(t, c, tc.at), tc.n)
			if want := at(t, c, tc.want); !got.Equal(want) {
				t.Errorf("AddBusinessDays(%s, %d) = %s, want %s", tc.at, tc.n, got, want)
			}
		})
	}
}

func TestAddBusinessMinutes(t *testing.T) {
	c := tokyo(t)
	for _, tc := range []struct {
		name, at string
		d        time.Duration
		want     string
	}{
		{"within the day", "2026-04-02 10:00", 30 * time.Minute, "2026-04-02 10:30"},
		{"ends exactly at close", "2026-04-02 17:30", 30 * time.Minute, "2026-04-02 18:00"},
		{"one minute past close rolls over", "2026-04-02 17:30", 31 * time.Minute, "2026-04-03 09:01"},
		{"starts before opening", "2026-04-02 07:00", time.Hour, "2026-04-02 10:00"},
		{"over the weekend", "2026-04-03 17:00", 2 * time.Hour, "2026-04-06 10:00"},
		{"from a holiday", "2026-04-29 12:00", 15 * time.Minute, "2026-04-30 09:15"},
		// Tue 16–18 (2h), Wed holiday, Thu 9h, Fri 9h, weekend, Mon–Wed Golden Week, Thu 1h.
		{"several days and holidays", "2026-04-28 16:00", 21 * time.Hour, "2026-05-07 10:00"},
		{"zero is the next slot", "2026-04-02 19:00", 0, "2026-04-03 09:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := c.AddBusinessMinutes(at(t, c, tc.at), tc.d)
			if want := at(t, c, tc.want); !got.Equal(want) {
				t.Errorf("AddBusinessMinutes(%s, %s) = %s, want %s", tc.at, tc.d, got, want)
			}
		})
	}
}

// New York springs forward on Sunday 2026-03-08 and falls back on Sunday 2026-11-01; Tokyo has no
// DST. Both agencies must open at local 09:00 on the Monday after, whatever the UTC offset does.
func TestDSTTokyoVsNewYork(t *testing.T) {
	jp, ny := tokyo(t), newYork(t)

	for _, tc := range []struct {
		name     string
		c        Calendar
		from, to string
		wantUTC  time.Time
	}{
		{"Tokyo, same weekend", jp, "2026-03-06 17:00", "2026-03-09 10:00", time.Date(2026, 3, 9, 1, 0, 0, 0, time.UTC)},
		{"New York, spring forward", ny, "2026-03-06 17:00", "2026-03-09 10:00", time.Date(2026, 3, 9, 14, 0, 0, 0, time.UTC)},
		{"New York, fall back", ny, "2026-10-30 17:00", "2026-11-02 10:00", time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			from := at(t, tc.c, tc.from)
			got := tc.c.AddBusinessMinutes(from, 2*time.Hour)
			if want := at(t, tc.c, tc.to); !got.Equal(want) || !got.Equal(tc.wantUTC) {
				t.Errorf("AddBusinessMinutes = %s (%s), want %s (%s)", got, got.UTC(), want, tc.wantUTC)
			}
			if h, m, _ := tc.c.NextBusinessSlot(at(t, tc.c, tc.from).Add(2 * time.Hour)).Clock(); h != 9 || m != 0 {
				t.Errorf("next opening after the weekend is %02d:%02d local, want 09:00", h, m)
			}
			if d := tc.c.BusinessDuration(from, got); d != 2*time.Hour {
				t.Errorf("BusinessDuration = %s, want 2h", d)
			}
			// One business day keeps the local clock even though 71h or 73h of wall time pass.
			if got, want := tc.c.AddBusinessDays(from, 1), at(t, tc.c, tc.to).Add(7*time.Hour); !got.Equal(want) {
				t.Errorf("AddBusinessDays(+1) = %s, want %s", got, want)
			}
		})
	}
}

func TestBusinessDuration(t *testing.T) {
	c := tokyo(t)
	for _, tc := range []struct {
		name, from, to string
		want           time.Duration
	}{
		{"to before from", "2026-04-02 12:00", "2026-04-02 11:00", 0},
		{"equal", "2026-04-02 12:00", "2026-04-02 12:00", 0},
		{"within hours", "2026-04-02 10:00", "2026-04-02 12:30", 150 * time.Minute},
		{"clipped at both ends", "2026-04-02 07:00", "2026-04-02 20:00", 9 * time.Hour},
		{"overnight", "2026-04-02 17:00", "2026-04-03 10:00", 2 * time.Hour},
		{"weekend only", "2026-04-03 18:00", "2026-04-06 09:00", 0},
		{"a full week", "2026-04-06 09:00", "2026-04-13 09:00", 45 * time.Hour},
		{"holiday excluded", "2026-04-28 09:00", "2026-04-30 18:00", 18 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.BusinessDuration(at(t, c, tc.from), at(t, c, tc.to)); got != tc.want {
				t.Errorf("BusinessDuration(%s, %s) = %s, want %s", tc.from, tc.to, got, tc.want)
			}
		})
	}
}

// For random t and d, BusinessDuration(NextBusinessSlot(t), AddBusinessMinutes(t, d)) == d, the
// result is never strictly after hours (only exactly at close), and it does not go backwards as d grows.
func TestAddBusinessMinutesInverseProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []Calendar{tokyo(t), newYork(t)} {
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, c.Location)
		for i := 0; i < 3000; i++ {
			tm := base.Add(time.Duration(rng.Int64N(int64(365 * 24 * time.Hour))))
			d := time.Duration(rng.Int64N(int64(200 * time.Hour)))
			if i%3 == 0 {
				d = d.Truncate(time.Minute) // whole minutes hit closing times exactly more often
			}
			start := c.NextBusinessSlot(tm)
			end := c.AddBusinessMinutes(tm, d)
			if got := c.BusinessDuration(start, end); got != d {
				t.Fatalf("%s: BusinessDuration(%s, AddBusinessMinutes(%s, %s)=%s) = %s", c.Location, start, tm, d, end, got)
			}
			if !c.InBusinessHours(end) {
				h, m, s := end.Clock()
				if d == 0 || h != c.Close.Hour || m != c.Close.Minute || s != 0 || end.Nanosecond() != 0 {
					t.Fatalf("%s: AddBusinessMinutes(%s, %s) = %s is after hours", c.Location, tm, d, end)
				}
			}
			if more := c.AddBusinessMinutes(tm, d+time.Minute); !more.After(end) {
				t.Fatalf("%s: AddBusinessMinutes not increasing at %s, %s", c.Location, tm, d)
			}
		}
	}
}
